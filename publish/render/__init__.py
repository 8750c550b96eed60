"""Renderers: one module per artifact, all fed from the same `Topic` and HTML.

`DEPENDS_ON` lists, per artifact, every template file it is rendered with. It lives
here, apart from the renderers, so deciding that an artifact is up to date needs
neither Jinja nor WeasyPrint.
"""

from __future__ import annotations

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

DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "handout": (*_PAGE, "handout.html", "partials/clinic.html", "css/handout.css"),
    "clinician": (*_PAGE, "clinician.html", "css/clinician.css"),
    "epub": (
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
}
