"""Render the artifacts of one topic side by side, in processes forked after the imports.

A topic's artifacts are independent: the handout and the clinician sheet are two WeasyPrint
layouts that each take most of a second. On a machine with a core to spare they render at
the same time. The processes are forked after the renderers (WeasyPrint, ebooklib) are
imported and the topic is loaded, so no child pays for either again; each child renders the
artifacts it is handed and returns the file in memory, and the parent writes them all, as
before, in one step. Forking is what makes this cheap, so where the system cannot fork the
artifacts render one after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.render.options import Options, RenderedFile
    from publish.render.registry import Artifact
    from publish.topic import Topic

_WORK: tuple[Topic, Options] | None = None
"""The topic and options the forked children render: inherited, never pickled."""


def render_all(
    artifacts: Sequence[Artifact], topic: Topic, options: Options, workers: int = 1
) -> list[RenderedFile]:
    """Every artifact rendered, in the order given; with `workers` > 1 and a system that
    forks, up to that many at once. A failure is raised as the serial loop would raise it:
    the first artifact's, in order, with its file and line."""
    global _WORK
    import multiprocessing  # here: a build with nothing to render never needs it

    from publish.workers import pool

    workers = min(workers, len(artifacts))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [artifact.render_module().render_file(topic, options) for artifact in artifacts]
    for artifact in artifacts:
        artifact.render_module()  # import each renderer once, before the fork
    _WORK = (topic, options)
    try:
        with pool(workers) as children:
            return list(children.map(_render_one, [a.renderer for a in artifacts]))
    finally:
        _WORK = None


def _render_one(renderer: str) -> RenderedFile:
    """In a child: one artifact (an error travels back to the parent, path and line kept)."""
    from importlib import import_module

    assert _WORK is not None
    topic, options = _WORK
    rendered: RenderedFile = import_module(renderer).render_file(topic, options)
    return rendered
