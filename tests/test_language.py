"""Text that is not in a translation's declared language is found, with its line; Spanish,
names, numbers and short headings in a Spanish file are never flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish import frontmatter, language
from publish.language import Foreign, foreign_blocks, supported

HANDOUT_ES = """\
---
title: La ketamina para la depresión
status: draft
---
## ¿Qué es el tratamiento con ketamina?

La ketamina se creó primero como anestésico, un medicamento que se usa en las cirugías. Más \
tarde, los médicos descubrieron que puede aliviar la depresión rápido \
[@ketamine-depression-how-it-works].

La esketamina es una forma de ketamina. Su nombre de marca es Spravato. Una página web de Yale \
Medicine dice que la Administración de Alimentos y Medicamentos de EE. UU. (FDA) la aprobó \
para la depresión [@ketamine-depression-how-it-works].

Por lo general, la ketamina no es el primer tratamiento que prueban los médicos. Como se ha \
usado mal, por lo general se da bajo un control cuidadoso \
[@experimental-treatments-for-depression, 01:25:04].

## ¿Cómo es una sesión de tratamiento?

En pocos minutos, puede que sienta disociación. Es sentirse lejos de su forma de ser habitual \
y del mundo que lo rodea [@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity; \
@experimental-treatments-for-depression, 01:22:00].

![Diagrama de cuatro cuadros unidos por flechas: la ketamina bloquea los receptores NMDA y \
luego puede que mejore el estado de ánimo.](figures/care-path.es.svg)

Algunas personas se sienten mejor en 24 horas o menos [@ketamine-depression-how-it-works].

## Riesgos y efectos secundarios

- Fuera de una clínica, la ketamina tiene un alto riesgo de mal uso y de adicción \
[@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity].
- El alivio rápido que da una dosis se pasa \
[@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity].
- Los expertos todavía estudian los efectos a largo plazo del uso frecuente \
[@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity].

## Preguntas para su equipo de atención médica

