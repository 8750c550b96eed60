"""A broken input fails the build with one line and a documented exit code, leaves the previous
artifacts in place byte for byte, and nothing is ever fetched from the network."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import Listener, listening

from publish.errors import EXIT_CONTENT, EXIT_OK, EXIT_TEMPLATE, ContentError
from publish.render.options import figure_path
from publish.resources import bundled_templates
from publish.topic import load_topic

TOPIC = Path("seeds/topics/ketamine-depression")
OUTPUT = Path("dist/ketamine-depression")
Run = Callable[..., subprocess.CompletedProcess[str]]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones too) and its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def baseline(built_project: Path) -> Path:
    """A project whose dist/ holds one successful full build."""
    assert len(snapshot(built_project / OUTPUT)) == 5  # four artifacts and the manifest
    return built_project


@pytest.fixture
def project(baseline: Path, tmp_path: Path) -> Path:
    """A copy of the built project that a test may break."""
    copy = tmp_path / "project"
    shutil.copytree(baseline, copy)
    return copy


# --- breaking the input -----------------------------------------------------------------------


@dataclass
class Breakage:
    """How to break a project, and what the one error line must say."""

    exit_code: int
    says: list[str] = field(default_factory=list)


def unknown_key(project: Path) -> Breakage:
    path = project / TOPIC / "patient.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert "[@ketamine-depression-how-it-works]" in lines[3]
    lines[3] = lines[3].replace("[@ketamine-depression-how-it-works]", "[@no-such-source]")
    path.write_text("\n".join(lines), encoding="utf-8")
    return Breakage(EXIT_CONTENT, ["patient.md:4:", "@no-such-source"])


def malformed_locator(project: Path) -> Breakage:
    path = project / TOPIC / "patient.md"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    text += "\n\nA late claim [@experimental-treatments-for-depression, 1h22].\n"
    path.write_text(text, encoding="utf-8")
    line = text.count("\n")
    return Breakage(EXIT_CONTENT, [f"patient.md:{line}:", "1h22"])


def missing_version(project: Path) -> Breakage:
    path = project / TOPIC / "topic.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("version:")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    return Breakage(EXIT_CONTENT, ["topic.yaml", "'version'"])


def template_syntax_error(project: Path) -> Breakage:
    path = project / "templates" / "handout.html"
    path.parent.mkdir(parents=True)
    path.write_text(
        '{% extends "base.html" %}\n{% block body %}\n{% if %}oops{% endif %}\n{% endblock %}\n',
        encoding="utf-8",
    )
    return Breakage(EXIT_TEMPLATE, ["templates/handout.html:3:", "syntax error"])


def template_reaches_python(project: Path) -> Breakage:
    path = project / "templates" / "handout.html"
    path.parent.mkdir(parents=True)
    path.write_text(
        "{% extends \"base.html\" %}\n{% block body %}\n{{ ''.__class__.__mro__ }}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    return Breakage(EXIT_TEMPLATE, ["handout.html", "unsafe"])


def last_artifact_fails(project: Path) -> Breakage:
    """The handout would change and render fine; the EPUB's glossary template is broken."""
    path = project / TOPIC / "patient.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ease depression fast", "ease low mood fast"), encoding="utf-8")
    template = project / "templates" / "epub" / "glossary.html"
    template.parent.mkdir(parents=True)
    template.write_text("{% for entry in glossary %}\n{{ entry.term }\n", encoding="utf-8")
    return Breakage(EXIT_TEMPLATE, ["glossary.html"])


@pytest.mark.parametrize(
    "breaker",
    [
        unknown_key,
        malformed_locator,
        missing_version,
        template_syntax_error,
        template_reaches_python,
        last_artifact_fails,
    ],
)
def test_broken_input_fails_in_one_line_and_keeps_previous_artifacts(
    project: Path, run_publish: Run, breaker: Callable[[Path], Breakage]
) -> None:
    before = snapshot(project / OUTPUT)
    expected = breaker(project)
    result = run_publish("build", cwd=project)
    assert result.returncode == expected.exit_code, result.stderr
    [line] = error_lines(result)
    for words in expected.says:
        assert words in line
    assert "Traceback" not in result.stderr + result.stdout
    assert snapshot(project / OUTPUT) == before


