"""Where each page of the site lives: one rule, used by the site, the QR codes and FHIR.

A printed handout's QR code is drawn at build time, before any site exists, so the
address of a topic's page must follow from the topic alone: `<base>/<topic id>/<language>/`.
The site writes its pages at the same relative paths, so a folder copied to any static
host at that base answers every printed code.
"""

from __future__ import annotations

DEFAULT_FOLDER = "_site"
"""Where `publish site` writes, inside the build folder: `dist/_site/` (no topic id starts
with an underscore, so it never meets a topic's folder)."""
INDEX = "index.html"
"""Every folder's page: a static host serves `…/<id>/<lang>/` from `…/<id>/<lang>/index.html`."""
FEED = "catalog.xml"
"""The OPDS 1.2 acquisition feed of every e-book."""
SITEMAP = "sitemap.xml"


def page_path(topic_id: str, language: str) -> str:
    """A topic's page in one language, relative to the site's root: `ketamine/en/`."""
    return f"{topic_id}/{language.lower()}/"


def page_url(base_url: str, topic_id: str, language: str) -> str:
    """The page's address on the clinic's site (`https://clinic.example/handouts/x/en/`)."""
    return f"{base_url.rstrip('/')}/{page_path(topic_id, language)}"
