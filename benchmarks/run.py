"""Performance benchmarks of `publish`, measured against what the work itself costs.

Run it with the Python that has publish installed (from any folder):

    python benchmarks/run.py [--quick] [--out FILE]

`--repeats N` and `--batch-repeats N` set the number of repeats.

It measures, in one run (each value is the median of several repeats):

1. CLI start: `publish --help` against `python -c "import click"`.
2. Full build of the default topic (its English handout, clinician summary, EPUB
   and web handout) against the floor: WeasyPrint alone rendering
   the same two HTML documents, plus ebooklib writing the same EPUB, in one process;
   and against the same job done with pandoc: the patient and clinician texts to two
   PDFs through pandoc's WeasyPrint engine, and an EPUB of both texts and the
   normalized sources, citations resolved by pandoc's citeproc. The three are run
   in turn in each repeat. pandoc comes from the pypandoc-binary wheel, a
   benchmark-only requirement (`pip install pypandoc-binary`), else from PATH (Debian's
   `pandoc`); without it that row says so and is skipped.
3. No-op rebuild (nothing changed) against the full build: the English topic, and
   both languages with the large print.
4. A batch of 40 copies of the default topic, each in English and Spanish with every
   variant (9 artifacts a topic): throughput with `--jobs 1` and `--jobs 2`, peak RSS
   of the largest worker, and seconds per artifact at 10, 20 and 40 topics (the batch
   time should grow linearly with the number of topics).

It prints a Markdown table, with the machine it ran on and how much CPU time
other processes took meanwhile, to stdout (and to FILE with `--out FILE`).
Progress goes to stderr. The default run takes about three minutes on a quiet
2-core machine, four on a busy one; `--quick` under two.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOPIC = ROOT / "seeds" / "topics" / "ketamine-depression"
BATCH_SIZES = (10, 20, 40)
ARTIFACTS_PER_TOPIC = 9
"""A topic of the batch in English (handout, clinician summary, EPUB, web handout, large
print) and Spanish (the same but the clinician summary, which has no Spanish text)."""
MB = 1024  # ru_maxrss is in KiB on Linux

FLOOR = """
import json
import sys
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
fonts = FontConfiguration()
for doc in spec["pdfs"]:
    sheets = [CSS(filename=s, font_config=fonts) for s in doc["styles"]]
    HTML(string=Path(doc["html"]).read_text(encoding="utf-8"), base_url=doc["base"]).write_pdf(
        doc["out"], stylesheets=sheets, font_config=fonts, pdf_variant="pdf/ua-1"
    )

from publish.profile import DEFAULT
from publish.project import Project
from publish.render import epub
from publish.render.options import Options
from publish.topic import load_topic

options = Options(paper=spec["paper"], profile=DEFAULT, project=Project.find(spec["project"]))
artifact = epub.render_file(load_topic(Path(spec["topic"])), options)
Path(spec["epub"]).write_bytes(artifact.data)
"""
"""WeasyPrint and ebooklib alone, in one process, imports included."""

WRAPPER = """
import json
import resource
import subprocess
import sys
import time

started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "maxrss_kb": usage.ru_maxrss}))
"""
"""Runs a command; prints its wall time, CPU time and the peak RSS of its largest process."""


@dataclass
class Row:
    measure: str
    value: str
    ratio: str
    target: str
    met: bool | None
    """None: not measured (a tool it needs is missing)."""

    def cells(self) -> list[str]:
        met = "skipped" if self.met is None else "yes" if self.met else "no"
        return [self.measure, self.value, self.ratio, self.target, met]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine_cpu() -> float:
    """CPU-seconds used by every process on the machine since boot (/proc/stat; 0 elsewhere)."""
    try:
        first = Path("/proc/stat").read_text(encoding="utf-8").split("\n", 1)[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU-seconds used by this process and every child process it has waited for."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@dataclass
class Others:
    """CPU time other processes took while the benchmark ran: they skew every timing."""

    machine: float = field(default_factory=machine_cpu)
    own: float = field(default_factory=own_cpu)
    wall: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return max(0.0, (machine_cpu() - self.machine) - (own_cpu() - self.own))

    def share(self) -> str:
        """Their CPU-seconds and their share of all the machine's CPU time over the interval."""
        available = (time.perf_counter() - self.wall) * (os.cpu_count() or 1)
        other = self.seconds()
        return f"{other:.1f} CPU-s ({other / available:.0%} of the machine)"


