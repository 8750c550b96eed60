"""The `publish` command line: a thin Click group. Heavy imports stay inside commands."""

from __future__ import annotations

import sys
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from publish import __version__
from publish.errors import EXIT_CHECK_FAILED, EXIT_INTERNAL, PublishError

if TYPE_CHECKING:
    from publish.profile import Profile
    from publish.project import Project

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ArtifactChoice(click.Choice[str]):
    """`--only` choices: the artifact registry's names, read when the option is parsed."""

    name = "artifact"

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from publish.render import registry

        return registry.names()

    @choices.setter
    def choices(self, value: object) -> None:
        """The registry is the only source of choices."""


class VariantChoice(ArtifactChoice):
    """An artifact built only on request (`--variant large-print`)."""

    name = "variant"

    @property
    def choices(self) -> tuple[str, ...]:
        from publish.render import registry

        return registry.variants()

    @choices.setter
    def choices(self, value: object) -> None:
        """The registry is the only source of choices."""


class Shard(click.ParamType):
    """`I/N` with 1 <= I <= N: a bad share is a usage error (exit 2), before anything runs."""

    name = "I/N"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from publish.project import parse_shard

        try:
            parse_shard(str(value))
        except PublishError as exc:
            self.fail(exc.raw, param, ctx)
        return str(value)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="publish")
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
def cli(debug: bool) -> None:
    """Turn clinical source material into patient handouts, e-books and clinician sheets.

    \b
    Example:
      publish init handouts        # a new project folder; then cd handouts
      publish new my-topic         # seeds/topics/my-topic/, placeholders to replace
      publish normalize            # seeds/raw -> seeds/normalized
      publish build                # every topic -> dist/
      publish check                # gates before printing
      publish fhir                 # DocumentReferences for record systems
      publish site                 # a static site of every built topic, with a catalog
    """
    del debug  # main() reads --debug before Click runs, to show tracebacks of any failure


def _err(message: str) -> None:
    click.echo(message, err=True)


def _report(error: PublishError) -> None:
    """One `error: file[:line]: message` line per problem."""
    for line in error.lines():
        _err(f"error: {line}")


@cli.command()
@click.argument(
    "folder", required=False, default=Path(), type=click.Path(file_okay=False, path_type=Path)
)
def init(folder: Path) -> None:
    """Start a project in FOLDER (default: the working folder), new or empty.

    Creates seeds/raw/, seeds/normalized/ and seeds/topics/, a commented clinic profile
    (publish.toml), a .gitignore for dist/ and a README.md with the next steps. Nothing
    that exists is overwritten: if any of these paths exists, nothing is written (exit 6).

    \b
    Examples:
      publish init handouts && cd handouts
      publish init                 # in an empty folder
    """
    from publish.scaffold import init_project

    for path in init_project(folder):
        click.echo(f"created {path}{'/' if path.is_dir() else ''}")
    click.echo(
        "next: put source documents in seeds/raw/ and run `publish normalize`, then "
        "`publish new TOPIC_ID --from SOURCE_ID` (see README.md)"
    )


