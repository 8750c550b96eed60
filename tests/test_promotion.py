"""Promotion and calls to action recognised by what a line does (an offer with a sign-up,
price or urgency), measured on lines written for the purpose: the corpus the rules were
written against, and a held-out set written after them and never used to tune them. The
README reports both; these floors keep them from sliding back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from publish.normalizer.body import judge

FIXTURES = Path(__file__).parent / "fixtures" / "promotion"


def scores(name: str) -> tuple[float, float, list[str]]:
    """Precision and recall of the removal rules on one labelled file, and the misses."""
    lines = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))

    def removed(line: str) -> bool:
        reason, _ = judge(line, is_list=False, single=True, tail=False)
        return reason in ("advertisement", "call-to-action")

    hits = [line for line in lines["promotion"] if removed(line)]
    false = [line for line in lines["content"] if removed(line)]
    misses = [line for line in lines["promotion"] if line not in hits] + false
    precision = len(hits) / (len(hits) + len(false)) if hits or false else 1.0
    return precision, len(hits) / len(lines["promotion"]), misses


def test_the_corpus_has_thirty_lines_of_each_kind() -> None:
    lines = yaml.safe_load((FIXTURES / "corpus.yaml").read_text(encoding="utf-8"))
    assert len(lines["promotion"]) >= 30 and len(lines["content"]) >= 30


@pytest.mark.parametrize(
    ("name", "precision", "recall"),
    [("corpus.yaml", 1.0, 1.0), ("held-out.yaml", 0.75, 0.3)],
)
def test_precision_and_recall_stay_at_what_the_readme_reports(
    name: str, precision: float, recall: float
) -> None:
    found_precision, found_recall, misses = scores(name)
    assert found_precision >= precision and found_recall >= recall, misses


@pytest.mark.parametrize(
    "line",
    [
        "Call your doctor if you have chest pain or trouble breathing.",
        "Join a support group to talk with people who have been through the same thing.",
        "Book a follow-up appointment with your care team in 2 weeks.",
    ],
)
def test_a_patient_guide_telling_the_reader_to_act_is_kept(line: str) -> None:
    assert judge(line, is_list=False, single=True, tail=False) == (None, None)