- ¿Puedo manejar a casa después de una sesión \
[@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity]?
- ¿Debo recibir también terapia de conversación [@ketamine-depression-how-it-works]?
"""

ENGLISH_PARAGRAPH = (
    "Ketamine is not usually the first treatment doctors try. Because it has been misused, "
    "it is usually given under careful control [@experimental-treatments-for-depression, 01:25:04]."
)
FRENCH_PARAGRAPH = (
    "Certaines personnes se sentent mieux en quelques heures. Demandez à votre équipe "
    "soignante ce qu'il faut surveiller [@ketamine-depression-how-it-works]."
)
SPANISH_PARAGRAPH_3 = "Por lo general, la ketamina no es el primer tratamiento"


def _check(text: str, declared: str = "es") -> list[Foreign]:
    """What `publish check` does with a topic file: the body, with its file lines."""
    _, body, first_line = frontmatter.split(text)
    return foreign_blocks(body, declared, first_line)


def _line_of(text: str, start: str) -> int:
    """The 1-based file line where `start` begins."""
    return text[: text.index(start)].count("\n") + 1


def _replace_paragraph(text: str, start: str, new: str) -> str:
    """`text` with the paragraph beginning `start` replaced by `new`."""
    at = text.index(start)
    end = text.index("\n\n", at)
    return text[:at] + new + text[end:]


def test_a_spanish_handout_with_citations_names_and_numbers_has_no_findings() -> None:
    assert _check(HANDOUT_ES) == []


def test_an_english_paragraph_in_a_spanish_file_is_found_at_its_line() -> None:
    text = _replace_paragraph(HANDOUT_ES, SPANISH_PARAGRAPH_3, ENGLISH_PARAGRAPH)

    found = _check(text)

    assert [(f.line, f.language) for f in found] == [(_line_of(text, "Ketamine is not"), "en")]
    assert found[0].excerpt.startswith("Ketamine is not usually the first treatment")
    assert len(found[0].excerpt) <= language.EXCERPT_CHARS


def test_an_english_list_item_in_a_spanish_list_is_found() -> None:
    item = "- Its mind effects can be dangerous if you take too much or take it without care."
    anchor = "- El alivio rápido"
    text = HANDOUT_ES.replace(anchor, item + "\n" + anchor)

    found = _check(text)

    assert [(f.line, f.language) for f in found] == [(_line_of(text, item), "en")]


def test_a_french_paragraph_in_a_spanish_file_is_found() -> None:
    text = _replace_paragraph(HANDOUT_ES, SPANISH_PARAGRAPH_3, FRENCH_PARAGRAPH)

    assert [(f.line, f.language) for f in _check(text)] == [
        (_line_of(text, "Certaines personnes"), "fr")
    ]


def test_english_alt_text_link_text_and_table_cells_are_judged() -> None:
    body = (
        "La ketamina se creó primero como anestésico, un medicamento que se usa en las "
        "cirugías.\n"
        "\n"
        "![Diagram of four boxes joined by arrows, left to right](figures/care-path.svg)\n"
        "\n"
        "- [Read what the experts at the clinic say about the treatment](https://example.org/a)\n"
        "\n"
        "| Pregunta | Respuesta |\n"
        "| --- | --- |\n"
        "| ¿Cuánto dura? | The effect of one treatment can last days or even weeks. |\n"
    )

    found = foreign_blocks(body, "es", first_line=10)

    assert [(f.line, f.language) for f in found] == [(12, "en"), (14, "en"), (18, "en")]


def test_english_declared_english_has_no_findings(default_topic: Path) -> None:
    text = (default_topic / "patient.md").read_text(encoding="utf-8")

    assert _check(text, "en") == []
    assert _check(HANDOUT_ES, "en") != []  # the same check does see Spanish


def test_the_shipped_spanish_translation_has_no_findings(default_topic: Path) -> None:
    assert _check((default_topic / "patient.es.md").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "block",
    [
        "Spravato",
        "Yale Medicine",
        "FDA",
        "Johns Hopkins Medicine, Yale Medicine y la FDA",
        "Spravato (esketamine), NMDA, GABA, BDNF",
        "24 horas",
        "01:22:00",
        "5 mg, 0,5 mg/kg",
        "NMDA. GABA. BDNF. AMPA. FDA. EMA.",
        "[@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity]",
        "[@ketamine-depression-how-it-works; @experimental-treatments-for-depression, 01:22:00; "
        "@unraveling-the-science-how-ketamine-works-in-depression; "
        "@ketamine-as-a-rapid-antidepressant-for-mood-disorders]",
        "<https://www.yalemedicine.org/news/ketamine-depression>",
        "<https://www.yalemedicine.org/news/ketamine-depression> "
        "<https://example.org/how-ketamine-works-in-depression> "
        "<https://example.org/benefits-and-risks-for-depression> "
        "www.example.org/experimental-treatments-for-depression",
        "## Summary",
        "## Risks and complications",
        "## Questions for clinicians",
        "## Riesgos",
    ],
)
def test_names_numbers_citations_and_short_headings_are_never_judged(block: str) -> None:
    # Vietnamese shares no words with any of these: were they judged, they would be flagged.
    assert foreign_blocks(block, "vi") == []
    assert foreign_blocks(block, "es") == []


@pytest.mark.parametrize(
    ("spanish", "english"),
    [
        ("Náuseas, vómitos o diarrea", "Nausea, vomiting or diarrhea"),
        ("Mareos o sensación de desmayo", "Dizziness or feeling faint"),
        ("Cuándo llamar a su médico", "When to call your doctor"),
        ("¿Qué pasa si dejo el tratamiento?", "What happens if I stop treatment?"),
        ("Llame al 911 si tiene una emergencia.", "Call 911 if you have an emergency."),
        (
            "Ni la página de Yale Medicine ni el pódcast dan una fecha de aprobación.",
            "Neither the Yale Medicine page nor the podcast gives an approval date.",
        ),
    ],
)
def test_short_list_items_near_the_threshold(spanish: str, english: str) -> None:
    """The shortest blocks that are judged, where the detector is least sure: measured to be
    the closest calls on both sides of the threshold."""
    assert foreign_blocks(f"- {spanish}", "es") == []
    assert [f.language for f in foreign_blocks(f"- {english}", "es")] == ["en"]


def test_english_citation_keys_and_urls_do_not_make_spanish_text_english() -> None:
    body = (
        "Se reserva para quienes ya probaron otros dos tratamientos "
        "[@ketamine-depression-how-it-works; "
        "@ketamine-benefits-and-risks-for-depression-ptsd-neuroplasticity; "
        "@experimental-treatments-for-depression-and-other-mood-disorders, 01:25:04] "
        "<https://www.yalemedicine.org/news/ketamine-depression-how-it-works-and-who-it-helps>."
    )

    assert foreign_blocks(body, "es") == []


def test_numbers_take_no_room_in_the_judged_sample() -> None:
    doses = "0,5; 0,75; 1,0; " * 300  # longer than the sample the model reads
    body = f"{doses}Ask your care team what to watch for after each session."

    assert [f.language for f in foreign_blocks(body, "es")] == ["en"]


def test_a_regional_tag_is_judged_by_its_language() -> None:
    assert _check(HANDOUT_ES, "es-MX") == []
    text = _replace_paragraph(HANDOUT_ES, SPANISH_PARAGRAPH_3, ENGLISH_PARAGRAPH)
    assert [f.language for f in _check(text, "es-MX")] == ["en"]


def test_supported_languages() -> None:
    assert supported("vi")
    assert supported("es-MX")
    assert supported("zh-Hant-TW")
    assert not supported("xx")
    assert not supported("zxx")  # "no linguistic content" is not a language to write in


def test_an_unsupported_language_is_an_error_not_a_pass() -> None:
    with pytest.raises(ValueError, match="'xx'"):
        foreign_blocks("Some text that would otherwise be judged here.", "xx")


def test_a_variety_of_the_declared_language_is_not_foreign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The model tells Cantonese from Chinese and Egyptian from Arabic; a 'zh' or 'ar' file
    may hold either, so they count as the declared language, and are named by its code."""
    scores = [("yue", 0.5), ("zh", 0.3), ("arz", 0.15), ("ja", 0.05)]
    monkeypatch.setattr(language, "_rank", lambda text: scores)
    block = "one block of enough words to be judged by the model"

    assert foreign_blocks(block, "zh-HK") == []
    assert [f.language for f in foreign_blocks(block, "ja")] == ["zh"]


