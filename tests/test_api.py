"""The public API: the library's own typed functions, loaded only when first used."""

from __future__ import annotations

import inspect
import subprocess
import sys

import publish
from publish.builder import build_topics
from publish.gates import check_topics
from publish.normalizer.pipeline import normalize_paths


def test_the_api_is_the_library_functions_with_their_signatures() -> None:
    assert (publish.build, publish.check, publish.normalize) == (
        build_topics,
        check_topics,
        normalize_paths,
    )
    assert {"only", "paper", "profile", "jobs", "project"} <= set(
        inspect.signature(publish.build).parameters
    )
    assert {"dist", "max_grade", "today", "project"} <= set(
        inspect.signature(publish.check).parameters
    )


def test_importing_publish_loads_no_pipeline_or_renderer() -> None:
    probe = (
        "import sys, publish; "
        "print(sorted(m for m in ('publish.builder', 'publish.gates', "
        "'publish.normalizer.pipeline', 'weasyprint', 'pydantic') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