@cli.command()
@click.argument("topic_id", required=False)
@click.option("--title", help="The topic's title. [default: a placeholder to replace]")
@click.option(
    "--from",
    "sources",
    multiple=True,
    metavar="SOURCE_ID",
    help="A normalized source the topic draws on, listed under sources: (repeatable).",
)
@click.option(
    "--list-sources",
    is_flag=True,
    help="List the normalized sources to choose from (id, kind, publisher, title) and exit.",
)
def new(
    topic_id: str | None, title: str | None, sources: tuple[str, ...], list_sources: bool
) -> None:
    """Start a topic: seeds/topics/TOPIC_ID/ with topic.yaml, patient.md, clinician.md
    and glossary.yaml, in a project (`publish init`).

    Everything to write is a placeholder, [[TODO: what to write]]: `publish check`
    lists each one left (file:line), and `publish build` refuses the topic (exit 4)
    until none is. TOPIC_ID is a lowercase slug (a-z, 0-9, '-'); an existing topic
    is never overwritten (exit 6).

    \b
    Examples:
      publish new --list-sources
      publish new ketamine-basics --title "Ketamine for Depression" \\
          --from ketamine-depression-how-it-works
    """
    from publish import scaffold
    from publish.project import Project

    project = Project.find()
    if list_sources:
        for line in scaffold.source_lines(scaffold.normalized_sources(project)):
            click.echo(line)
        return
    if topic_id is None:
        raise click.UsageError("give a TOPIC_ID, or --list-sources to list the sources")
    made = scaffold.new_topic(project, topic_id, title=title, sources=sources)
    for path in made.files:
        click.echo(f"created {path}")
    click.echo(
        f"next: replace the {made.placeholders} placeholders ([[TODO: ...]]) with real, cited "
        f"text, then `publish build {made.folder} && publish check {made.folder}`"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("seeds/normalized"),
    show_default=True,
    help="Folder for <id>.md files.",
)
@click.option(
    "--overrides",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Metadata overrides file. [default: seeds/overrides.yaml beside the raw folder]",
)
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 and list files that would change."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and stale files.")
def normalize(
    paths: tuple[Path, ...], out: Path, overrides: Path | None, check: bool, quiet: bool
) -> None:
    """Read raw source documents into normalized sources (YAML front matter + CommonMark).

    PATHS are files or folders of raw documents (default: seeds/raw). Each input
    becomes OUT/<id>.md. Bad inputs are reported one per line; the others still run.

    \b
    Examples:
      publish normalize
      publish normalize notes/episode-12.txt --out seeds/normalized
      publish normalize --check    # in CI: fail if committed files are stale
    """
    from publish.normalizer import normalize_paths
    from publish.project import Project

    result = normalize_paths(
        paths or (Path("seeds/raw"),), out, check=check, overrides=overrides, project=Project.find()
    )
    for warning in result.warnings:
        _err(f"warning: {warning}")
    for error in result.errors:
        _report(error)
    if not quiet:
        for path in result.written:
            click.echo(f"wrote {path}")
        if not check:
            click.echo(
                f"{len(result.sources)} sources: {len(result.written)} written, "
                f"{len(result.unchanged)} unchanged, {len(result.errors)} failed"
            )
    for path in result.stale:
        click.echo(f"would change {path}")
    if result.errors:
        sys.exit(result.errors[0].exit_code)
    if result.stale:
        sys.exit(EXIT_CHECK_FAILED)


@contextmanager
def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    """A progress bar on a terminal (rich); nothing when output is a pipe or a log."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    # no refresh thread: a build forks its renderers, which a running thread makes unsafe
    with Progress(transient=True, console=Console(stderr=True), auto_refresh=False) as bar:
        task = bar.add_task("building topics", total=None)
        bar.refresh()

        def advance() -> None:
            bar.advance(task)
            bar.refresh()

        yield advance


UNITS = ("pages", "chapters")
"""What a built file's length is counted in, where it has one ("2 pages"; a web page has none)."""


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


_topics_argument = click.argument(
    "topics", nargs=-1, type=click.Path(file_okay=False, path_type=Path)
)


def _dist_option(name: str, help_text: str):  # type: ignore[no-untyped-def]
    """The build output folder, `dist/` unless told otherwise."""
    return click.option(
        name,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("dist"),
        show_default=True,
        help=help_text,
    )


def _profile_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--profile",
        "profile_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Clinic profile (TOML). [default: publish.toml, or [tool.publish] in pyproject.toml]",
    )(func)


def _json_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print one JSON document on stdout; logs go to stderr.",
    )(func)


def _load_profile(path: Path | None, project: Project) -> Profile:
    from publish.config import load_profile

    return load_profile(path or project.profile_file())


