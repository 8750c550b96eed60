"""The artifact registry: one declaration per file a build makes.

Everything that enumerates artifacts reads this list: `build --only` choices, the
manifest's order, `check` (which verifier reads a built file back), the preview's
pages, the FHIR document types and the JSON schema's enums (held to it by a test).
Adding an artifact is one renderer module plus one `register(...)` line here.

Declarations hold module paths, not modules, so the CLI starts without importing
Jinja, WeasyPrint or ebooklib; the heavy code loads when an artifact is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType

_PAGE = (
    "base.html",
    "page.html",
    "partials/control.html",
    "partials/crisis.html",
    "partials/disclaimer.html",
    "partials/draft.html",
    "partials/references.html",
    "css/base.css",
    "css/a4.css",
)
"""Templates every printed page is made from."""
_HANDOUT = (*_PAGE, "handout.html", "partials/clinic.html", "partials/qr.html", "css/handout.css")
"""The patient handout's templates, which the large print lays out with one more stylesheet."""

INSTRUCTIONS = ("69730-0", "Instructions")
"""LOINC document code for instructions given to a patient (https://loinc.org/69730-0/)."""
NOTE = ("34109-9", "Note")
"""LOINC's generic note document code (the one the C-CDA Note Activity requires)."""


@dataclass(frozen=True)
class Artifact:
    """What one artifact is, how it is made and how a built file is checked."""

    name: str
    """Its name on the command line (`--only`), in the manifest and in preview URLs."""
    filename: str
    """The file written in the topic's output folder; its suffix gives the media type."""
    label: str
    """What a reader calls it ("Patient handout"): preview pages, FHIR type text."""
    audience: str
    """Who it is for: FHIR `category.text`."""
    document_type: tuple[str, str]
    """LOINC code and display for FHIR `type`."""
    renderer: str
    """Module with `render_file(topic, options) -> RenderedFile` (the file, in memory) and
    `pages(topic, options, image_src) -> list[Page]` (its HTML, as the preview shows it)."""
    verifier: str
    """Module with `text(data) -> str` and `problems(path, artifact) -> list[str]`."""
    templates: tuple[str, ...]
    """Every template file it is rendered with: an edit to any of them rebuilds it."""
    max_pages: int | None = None
    """A printed artifact's page limit; None for a reflowable one (an e-book)."""
    variant: bool = False
    """Built only when asked for (`build --variant NAME`, or `--only NAME`), not by default:
    a clinic that hands out large print asks for it. Once built, it is checked like the rest."""
    own_text: str | None = None
    """The topic file it is made from that a translation must translate for it to be built
    (`clinician.md`: no `clinician.es.md`, no Spanish clinician sheet); None: always built."""

    def own_file(self, variant: str | None) -> str | None:
        """The name of the file it is made from in that language (`clinician.es.md`)."""
        from publish.topic import variant_name

        return None if self.own_text is None else variant_name(self.own_text, variant)

    def builds_in(self, folder: Path, variant: str | None) -> bool:
        """Whether the topic in `folder` has what this artifact needs in that language: a
        topic with no clinician.md (or a translation with no clinician.es.md) has no sheet,
        in the build, in `check` and in the preview alike."""
        own = self.own_file(variant)
        return own is None or (folder / own).is_file()

    @property
    def media_type(self) -> str:
        from publish.resources import media_type

        return media_type(self.filename)

    def render_module(self) -> ModuleType:
        return import_module(self.renderer)

    def verify_module(self) -> ModuleType:
        return import_module(self.verifier)


ARTIFACTS: dict[str, Artifact] = {}
"""Every registered artifact, in build and manifest order."""


def register(artifact: Artifact) -> Artifact:
    """Add an artifact (a clinic's own, or a test's) after the built-in ones."""
    if artifact.name in ARTIFACTS:
        raise ValueError(f"artifact {artifact.name!r} is already registered")
    ARTIFACTS[artifact.name] = artifact
    return artifact


def unregister(name: str) -> None:
    ARTIFACTS.pop(name, None)


def names() -> tuple[str, ...]:
    return tuple(ARTIFACTS)


def defaults() -> tuple[str, ...]:
    """The artifacts `publish build` makes when not told which: all but the variants."""
    return tuple(name for name, artifact in ARTIFACTS.items() if not artifact.variant)


def variants() -> tuple[str, ...]:
    return tuple(name for name, artifact in ARTIFACTS.items() if artifact.variant)


def get(name: str) -> Artifact | None:
    return ARTIFACTS.get(name)


register(
    Artifact(
        name="handout",
        filename="handout.pdf",
        label="Patient handout",
        audience="Patient education",
        document_type=INSTRUCTIONS,
        renderer="publish.render.handout",
        verifier="publish.gates.pdf",
        templates=_HANDOUT,
        max_pages=2,
    )
)
register(
    Artifact(
        name="clinician",
        filename="clinician-summary.pdf",
        label="Clinician summary",
        audience="Clinician reference",
        document_type=NOTE,
        renderer="publish.render.clinician",
        verifier="publish.gates.pdf",
        templates=(*_PAGE, "clinician.html", "css/clinician.css"),
        max_pages=2,
        own_text="clinician.md",
    )
)
register(
    Artifact(
        name="epub",
        filename="reader.epub",
        label="E-book reader",
        audience="Patient and clinician reference",
        document_type=NOTE,
        renderer="publish.render.epub",
        verifier="publish.gates.epub",
        templates=(
            "base.html",
            "epub/chapter.html",
            "epub/about.html",
            "epub/text.html",
            "epub/source.html",
            "epub/glossary.html",
            "epub/references.html",
            "epub/cover.svg",
            "css/epub.css",
            "partials/draft.html",
            "partials/disclaimer.html",
            "partials/crisis.html",
            "partials/references.html",
        ),
    )
)
register(
    Artifact(
        name="large-print",
        filename="handout-large-print.pdf",
        label="Large-print handout",
        audience="Patient education",
        document_type=INSTRUCTIONS,
        renderer="publish.render.large_print",
        verifier="publish.gates.pdf",
        templates=(*_HANDOUT, "css/large-print.css"),
        max_pages=6,  # the handout's 2 pages at 18 pt and 1.5 spacing: about 2.7 times the area
        variant=True,
    )
)
register(
    Artifact(
        name="web",
        filename="handout.html",
        label="Web handout",
        audience="Patient education",
        document_type=INSTRUCTIONS,
        renderer="publish.render.web",
        verifier="publish.gates.web",
        templates=(
            "base.html",
            "web.html",
            "partials/clinic.html",
            "partials/control.html",
            "partials/crisis.html",
            "partials/disclaimer.html",
            "partials/draft.html",
            "partials/references.html",
            "css/web.css",
        ),
    )
)
