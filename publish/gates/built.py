"""Gates on the built files: the safety text read back from each, and each file's own checker.

Which checker reads a file comes from the artifact registry, never from its suffix.
"""

from __future__ import annotations

from pathlib import Path

from publish import manifest
from publish.errors import ContentError
from publish.gates.findings import Finding
from publish.gates.visible import MIN_POINTS, squash
from publish.i18n import NoSafetyText
from publish.i18n import safety as safety_text
from publish.manifest import MANIFEST, Manifest
from publish.profile import Profile
from publish.project import Project
from publish.render import registry
from publish.render.options import Options
from publish.topic import Topic

HOW_HIDDEN = f"off the page, under {MIN_POINTS:g} pt, too faint against its background, or covered"


def label(name: str, topic: Topic) -> str:
    """How findings name an artifact: 'handout', or 'handout (es)' for a translation's."""
    return f"{name} ({topic.variant})" if topic.variant else name


def safety(
    topic: Topic, files: dict[str, Path], profile: Profile, project: Project | None = None
) -> list[Finding]:
    """The disclaimer, each crisis line and (for a draft) the draft marking, in the file's
    language, as a reader sees each file: every character on the page, readable in size
    and contrast (`visible`)."""
    from publish.render.context import document_messages

    options = Options(profile=profile, project=project or Project.find())
    try:
        text = safety_text(document_messages(topic, options), profile)
    except NoSafetyText as exc:
        where = str(exc.path or topic.patient.path)
        return [Finding("safety", "fail", f"{label(n, topic)}: {exc.raw}", where) for n in files]
    findings = []
    required = {
        "disclaimer": text.disclaimer,
        **{f"crisis line {n}": line for n, line in enumerate(text.crisis, 1)},
    }
    if topic.control.is_draft:
        required["draft marking"] = text.draft_marking
    for name, path in files.items():
        artifact = registry.ARTIFACTS[name]
        try:
            reading = artifact.verify_module().read(path.read_bytes(), tuple(required.values()))
        except OSError as exc:  # a full temporary folder while laying the file out again
            message = f"{label(name, topic)}: could not be read back: {exc.strerror or exc}"
            findings.append(Finding("safety", "fail", message, str(path)))
            continue
        everything, visible = squash(reading.everything), squash(reading.visible)
        absent = [label for label, words in required.items() if squash(words) not in everything]
        hidden = [
            label
            for label, words in required.items()
            if label not in absent and squash(words) not in visible
        ]
        problems = []
        if absent:
            problems.append(f"missing {', '.join(absent)}")
        if hidden:
            problems.append(f"not visible to a reader: {', '.join(hidden)} ({HOW_HIDDEN})")
        if problems:
            message = f"{label(name, topic)}: {'; '.join(problems)}"
            findings.append(Finding("safety", "fail", message, str(path)))
        else:
            message = f"{label(name, topic)}: disclaimer and crisis block visible"
            findings.append(Finding("safety", "pass", message, str(path)))
    return findings


def artifacts(files: dict[str, Path], topic: Topic | None = None) -> list[Finding]:
    """Each file passes its own format's checker (epubcheck, PDF structure and page limit)."""
    findings = []
    for name, path in files.items():
        artifact = registry.ARTIFACTS[name]
        verifier = artifact.verify_module()
        problems = verifier.problems(path, artifact)
        status = "fail" if problems else "pass"
        message = "; ".join(problems) or verifier.PASSED
        shown = label(name, topic) if topic else name
        findings.append(Finding("artifacts", status, f"{shown}: {message}", str(path)))
    return findings


def built_files(
    topic: Topic, dist: Path, profile: Profile, project: Project
) -> tuple[dict[str, Path], list[Finding]]:
    """The built files to read back, by artifact name, and what is wrong with the build.

    Fails: no usable manifest; a topic or sources changed since the build; an artifact
    built with other templates, profile or toolkit than now (its input hash differs);
    a listed file missing or changed; an unknown artifact; a registered artifact absent.
    """
    folder = manifest.output_folder(dist, topic.control.id, topic.variant)
    try:
        built = Manifest.load(folder)
    except ContentError as exc:
        missing = not (folder / MANIFEST).exists()
        message = "not built: run `publish build` first" if missing else exc.raw
        if topic.variant:
            message = f"{topic.variant}: {message}"
        return {}, [Finding("artifacts", "fail", message, str(folder / MANIFEST))]
    inputs = manifest.inputs_digest(topic.files())
    findings = []
    stale = built.built_from(topic.control, inputs)
    if stale:
        findings.append(Finding("artifacts", "fail", stale, str(built.path)))
    paper = str(built.fields.get("paper") or profile.paper)
    options = Options(paper=paper, profile=profile, project=project)
    files = {}
    for entry in built.entries:
        path = built.file(entry)
        artifact = registry.get(entry["name"])
        if artifact is None:
            message = f"{entry['file']}: unknown artifact {entry['name']!r} in the manifest"
            findings.append(Finding("artifacts", "fail", message, str(path)))
            continue
        if not built.matches(entry):
            message = f"{entry['file']} is missing or does not match the manifest"
            findings.append(Finding("artifacts", "fail", message, str(path)))
            continue
        files[artifact.name] = path
        key = manifest.input_hash(inputs, artifact, options, topic.language)
        if not stale and entry.get("input_hash") != key:
            message = (
                f"{label(artifact.name, topic)}: built with other templates, another clinic "
                "profile or another publish version than now; build again (with the same "
                "--profile)"
            )
            findings.append(Finding("artifacts", "fail", message, str(path)))
    listed = {str(e["name"]) for e in built.entries}
    for artifact in registry.ARTIFACTS.values():
        wanted = not artifact.variant and artifact.builds_in(topic.folder, topic.variant)
        if artifact.name not in listed and wanted:
            shown = label(artifact.name, topic)
            message = f"{shown}: {artifact.filename} was not built; run publish build"
            findings.append(Finding("artifacts", "fail", message, str(folder / artifact.filename)))
    return files, findings