class _Counting:
    """Stands in for the model and records how much text it was given."""

    def __init__(self) -> None:
        self.lengths: list[int] = []

    def __call__(self, text: str) -> list[tuple[str, float]]:
        self.lengths.append(len(text))
        return [("es", 1.0)]


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> _Counting:
    model = _Counting()
    monkeypatch.setattr(language, "_rank", model)
    return model


def test_fifty_thousand_tiny_paragraphs_are_never_given_to_the_model(counting: _Counting) -> None:
    text = "Sí, 24 horas.\n\n" * 50_000

    assert foreign_blocks(text, "es") == []
    assert counting.lengths == []


def test_one_huge_paragraph_is_judged_once_on_a_bounded_sample(counting: _Counting) -> None:
    text = "la ketamina puede aliviar la depresión " * 26_000  # about 1 MB, one paragraph

    assert foreign_blocks(text, "es") == []
    assert counting.lengths == [language.MAX_CHARS]


def test_the_model_reads_each_block_at_most_once(counting: _Counting) -> None:
    paragraph = "Su médico le explicará los posibles beneficios y riesgos antes de empezar."
    text = f"{paragraph}\n\n" * 10_000

    foreign_blocks(text, "es")

    assert len(counting.lengths) == 10_000
    assert sum(counting.lengths) <= len(text)