@cli.command()
@_topics_argument
@_dist_option(
    "--out", "Output folder; each topic goes to OUT/<topic id>/, a translation to OUT/<id>.<tag>/."
)
@click.option(
    "--only",
    multiple=True,
    type=ArtifactChoice(),
    help="Build only this artifact (repeatable).",
)
@click.option(
    "--variant",
    "variants",
    multiple=True,
    type=VariantChoice(),
    help="Also build this variant, such as the large-print handout (repeatable).",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="TAG",
    help="Build only this language (repeatable): the topic's own, or a translation's tag "
    "(patient.<TAG>.md). [default: every language]",
)
@click.option(
    "--paper",
    type=click.Choice(["letter", "a4"]),
    default=None,
    help="Paper size of the PDFs. [default: the profile's, else letter]",
)
@_profile_option
@click.option("--release", is_flag=True, help="Refuse a topic that is a draft or past review.")
@click.option("--force", is_flag=True, help="Rebuild artifacts even when they are up to date.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Topics built in parallel worker processes. [default: number of cores]",
)
@click.option("--shard", "shard_spec", type=Shard(), help="Build only share I of N of the topics.")
@_json_option
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def build(
    topics: tuple[Path, ...],
    out: Path,
    only: tuple[str, ...],
    variants: tuple[str, ...],
    languages: tuple[str, ...],
    paper: str | None,
    profile_path: Path | None,
    release: bool,
    force: bool,
    jobs: int | None,
    shard_spec: str | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Build the patient handout, clinician summary and EPUB of each topic.

    TOPICS are topic folders (default: every folder under seeds/topics/, or the
    bundled default topic outside a project). Every language is built: the topic's
    own, and each translation (patient.<tag>.md beside patient.md). Each artifact is
    written only when complete; a failing topic leaves its previous files in place.

    \b
    Examples:
      publish build
      publish build seeds/topics/ketamine-depression --only handout --paper a4
      publish build --release --profile clinic.toml --json > build.json
      publish build --lang es                # only the Spanish translations
      publish build --variant large-print    # the large-print handout too
      publish build --jobs 2 --shard 1/4     # a quarter of the topics, two at a time
    """
    import time

    from publish.builder import build_topics

    started = time.perf_counter()
    echo = _err if as_json else click.echo

    def report(outcome):  # type: ignore[no-untyped-def]
        if isinstance(outcome, PublishError):
            return
        name = f"{outcome.topic} ({outcome.language})" if outcome.language else outcome.topic
        for warning in outcome.warnings:
            _err(f"warning: {name}: {warning}")
        if quiet:
            return
        for note in outcome.notes:
            echo(f"note: {name}: {note}")
        for entry in outcome.artifacts:
            path = outcome.folder / entry["file"]
            if entry["name"] in outcome.up_to_date:
                echo(f"{path}  up to date")
                continue
            counted = [f"{entry[u]} {u[:-1] if entry[u] == 1 else u}" for u in UNITS if u in entry]
            extra = f", reading grade {entry['reading_grade']}" if "reading_grade" in entry else ""
            echo(f"{path}  {', '.join([*counted, _size(entry['bytes'])])}{extra}")

    from publish.project import Project

    project = Project.find()
    try:
        profile = _load_profile(profile_path, project)
    except PublishError as exc:
        if as_json:
            from publish.builder import BuildResult

            click.echo(BuildResult(errors=[exc]).to_json())
        raise
    with _progress(not (quiet or as_json)) as advance:

        def progress(outcome):  # type: ignore[no-untyped-def]
            advance()
            report(outcome)

        result = build_topics(
            topics,
            out,
            only=only or None,
            paper=paper,
            profile=profile,
            release=release,
            force=force,
            jobs=jobs,
            shard_spec=shard_spec,
            progress=progress,
            project=project,
            languages=languages or None,
            variants=variants or None,
        )
    for error in result.errors:
        _report(error)
    if not quiet:
        fresh = sum(len(t.up_to_date) for t in result.topics)
        built = sum(len(t.artifacts) for t in result.topics) - fresh
        done = len({t.topic for t in result.topics})
        other = len(result.topics) - done
        translated = f" and {other} translation{'' if other == 1 else 's'}" if other else ""
        echo(
            f"built {built} artifacts ({fresh} up to date) for {done} "
            f"topic{'' if done == 1 else 's'}{translated} "
            f"in {time.perf_counter() - started:.1f} s; {len(result.errors)} failed"
        )
    if as_json:
        click.echo(result.to_json())
    if result.errors:
        sys.exit(result.errors[0].exit_code)


@cli.command()
@_topics_argument
@_dist_option("--dist", "Where the built artifacts are.")
@click.option(
    "--max-grade",
    type=float,
    default=8.0,
    show_default=True,
    help="Fail when the handout's Flesch–Kincaid grade is above this.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on any warning too.")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Clinic profile (TOML) the topics were built with. [default: the one each build "
    "used, as its manifest.json records it]",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Also list every sentence to simplify (file:line, its score, hardest first) and "
    "every word with a plainer one.",
)
@click.option(
    "--site",
    "site_folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also check the site `publish site` wrote there: every link, the feed, every file "
    "against its build's manifest. [default: DIST/_site, when it exists]",
)
@_json_option
def check(
    topics: tuple[Path, ...],
    dist: Path,
    max_grade: float,
    strict: bool,
    profile_path: Path | None,
    explain: bool,
    site_folder: Path | None,
    as_json: bool,
) -> None:
    """Run every gate on the sources, the topic text and the built artifacts.

    Gates: readability, citations, evidence, safety blocks (read back from the
    built files), artifacts (epubcheck, PDF tags, fonts, page limits) and
    document control. Exits 1 on any fail (with --strict, on any warning).
    --explain adds reading help, which changes no verdict.

    The built files are judged by the clinic profile each build used, as its
    manifest.json records it; --profile is compared with that one, and a
    different profile is one finding naming both.

    \b
    Examples:
      publish build && publish check
      publish check --strict --json > check.json
    """
    from publish.gates import check_topics
    from publish.project import Project

    project = Project.find()
    given = _load_profile(profile_path, project) if profile_path else None
    result = check_topics(
        topics,
        dist,
        profile=given,
        max_grade=max_grade,
        project=project,
        unrecorded=given or _load_profile(None, project),
    )
    from publish.site.layout import DEFAULT_FOLDER

    served = dist / DEFAULT_FOLDER
    site_folder = site_folder or (served if served.is_dir() else None)
    if site_folder is not None:
        from publish.gates import site

        result.findings.extend(site.findings(site_folder, dist))
    if explain:
        from publish.explain import explain_topics

        result.hints.extend(explain_topics(topics, project))
    if as_json:
        click.echo(result.to_json(strict))
    else:
        for f in result.findings:
            click.echo(
                f"{f.status.upper():<5} {f.gate:<17} {f.message}"
                + (f"  [{f.where}]" if f.where else "")
            )
        if explain:
            from publish.explain import describe

            click.echo("Reading help:" if result.hints else "Reading help: nothing to simplify")
            for hint in result.hints:
                click.echo(f"  {describe(hint)}")
        counts = ", ".join(f"{result.count(s)} {s}" for s in ("pass", "warn", "fail"))
        click.echo(f"{counts}{' (strict)' if strict else ''}")
    if result.failed(strict):
        sys.exit(EXIT_CHECK_FAILED)


@cli.command()
@_topics_argument
@_dist_option("--dist", "Folder the topics were built into (`publish build --out`).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder; each topic goes to OUT/<topic id>/. [default: DIST/<topic id>/fhir/]",
)
@click.option(
    "--embed",
    is_flag=True,
    help="Put each file's bytes in the JSON (base64). Without a site_url in the profile, "
    "this replaces the file's relative URL; with one, its address on the site stays.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def fhir(topics: tuple[Path, ...], dist: Path, out: Path | None, embed: bool, quiet: bool) -> None:
    """Export built artifacts as HL7 FHIR R4 DocumentReferences, with a Bundle per topic.

    TOPICS are topic folders (default: as for build), built first with `publish
    build`. Each artifact in DIST/<topic id>/manifest.json becomes
    <artifact>.documentreference.json, and bundle.json collects them. A missing
    manifest, or a file that no longer matches it, is an error: build again.

    \b
    Examples:
      publish build && publish fhir
      publish fhir seeds/topics/ketamine-depression --embed --out export/fhir
    """
    from publish.fhir import export
    from publish.project import Project

    written: list[Path] = []
    errors: list[PublishError] = []
    for topic in Project.find().topic_dirs(topics):
        try:
            written += export([topic], dist, out, embed=embed)
        except PublishError as exc:
            errors.append(exc)
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}")
    for error in errors:
        _report(error)
    if not quiet:
        click.echo(f"wrote {len(written)} FHIR files; {len(errors)} topics failed")
    if errors:
        sys.exit(errors[0].exit_code)


def _base_url(given: str | None, site_url: str | None) -> str | None:
    """The site's address: --base-url, held to the rule for the profile's `site_url` (https,
    no query or fragment), else `site_url`. A different address is said aloud: the printed
    QR codes open `site_url`."""
    if given is None:
        return site_url
    from pydantic_core import PydanticCustomError

    from publish.errors import UsageError
    from publish.fields import site_url as checked

    try:
        url = checked(given)
    except PydanticCustomError as exc:
        raise UsageError(f"--base-url {exc.message()}") from None
    if site_url is not None and url.rstrip("/") != site_url.rstrip("/"):
        _err(
            f"note: --base-url {url} is not the profile's site_url {site_url}, which the "
            "printed QR codes open"
        )
    return url


@cli.command()
@_dist_option("--dist", "Folder the topics were built into (`publish build --out`).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the site into, replacing an earlier site there. [default: DIST/_site]",
)
@click.option(
    "--base-url",
    default=None,
    help="The address the site is served at, for the sitemap and the feed. "
    "[default: site_url of the clinic profile]",
)
@click.option("--drafts", is_flag=True, help="Publish drafts too, marked as drafts on every page.")
@_profile_option
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def site(
    dist: Path,
    out: Path | None,
    base_url: str | None,
    drafts: bool,
    profile_path: Path | None,
    quiet: bool,
) -> None:
    """Write a static site of every built topic and language, for any web server.

    Each topic and language gets a page (the web handout, with links to the
    other languages and to every built file with its size) at
    <topic id>/<language>/; index.html lists them all with version, status and
    review date; catalog.xml is an OPDS 1.2 catalog of the e-books for reading
    apps; sitemap.xml lists the pages when the site's address is known. What a
    release would refuse (a draft, a translation of an older version, a review
    date passed) is left out unless --drafts, which marks it on every page. The
    same builds give the same bytes; a file the last run did not write is
    never deleted.

    \b
    Examples:
      publish build && publish site --base-url https://clinic.example/handouts
      publish site --drafts --out /tmp/review-site
    """
    from publish.project import Project
    from publish.render.options import Options
    from publish.site.layout import DEFAULT_FOLDER
    from publish.site.writer import write_site

    project = Project.find()
    try:
        profile = _load_profile(profile_path, project)
        options = Options(project=project, profile=profile)
        url = _base_url(base_url, profile.site_url)
        result = write_site(dist, out or dist / DEFAULT_FOLDER, options, url, drafts)
    except PublishError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
    if quiet:
        return
    for left in result.left_out:
        click.echo(f"note: {left} is a draft, left out (pass --drafts to publish it)")
    pages = len(result.pages)
    click.echo(
        f"wrote {result.folder}: {pages} page{'s' if pages != 1 else ''} and an index, "
        f"{result.books} e-book{'s' if result.books != 1 else ''} in catalog.xml"
    )


@cli.command()
@click.argument("topic", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. 0.0.0.0 shows the preview to the whole network.",
)
def preview(topic: Path | None, port: int, host: str) -> None:
    """Serve a topic's handout, clinician summary and e-book as pages that reload on save.

    TOPIC is a topic folder (default: the first under seeds/topics/, or the bundled
    default topic outside a project). Pages are rendered on request from the same
    templates as the build; an error in the topic or a template shows on the page
    until the file is fixed. Stop with Ctrl-C.

    \b
    Examples:
      publish preview                  # http://127.0.0.1:8000/
      publish preview seeds/topics/ketamine-depression --port 0
    """
    from publish.preview import serve
    from publish.project import Project

    serve(topic, host=host, port=port, echo=click.echo, project=Project.find())


def main() -> None:
    """Entry point: one-line errors with documented exit codes; tracebacks only with --debug."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(standalone_mode=False)
    except PublishError as exc:
        if debug:
            traceback.print_exc()
        _report(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _err("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        _err(f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)")
        sys.exit(EXIT_INTERNAL)
