"""Plain-language measures of a sentence: the passive voice, plainer words, unexplained long
words and numbers a reader cannot place (CDC Clear Communication Index, PEMAT-P)."""

from __future__ import annotations

import pytest

from publish.plain import bare_numbers, familiar, passive, plain_words, plainer, unfamiliar


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The drug was approved by the FDA.", "was approved"),
        ("It is given in a clinic.", "is given"),
        ("Effects are still being studied.", "are still being studied"),
        ("Ketamine was first made as an anesthetic.", "was first made"),
        ("It has been widely tested.", "been widely tested"),
        ("You are not allowed to drive.", None),
        ("I am tired after a session.", None),
        ("You may feel worried.", None),
        ("Get it only at a clinic.", None),
        ("The staff watched you closely.", None),
    ],
)
def test_english_passive_voice(sentence: str, found: str | None) -> None:
    assert passive(sentence, "en-US") == found


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("La esketamina fue aprobada por la FDA.", "fue aprobada"),
        ("Los efectos son estudiados todavía.", "son estudiados"),
        ("Los expertos todavía estudian los efectos.", None),
        ("Se usa en las cirugías.", None),
    ],
)
def test_spanish_passive_voice(sentence: str, found: str | None) -> None:
    assert passive(sentence, "es") == found


def test_a_language_with_no_rule_reports_no_passive() -> None:
    assert passive("Le médicament est donné.", "fr") is None


def test_plainer_words_are_found_as_written_with_plurals_and_phrases() -> None:
    table = plain_words("en-US")
    sentence = "Prior to the visit, Physicians utilize approximately two medications."
    assert plainer(sentence, table) == [
        ("Prior to", "before"),
        ("Physicians", "doctor"),
        ("utilize", "use"),
        ("approximately", "about"),
        ("medications", "medicine"),
    ]
    assert plainer("Use the medicine before the visit.", table) == []
    assert plainer("The preprocessor utilizes…", {"process": "x"}) == []


def test_spanish_has_its_own_list_and_other_languages_none() -> None:
    assert plainer("Debe utilizar el fármaco.", plain_words("es")) == [
        ("utilizar", "usar"),
        ("fármaco", "medicina"),
    ]
    assert plain_words("vi") == {}


@pytest.mark.parametrize(
    ("sentence", "known", "found"),
    [
        ("Ask your care team about the treatments you have tried.", set(), []),
        ("Ketamine can ease depression fast.", set(), ["depression"]),
        ("Its pharmacokinetics vary.", set(), ["pharmacokinetics"]),
        ("Its pharmacokinetics vary.", {"pharmacokinetics"}, []),
        ("This handout's sources name no other risks.", set(), []),
        ("Experts study the long-term effects.", set(), []),
        ("Call Spravato's maker.", set(), []),  # a name, capitalised mid-sentence
        ("Ask about NEUROPLASTICITY today.", set(), []),  # an abbreviation or shouting
        ("Relief is temporary.", set(), ["temporary"]),
        ("The treatments helped.", set(), []),  # an inflection of a familiar word
    ],
)
def test_unfamiliar_long_words_outside_the_dale_chall_list(
    sentence: str, known: set[str], found: list[str]
) -> None:
    assert unfamiliar(sentence, "en", known) == found


def test_spanish_unfamiliar_words_use_the_spanish_list() -> None:
    assert "depresión" in familiar("es")
    assert unfamiliar("La neuroplasticidad cambia.", "es", set()) == ["neuroplasticidad"]
    assert unfamiliar("La depresión puede volver.", "es", set()) == []
    assert unfamiliar("Un mot extraordinairement long.", "fr", set()) == []


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("About 30% of people respond.", ["30%"]),
        ("Some 17 percent felt better.", ["17 percent"]),
        ("The risk rose 2.5 times.", ["2.5"]),
        ("The odds were 3:1.", ["3:1"]),
        ("A threefold rise, or 4-fold.", ["4-fold"]),
        ("Call if it lasts more than 2.", ["2"]),
        ("Some people feel better in 24 hours or less.", []),
        ("Tried 2 or more other medicines.", []),
        ("The notes were published in 2023.", []),
        ("Moments cited: 1:22:00.", []),
        ("Call or text 988 (Lifeline).", ["988"]),
    ],
)
def test_numbers_without_context(sentence: str, found: list[str]) -> None:
    assert [number for number, _ in bare_numbers(sentence)] == found
