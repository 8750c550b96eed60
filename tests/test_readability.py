"""The reading grade equals textstat's own, computed without loading the whole dictionary."""

from __future__ import annotations

import json
import subprocess
import sys

from publish.readability import flesch_kincaid, smog
from publish.render.markdown import prose

TEXTS = [
    "Ketamine can ease depression fast. Ask your care team what to watch for.",
    "The cardiologist's pharmacokinetic considerations notwithstanding, polysyllabic "
    "antidepressants are interesting. Ketamine works well. Zyxwv glorbish frumious.",
]


def _textstat_in_a_fresh_process(texts: list[str]) -> list[list[float]]:
    """textstat's figures from a process that never saw the reduced dictionary."""
    code = (
        "import json, sys, textstat\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([[round(float(textstat.flesch_kincaid_grade(t)), 1),"
        " round(float(textstat.smog_index(t)), 1)] for t in texts]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_grades_match_textstat_exactly(default_topic) -> None:
    texts = [*TEXTS, prose((default_topic / "patient.md").read_text(encoding="utf-8"))]
    expected = _textstat_in_a_fresh_process(texts)
    assert [[flesch_kincaid(t), smog(t)] for t in texts] == expected