def publish_command() -> list[str]:
    """The installed console script beside this Python, else `python -m publish`."""
    script = Path(sys.executable).parent / "publish"
    if script.is_file():
        return [str(script)]
    found = shutil.which("publish")
    return [found] if found else [sys.executable, "-m", "publish"]


def run(
    command: Sequence[str], cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; on failure, show its stderr and stop. Python may cache
    compiled modules, as it does for every user (an environment that says otherwise would
    charge each run for compiling publish again)."""
    env = dict(env if env is not None else os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        return subprocess.run(
            list(command), cwd=cwd, env=env, check=True, capture_output=True, text=True
        )
    except subprocess.CalledProcessError as exc:
        log(f"command failed ({exc.returncode}): {' '.join(command)}\n{exc.stderr}")
        raise


def timed(command: Sequence[str], cwd: Path = ROOT, env: Mapping[str, str] | None = None) -> float:
    started = time.perf_counter()
    run(command, cwd, env)
    return time.perf_counter() - started


def timed_all(commands: Sequence[Sequence[str]], env: Mapping[str, str] | None = None) -> float:
    """Seconds to run the commands one after another."""
    return sum(timed(command, env=env) for command in commands)


def median_of(repeats: int, measure: Callable[[], float]) -> float:
    """The median of `repeats` measurements, after one run to warm caches."""
    measure()
    return statistics.median(measure() for _ in range(repeats))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or model
    try:
        weasyprint = version("weasyprint")
    except PackageNotFoundError:
        weasyprint = "not installed"
    cores = os.cpu_count() or 1
    return (
        f"{model}, {cores} cores, Python {platform.python_version()}, "
        f"WeasyPrint {weasyprint}, {platform.system()} {platform.release()}"
    )


# 1. CLI start


def cli_start(repeats: int) -> Row:
    log("CLI start ...")
    help_time = median_of(repeats, lambda: timed([*publish_command(), "--help"]))
    click_time = median_of(repeats, lambda: timed([sys.executable, "-c", "import click"]))
    ratio = help_time / click_time
    return Row(
        'CLI start: `publish --help` vs `python -c "import click"`',
        f"{ms(help_time)} vs {ms(click_time)}",
        f"{ratio:.2f}x",
        "≤ 1.5x",
        ratio <= 1.5,
    )


# 2 and 3. Full build, floor, no-op rebuild


def floor_spec(work: Path) -> Path:
    """Write the two HTML documents as publish renders them, and the floor's instructions."""
    from publish.profile import DEFAULT
    from publish.project import Project
    from publish.render import clinician, handout
    from publish.render.context import document_messages
    from publish.render.html import template_file
    from publish.render.options import Options
    from publish.topic import load_topic

    options = Options(paper=DEFAULT.paper, profile=DEFAULT, project=Project.find(ROOT))
    topic = load_topic(DEFAULT_TOPIC)
    base = topic.folder.resolve().as_uri() + "/"
    pdfs = []
    for module in (handout, clinician):
        page, _ = module.html(topic, options, document_messages(topic, options))
        source = work / f"{module.ARTIFACT.name}.html"
        source.write_text(page, encoding="utf-8")
        styles = [str(template_file(n, options.templates).resolve()) for n in module.STYLES]
        out = str(work / module.ARTIFACT.filename)
        pdfs.append({"html": str(source), "base": base, "styles": styles, "out": out})
    spec = {
        "pdfs": pdfs,
        "project": str(options.project.folder),
        "paper": options.paper,
        "topic": str(DEFAULT_TOPIC),
        "epub": str(work / "reader.epub"),
    }
    path = work / "floor.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def pandoc_path() -> str | None:
    """pandoc from the pypandoc-binary wheel, else the one on PATH; None when there is none."""
    try:
        pypandoc = importlib.import_module("pypandoc")
        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return shutil.which("pandoc")


def weasyprint_path() -> str | None:
    """The weasyprint command beside this Python (pandoc's PDF engine runs it), else on PATH."""
    script = Path(sys.executable).parent / "weasyprint"
    return str(script) if script.is_file() else shutil.which("weasyprint")


def pandoc_commands(work: Path, pandoc: str) -> list[list[str]]:
    """The pandoc commands that do what the build does: two PDFs and an EPUB.

    The citations are resolved by citeproc from a CSL list of the topic's sources (title,
    publisher, address, as the build cites them); the `::: key-messages` fenced divs are
    pandoc's own syntax. pandoc's default HTML template and style stand in for ours.
    """
    from publish.topic import load_topic

    topic = load_topic(DEFAULT_TOPIC)
    references = [
        {"id": source.id, "type": "webpage", "title": source.title}
        | ({"publisher": source.meta["publisher"]} if source.meta.get("publisher") else {})
        | ({"URL": source.meta["url"]} if source.meta.get("url") else {})
        for source in topic.sources
    ]
    bibliography = work / "sources.json"
    bibliography.write_text(json.dumps(references), encoding="utf-8")
    common = [
        "--citeproc",
        f"--bibliography={bibliography}",
        f"--metadata=title:{topic.control.title}",
        f"--metadata=lang:{topic.control.language}",
    ]
    pdf = ["--pdf-engine=weasyprint", f"--resource-path={DEFAULT_TOPIC}"]
    texts = [str(DEFAULT_TOPIC / "patient.md"), str(DEFAULT_TOPIC / "clinician.md")]
    normalized = ROOT / "seeds" / "normalized"
    sources = [str(path) for path in sorted(normalized.glob("*.md"))]
    return [
        [pandoc, texts[0], *common, *pdf, "--output", str(work / "pandoc-handout.pdf")],
        [pandoc, texts[1], *common, *pdf, "--output", str(work / "pandoc-clinician.pdf")],
        [
            pandoc,
            *texts,
            *sources,
            *common,
            f"--resource-path={DEFAULT_TOPIC}{os.pathsep}{normalized}",
            "--output",
            str(work / "pandoc-reader.epub"),
        ],
    ]


def pandoc_setup(work: Path) -> tuple[list[list[str]], dict[str, str]] | str:
    """The pandoc commands and their environment, or why the pandoc row is skipped."""
    pandoc, weasyprint = pandoc_path(), weasyprint_path()
    if pandoc is None:
        return "pandoc not found: `pip install pypandoc-binary` (or install pandoc)"
    if weasyprint is None:
        return "the weasyprint command is not on PATH (pandoc's PDF engine runs it)"
    path = os.pathsep.join([str(Path(weasyprint).parent), os.environ.get("PATH", "")])
    return pandoc_commands(work, pandoc), {**os.environ, "PATH": path}


def pandoc_row(full_time: float, pandoc: list[float], skipped: str | None) -> Row:
    """The build against pandoc doing the same job: what a user would otherwise run."""
    measure = "Full build vs the same job done with pandoc (two PDFs through WeasyPrint, EPUB)⁴"
    if skipped is not None:
        log(f"pandoc row skipped: {skipped}")
        return Row(measure, f"not measured: {skipped}", "n/a", "≤ 0.6x", None)
    pandoc_time = statistics.median(pandoc)
    ratio = full_time / pandoc_time
    return Row(
        measure, f"{sec(full_time)} vs {sec(pandoc_time)}", f"{ratio:.2f}x", "≤ 0.6x", ratio <= 0.6
    )


def single_topic(repeats: int) -> list[Row]:
    log("full build, floor, pandoc and no-op rebuild ...")
    publish = publish_command()
    full: list[float] = []
    noop: list[float] = []
    full_all: list[float] = []
    noop_all: list[float] = []
    floor: list[float] = []
    pandoc: list[float] = []
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as temp:
        work = Path(temp)
        spec = floor_spec(work)
        setup = pandoc_setup(work)
        skipped = setup if isinstance(setup, str) else None
        commands, pandoc_env = ([], None) if isinstance(setup, str) else setup
        floor_command = [sys.executable, "-c", FLOOR, str(spec)]
        # every default artifact of the English topic: the handout, clinician summary and
        # EPUB the floor and pandoc make, and the web handout, which neither makes
        build = [*publish, "build", str(DEFAULT_TOPIC), "--lang", "en", "-q"]
        # every language and variant: what a no-op rebuild must find up to date
        everything = [*publish, "build", str(DEFAULT_TOPIC), "--variant", "large-print", "-q"]
        timed([*build, "--force", "--out", str(work / "warmup")])
        timed([*everything, "--force", "--out", str(work / "warmup-all")])
        timed(floor_command)
        timed_all(commands, pandoc_env)
        for index in range(repeats):
            out = work / f"dist-{index}"
            full.append(timed([*build, "--force", "--out", str(out)]))
            noop.append(timed([*build, "--out", str(out)]))
            all_out = str(work / f"dist-all-{index}")
            full_all.append(timed([*everything, "--force", "--out", all_out]))
            noop_all.append(timed([*everything, "--out", all_out]))
            floor.append(timed(floor_command))
            if commands:
                pandoc.append(timed_all(commands, pandoc_env))
        manifest = json.loads(
            (work / "dist-0" / DEFAULT_TOPIC.name / "manifest.json").read_text(encoding="utf-8")
        )
        built = {a["name"] for a in manifest["artifacts"]}
        if built != {"handout", "clinician", "epub", "web"}:
            raise SystemExit(f"the build wrote {sorted(built)}, not its four artifacts")
    full_time = statistics.median(full)
    floor_time = statistics.median(floor)
    noop_time = statistics.median(noop)
    build_ratio = full_time / floor_time
    noop_ratio = noop_time / full_time
    all_time, noop_all_time = statistics.median(full_all), statistics.median(noop_all)
    noop_all_ratio = noop_all_time / all_time
    return [
        Row(
            "Full build of the default topic vs the floor (WeasyPrint + ebooklib alone)¹",
            f"{sec(full_time)} vs {sec(floor_time)}",
            f"{build_ratio:.2f}x",
            "≤ 1.1x",
            build_ratio <= 1.1,
        ),
        pandoc_row(full_time, pandoc, skipped),
        Row(
            "No-op rebuild (nothing changed) vs full build, English",
            f"{sec(noop_time)} vs {sec(full_time)}",
            f"{noop_ratio:.1%}",
            "≤ 5%",
            noop_ratio <= 0.05,
        ),
        Row(
            "No-op rebuild vs full build, both languages and large print (9 artifacts)",
            f"{sec(noop_all_time)} vs {sec(all_time)}",
            f"{noop_all_ratio:.1%}",
            "≤ 5%",
            noop_all_ratio <= 0.05,
        ),
    ]


# 4. A batch of topics


def make_project(folder: Path, count: int) -> list[str]:
    """A project with `count` copies of the default topic, each with its own id."""
    topics = folder / "seeds" / "topics"
    topics.mkdir(parents=True)
    shutil.copytree(ROOT / "seeds" / "normalized", folder / "seeds" / "normalized")
    names = []
    for number in range(1, count + 1):
        name = f"t{number:02d}"
        target = topics / name
        shutil.copytree(DEFAULT_TOPIC, target)
        control = target / "topic.yaml"
        text = control.read_text(encoding="utf-8")
        slug = f"{DEFAULT_TOPIC.name}-{number:02d}"
        text, replaced = re.subn(r"^id:.*$", f"id: {slug}", text, count=1, flags=re.MULTILINE)
        if not replaced:
            raise SystemExit(f"no id field in {control}")
        control.write_text(text, encoding="utf-8")
        names.append(f"seeds/topics/{name}")
    return names


def batch_build(project: Path, topics: list[str], jobs: int) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of the largest process of one forced build of `topics`."""
    command = [
        *publish_command(),
        "build",
        *topics,
        "--variant",
        "large-print",
        "--force",
        "-q",
        "--jobs",
        str(jobs),
    ]
    command += ["--out", str(project / f"dist-j{jobs}-{len(topics)}")]
    others = Others()
    result = run([sys.executable, "-c", WRAPPER, *command], cwd=project)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    seconds, rss = float(report["seconds"]), report["maxrss_kb"] / MB
    log(
        f"  {sec(seconds)} wall, {sec(report['cpu'])} CPU, peak RSS {rss:.0f} MB; "
        f"other processes: {others.share()}"
    )
    return seconds, rss


def batch(repeats: int) -> list[Row]:
    count = max(BATCH_SIZES)
    seconds: dict[tuple[int, int], list[float]] = {}
    peak: dict[int, float] = {1: 0.0, 2: 0.0}
    with tempfile.TemporaryDirectory(prefix="publish-batch-") as temp:
        project = Path(temp)
        topics = make_project(project, count)
        runs = [(1, count), (2, count), *((2, n) for n in BATCH_SIZES if n != count)]
        for repeat in range(1, repeats + 1):
            for jobs, n in runs:
                log(f"batch {repeat}/{repeats}: {n} topics, --jobs {jobs} ...")
                took, rss = batch_build(project, topics[:n], jobs)
                seconds.setdefault((jobs, n), []).append(took)
                peak[jobs] = max(peak[jobs], rss)
    one = statistics.median(seconds[(1, count)])
    two = statistics.median(seconds[(2, count)])
    best_one, best_two = min(seconds[(1, count)]), min(seconds[(2, count)])
    speedup = one / two
    total = {n: statistics.median(seconds[(2, n)]) for n in BATCH_SIZES}
    per_artifact = {n: total[n] / (n * ARTIFACTS_PER_TOPIC) for n in BATCH_SIZES}
    steps = list(pairwise(BATCH_SIZES))
    marginal = [(total[b] - total[a]) / (b - a) for a, b in steps]
    linear = min(marginal) > 0 and max(marginal) / min(marginal) <= 1.25
    spread = f"{max(marginal) / min(marginal):.2f}x max/min³" if min(marginal) > 0 else "n/a³"
    return [
        Row(
            f"Batch of {count} topics × 2 languages × all variants: throughput `--jobs 2` vs "
            "`--jobs 1`",
            f"{count / two:.2f} vs {count / one:.2f} topics/s ({sec(two)} vs {sec(one)}; "
            f"best run {sec(best_two)} vs {sec(best_one)}, {best_one / best_two:.2f}x)",
            f"{speedup:.2f}x",
            "≥ 1.8x",
            speedup >= 1.8,
        ),
        Row(
            f"Peak RSS of the largest worker, `--jobs 2`, {count} topics²",
            f"{peak[2]:.0f} MB (`--jobs 1`, one process: {peak[1]:.0f} MB)",
            f"{peak[2] / 300:.2f} of limit",
            "≤ 300 MB",
            peak[2] <= 300,
        ),
        Row(
            "Batch time linear in topics: seconds per artifact, `--jobs 2`, "
            + " / ".join(str(n) for n in BATCH_SIZES)
            + " topics",
            " / ".join(f"{per_artifact[n]:.3f}" for n in BATCH_SIZES)
            + " s (each further topic: "
            + ", ".join(
                f"{m:.2f} s from {a} to {b}" for m, (a, b) in zip(marginal, steps, strict=True)
            )
            + ")",
            spread,
            "≤ 1.25x (about constant)",
            linear,
        ),
    ]


# The report


def table(rows: list[Row], repeats: int, batch_repeats: int, others: str) -> str:
    header = ["Measure", "Value", "Ratio", "Target", "Met"]
    lines = [
        f"Machine: {machine()}",
        f"Other processes during the run: {others}",
        "",
        f"Median of {repeats} repeats (batch: {batch_repeats} "
        f"repeat{'' if batch_repeats == 1 else 's'}), each after one warm-up run.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row.cells()) + " |" for row in rows),
        "",
        "¹ The floor is one `python` process that imports WeasyPrint, renders the handout and "
        "clinician HTML (as publish generates it, with the same stylesheets and base folder, "
        "the default URL fetcher, PDF/UA-1) and writes the EPUB with "
        "`publish.render.epub.render_file` (ebooklib plus templating and loading the "
        "topic). Both sides are subprocesses, imports included.",
        "² `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` in a wrapper process: the largest "
        "RSS of any process of the build (with `--jobs 2`, the largest worker).",
        "³ Linear means a fixed start-up cost (worker processes, imports) plus a constant cost "
        "per topic, so the test is the cost of each further topic between batch sizes; "
        "seconds per topic overall fall as the start-up cost is shared by more topics.",
        "⁴ Three pandoc runs in turn, each a subprocess: patient.md and clinician.md each to "
        "a PDF with `--pdf-engine=weasyprint` (pandoc writes HTML with its default template "
        "and runs the weasyprint command), and both texts with the normalized sources to an "
        "EPUB; `--citeproc` resolves the citations from a CSL list of the topic's sources.",
        "",
        "Other processes taking a sizeable share of the machine skew the timings, the "
        "`--jobs 2` ones most: run again on a quiet machine.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (about 2 minutes)")
    parser.add_argument("--repeats", type=int, help="repeats of each measure (default 5; quick 3)")
    parser.add_argument(
        "--batch-repeats", type=int, help="repeats of the 40-topic batch (default 3; quick 1)"
    )
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="only the worst-case inputs of the 2 MiB limit, seconds per pattern",
    )
    args = parser.parse_args(argv)
    if args.worst_case:
        import worstcase  # beside this file

        report = worstcase.table()
        sys.stdout.write(report)
        if args.out:
            args.out.write_text(report, encoding="utf-8")
        return 0
    repeats = args.repeats if args.repeats is not None else (3 if args.quick else 5)
    batch_repeats = (
        args.batch_repeats if args.batch_repeats is not None else (1 if args.quick else 3)
    )
    if repeats < 1 or batch_repeats < 1:
        parser.error("repeats must be at least 1")

    others = Others()
    rows = [cli_start(repeats), *single_topic(repeats), *batch(batch_repeats)]
    report = table(rows, repeats, batch_repeats, others.share())
    log(f"done in {time.perf_counter() - others.wall:.0f} s")
    sys.stdout.write(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