# --- nothing is fetched -----------------------------------------------------------------------


def test_listener_does_record_a_request() -> None:
    """The tests below trust the listener to see requests: check that it does."""
    from urllib.request import urlopen

    with listening() as listener, urlopen(f"{listener.url}/probe.css", timeout=5) as response:
        assert response.status == 200
    assert listener.paths == ["/probe.css"]
    assert len(listener.connections) == 1


def test_remote_image_in_markdown_is_never_fetched(project: Path, run_publish: Run) -> None:
    before = snapshot(project / OUTPUT)
    path = project / TOPIC / "patient.md"
    with listening() as listener:
        path.write_text(
            path.read_text(encoding="utf-8") + f"\n![x]({listener.url}/x.png)\n",
            encoding="utf-8",
        )
        result = run_publish("build", "--only", "handout", cwd=project)
    assert listener.connections == []
    assert "Traceback" not in result.stderr
    if result.returncode != EXIT_OK:
        assert result.returncode == EXIT_CONTENT
        [line] = error_lines(result)
        assert f"{listener.url}/x.png" in line
        assert snapshot(project / OUTPUT) == before


@dataclass
class RemoteRun:
    result: subprocess.CompletedProcess[str]
    listener: Listener


@pytest.fixture(scope="module")
def remote_references(
    baseline: Path, tmp_path_factory: pytest.TempPathFactory, run_publish: Run
) -> RemoteRun:
    """One handout build whose project templates, stylesheet and text all point at a server."""
    project = tmp_path_factory.mktemp("remote") / "project"
    shutil.copytree(baseline, project)
    templates = project / "templates"
    (templates / "css").mkdir(parents=True)
    bundled = bundled_templates()
    with listening() as listener:
        url = listener.url
        css = (bundled / "css" / "handout.css").read_text(encoding="utf-8")
        (templates / "css" / "handout.css").write_text(
            f'@import url("{url}/import.css");\n{css}\n'
            f'body {{ background-image: url("{url}/background.png"); }}\n',
            encoding="utf-8",
        )
        html = (bundled / "handout.html").read_text(encoding="utf-8")
        assert "<main" in html
        (templates / "handout.html").write_text(
            html.replace("<main", f'<img src="{url}/template.png" alt="" />\n<main', 1),
            encoding="utf-8",
        )
        patient = project / TOPIC / "patient.md"
        patient.write_text(
            patient.read_text(encoding="utf-8") + f'\n<img src="{url}/raw-html.png">\n',
            encoding="utf-8",
        )
        result = run_publish("build", "--only", "handout", cwd=project)
    return RemoteRun(result, listener)


def test_remote_urls_in_templates_css_and_raw_html_are_never_fetched(
    remote_references: RemoteRun,
) -> None:
    result = remote_references.result
    assert result.returncode == EXIT_OK, result.stderr
    assert remote_references.listener.connections == []
    assert remote_references.listener.paths == []


@pytest.mark.parametrize("name", ["import.css", "background.png", "template.png"])
def test_refused_loads_are_reported_as_warnings(remote_references: RemoteRun, name: str) -> None:
    url = f"{remote_references.listener.url}/{name}"
    warnings = [line for line in remote_references.result.stderr.splitlines() if url in line]
    assert warnings == [f"warning: ketamine-depression: refused to load {url}"]


# --- figures stay inside the topic ------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "/etc/passwd",
        "file:///etc/passwd",
        "https://example.org/figure.png",
        "../topic-elsewhere/figure.svg",
        "../../normalized/experimental-treatments-for-depression.md",
        "figures/missing.svg",
        "\\\\server\\share\\figure.png",
    ],
)
def test_figure_outside_the_topic_is_refused(default_topic: Path, src: str) -> None:
    topic = load_topic(default_topic)
    with pytest.raises(ContentError) as caught:
        figure_path(topic, src)
    assert caught.value.exit_code == EXIT_CONTENT
    assert repr(src) in str(caught.value)


def test_figure_inside_the_topic_is_found(default_topic: Path) -> None:
    topic = load_topic(default_topic)
    path = figure_path(topic, "figures/care-path.svg")
    assert path == (default_topic / "figures" / "care-path.svg").resolve()
