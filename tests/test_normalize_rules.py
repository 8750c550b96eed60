"""Each cleaning rule on its own: what it recognises, what it leaves alone."""

from __future__ import annotations

from datetime import date

import pytest
from markdown_it import MarkdownIt

from publish.normalizer import rules, slugify
from publish.normalizer.body import Item, build_body, drop_empty_sections
from publish.normalizer.chunks import Chunk, split_chunks
from publish.normalizer.model import BulletList, Heading, Paragraph, Removal

# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun Aug 06 2023", date(2023, 8, 6)),
        ("Sunday August 06 2023", date(2023, 8, 6)),
        ("Jan 3, 2024", date(2024, 1, 3)),
        ("January 3, 2024", date(2024, 1, 3)),
        ("January 3rd, 2024", date(2024, 1, 3)),
        ("March 14th, 2024", date(2024, 3, 14)),
        ("3 January 2024", date(2024, 1, 3)),
        ("21st Feb 2023", date(2023, 2, 21)),
        ("2024-01-03", date(2024, 1, 3)),
        ("  Jan   3,  2024. ", date(2024, 1, 3)),
        ("AUG. 6, 2023", date(2023, 8, 6)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_parse_date_reads_supported_forms(text: str, expected: date) -> None:
    assert rules.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2023",
        "2023-02-29",
        "Jan 32, 2024",
        "13/01/2024",
        "Ketamine IV",
        "Jan 3, 2024 | Ketamine IV",
        "Huberman Lab",
        "Visit NuLife for more information",
        "The study ran from Jan 3, 2024 to March 2024.",
    ],
)
def test_parse_date_rejects_what_is_not_a_date(text: str) -> None:
    assert rules.parse_date(text) is None


def test_parse_date_weekday_with_commas() -> None:
    assert rules.parse_date("Sunday, August 6, 2023") == date(2023, 8, 6)


def test_parse_date_abbreviation_with_full_stop() -> None:
    assert rules.parse_date("Aug. 6, 2023") == date(2023, 8, 6)


@pytest.mark.parametrize(
    ("line", "day", "category"),
    [
        ("Jan 3, 2024 | Ketamine IV", "Jan 3, 2024", "Ketamine IV"),
        ("5 February 2024 | Heart Health", "5 February 2024", "Heart Health"),
        ("2023-11-30|News", "2023-11-30", "News"),
    ],
)
def test_date_and_category_byline(line: str, day: str, category: str) -> None:
    match = rules.DATE_AND_CATEGORY.match(line)
    assert match is not None
    assert (match.group("date"), match.group("category")) == (day, category)


@pytest.mark.parametrize("line", ["Jan 3, 2024", "Home | News | Sleep", "x | Sleep"])
def test_date_and_category_rejects(line: str) -> None:
    assert rules.DATE_AND_CATEGORY.match(line) is None


# --- headings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mechanism of Action", True),
        ("Clinical Findings", True),
        ("Ketamine and its Clinical Uses:", True),
        ("Tips for Those Considering Ketamine Therapy-", True),
        ("Short-Term Effects vs. Long-Term Changes:", True),
        ("Depression involves dysregulation of neurotransmitters.", False),
        ("Great video, very clear!", False),
        ("Who should take a statin?", False),
        ("lowercase start of a line", False),
        ("Ends with a quote”", False),
        ("Read it at https://example.org/page", False),
        ("", False),
        (" ".join(["Word"] * 15), False),
        ("A" + "b" * 100, False),
    ],
)
def test_looks_like_heading(text: str, expected: bool) -> None:
    assert rules.looks_like_heading(text) is expected


FOURTEEN_WORDS_100_CHARACTERS = (
    "What Patients and Families Should Know Before Starting Ketamine Treatment with Their "
    "Partner Clinics"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FOURTEEN_WORDS_100_CHARACTERS, True),  # at both limits: 14 words, 100 characters
        (FOURTEEN_WORDS_100_CHARACTERS + " Today", False),  # 15 words
        (FOURTEEN_WORDS_100_CHARACTERS.replace("Their", "Theirs"), False),  # 101 characters
        # a question is a heading when it has at most 10 words, half its long words capitalised
        ("Is It Safe for Me and the Kids?", True),
        ("How Long Do the Effects of One Ketamine Infusion Last?", True),  # 10 words
        ("How Long Do the Effects of One Single Ketamine Infusion Last?", False),  # 11 words
        ("What happens during a Session?", True),  # 2 of 4 long words: half
        ("Does ketamine help me?", False),  # 1 of 3
        ("What does this mean for you?", False),  # four-letter words count as long
    ],
)
def test_looks_like_heading_limits(text: str, expected: bool) -> None:
    assert len(FOURTEEN_WORDS_100_CHARACTERS.split()) == 14
    assert len(FOURTEEN_WORDS_100_CHARACTERS) == 100
    assert rules.looks_like_heading(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ketamine and its Clinical Uses:", "Ketamine and its Clinical Uses"),
        (
            "Tips for Those Considering Ketamine Therapy-",
            "Tips for Those Considering Ketamine Therapy",
        ),
        ("Conclusion –", "Conclusion"),
        ("Summary —:", "Summary"),
        (
            "Mechanism of Action: NMDA Receptor Blockade:",
            "Mechanism of Action: NMDA Receptor Blockade",
        ),
        ("Short-Term Effects", "Short-Term Effects"),
    ],
)
def test_heading_text_drops_trailing_colon_or_dash(text: str, expected: str) -> None:
    assert rules.heading_text(text) == expected


# --- titles, links, people -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title", "publisher"),
    [
        (
            "Ketamine & Depression: How it Works – Yale Medicine Explains",
            "Ketamine & Depression: How it Works",
            "Yale Medicine",
        ),
        ("Migraine Basics - Northfield Health Explains.", "Migraine Basics", "Northfield Health"),
        ("Sleep Apnoea — Harbour Hospital Explains", "Sleep Apnoea", "Harbour Hospital"),
    ],
)
def test_explains_title(line: str, title: str, publisher: str) -> None:
    assert rules.explains_title(line) == (title, publisher)


@pytest.mark.parametrize(
    "line", ["Dr. Katz Explains", "How Ketamine Works – Explained", "Explains"]
)
def test_explains_title_rejects(line: str) -> None:
    assert rules.explains_title(line) is None


def test_explains_title_with_a_dash_in_the_title() -> None:
    assert rules.explains_title(
        "Migraine – Triggers and Treatment – Cleveland Clinic Explains"
    ) == ("Migraine – Triggers and Treatment", "Cleveland Clinic")


@pytest.mark.parametrize(
    ("line", "url"),
    [
        (
            "For more information on Ketamine or #YaleMedicine, visit: "
            "https://www.yalemedicine.org/news/ketamine-depression.",
            "https://www.yalemedicine.org/news/ketamine-depression",
        ),
        ("For more information visit https://example.org/migraine", "https://example.org/migraine"),
    ],
)
def test_more_info_link(line: str, url: str) -> None:
    match = rules.MORE_INFO_LINK.match(line)
    assert match is not None
    assert match.group("url").rstrip(".,;)") == url


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("“...each other,” says Rachel Katz, MD, a professor", [("Rachel Katz", "MD")]),
        ("explains Gerard Sanacora, PhD, MD, Director", [("Gerard Sanacora", "PhD, MD")]),
        ("explains Dr. Lena Fischer, PhD, who leads", [("Dr. Lena Fischer", "PhD")]),
        ("according to John A. Smith, PharmD.", [("John A. Smith", "PharmD")]),
        (
            "says Amara Okafor, MD, and adds Tom Ellis, RN.",
            [("Amara Okafor", "MD"), ("Tom Ellis", "RN")],
        ),
        ("says Dr. Katz.", []),
        ("said Rachel Katz in an interview", []),
        ("says the team, MD", []),
    ],
)
def test_attribution_needs_a_name_and_a_credential(text: str, people: list) -> None:
    found = [(m.group("name"), m.group("credentials")) for m in rules.ATTRIBUTION.finditer(text)]
    assert found == people


# --- promotion, calls to action, boilerplate ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Join the waitlist for our pilot course today.", True),
        ("Sign up for our heart health newsletter.", True),
        ("Subscribe to The Rested Mind for a weekly tip.", True),
        ("Book your appointment with a dietitian today.", True),
        ("Schedule a consultation online.", True),
        ("Call us on 0800 123 456.", True),
        ("Download our free guide to better sleep.", True),
        ("Click here to read more.", True),
        ("Learn more about our services.", True),
        ("Don't miss our next webinar!", True),
        ("Get it in your inbox: join the mailing list.", True),
        ("Joint pain is a common side effect of statins.", False),
        ("Claims that statins cause memory loss are not supported.", False),
        ("Book chapters on sleep medicine are listed below.", False),
        ("Call the emergency services if symptoms get worse.", False),
        ("Contact your doctor if the pain persists.", False),
    ],
)
def test_call_to_action(text: str, expected: bool) -> None:
    assert bool(rules.CALL_TO_ACTION.search(text)) is expected


def test_call_to_action_ignores_a_newsletter_cited_as_a_source() -> None:
    text = (
        "In a 2019 newsletter, the American Heart Association advised adults to know their numbers."
    )
    assert not rules.CALL_TO_ACTION.search(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We will never spam or sell your info. Ever.", True),
        ("© 2024 Brookside Heart Clinic", True),
        ("Copyright 2024. All rights reserved.", True),
        ("Read our privacy policy.", True),
        ("We use cookies to improve your experience.", True),
        ("Share this article", True),
        ("Follow us on Instagram", True),
        ("Terms of Service", True),
        ("Share your worries with your doctor.", False),
        ("Cookies and cakes raise blood sugar quickly.", False),
    ],
)
def test_boilerplate(text: str, expected: bool) -> None:
    assert bool(rules.BOILERPLATE.search(text)) is expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Visit NuLife for more information on cutting-edge treatments.", "NuLife"),
        ("Visit Brookside Heart Clinic today to book a scan.", "Brookside Heart Clinic"),
        ("Visit Dr. Lee's Practice at 12 High Street.", "Dr. Lee's Practice"),
        ("Visit your GP for a check-up.", None),
        ("Visits to the emergency department rose.", None),
        ("Patients should visit NuLife for advice.", None),
    ],
)
def test_advert_visit_names_the_business(text: str, name: str | None) -> None:
    match = rules.ADVERT_VISIT.match(text)
    assert (match.group("name") if match else None) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Our dedicated team is committed to providing personalized solutions.", True),
        ("Our clinic offers same-day appointments.", True),
        ("Our friendly team of dietitians is here to help.", True),
        ("Ask about our programme for new parents.", True),
        ("Our understanding of depression has changed.", False),
        ("The team at Yale studied 200 patients.", False),
    ],
)
def test_advert_self(text: str, expected: bool) -> None:
    assert bool(rules.ADVERT_SELF.search(text)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Image of podcast", True),
        ("Photo of a pharmacist", True),
        ("Thumbnail of the episode", True),
        ("Imaging of the brain showed changes", False),
    ],
)
def test_image_caption(text: str, expected: bool) -> None:
    assert bool(rules.IMAGE_CAPTION.match(text)) is expected


# --- comment threads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "declared"),
    [
        ("21 Comments", 21),
        ("1 Comment", 1),
        ("Comments", None),
        ("Comments (5)", 5),
        ("3 Replies", 3),
        ("12 responses", 12),
    ],
)
def test_comments_start(line: str, declared: int | None) -> None:
    match = rules.COMMENTS_START.match(line)
    assert match is not None
    number = match.group("n") or match.group("m")
    assert (int(number) if number else None) == declared


@pytest.mark.parametrize(
    "line",
    ["Comments are closed.", "No Comments", "Comments on the study design", "21 Comments so far"],
)
def test_comments_start_rejects(line: str) -> None:
    assert rules.COMMENTS_START.match(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Leave a Reply", True),
        ("Leave A Reply", True),
        ("Leave a comment", True),
        ("Post a comment", True),
        ("Add a comment", True),
        ("Submit comment", True),
        ("Leave the room quietly", False),
        ("Replies", False),
    ],
)
def test_comments_end(line: str, expected: bool) -> None:
    assert bool(rules.COMMENTS_END.match(line)) is expected


# --- inline passes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'effects <a class="yt-timestamp" data-t="01:22:00">[01:22:00]</a>.',
            f"effects [{rules.SELF}, 01:22:00].",
        ),
        ('<a class="yt-timestamp" data-t="12:05">[12:05]</a>', f"[{rules.SELF}, 00:12:05]"),
        ('<a data-t="5:07" class="x">[5:07]</a>', f"[{rules.SELF}, 00:05:07]"),
        ('<a class="yt-timestamp" data-t="1:02:40">[1:02:40]</a>', f"[{rules.SELF}, 01:02:40]"),
        (
            'a <a data-t="00:10">x</a> b <a data-t="00:20">y</a>',
            f"a [{rules.SELF}, 00:00:10] b [{rules.SELF}, 00:00:20]",
        ),
        ('<a href="https://example.org">a link</a>', '<a href="https://example.org">a link</a>'),
        ("no anchors at all", "no anchors at all"),
    ],
)
def test_timestamp_to_citation(text: str, expected: str) -> None:
    assert rules.timestamp_to_citation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "removed"),
    [
        ("<b>bold</b> text", "bold text", ["<b> </b>"]),
        ("line<br/>break<br/>", "line break", ["<br/>"]),
        (
            "before <script>alert('x')</script> after",
            "before after",
            ["<script>alert('x')</script>"],
        ),
        ("a <STYLE>p { color: red }</STYLE> b", "a b", ["<STYLE>p { color: red }</STYLE>"]),
        ("safe <iframe src='x'></iframe>text", "safe text", ["<iframe src='x'></iframe>"]),
        ("text <script>never closed()", "text", ["<script>never closed()"]),
        ("a <!-- hidden note --> b", "a b", ["<!-- hidden note -->"]),
        ("plain text, 3 < 5 and 7 > 2", "plain text, 3 < 5 and 7 > 2", []),
    ],
)
def test_strip_markup(text: str, expected: str, removed: list[str]) -> None:
    cleaned, found = rules.strip_markup(text, 12)
    assert cleaned == expected
    assert [r.text for r in found] == removed
    assert all(r.reason == "markup" and r.line == 12 for r in found)


def test_strip_markup_drops_script_content_entirely() -> None:
    result, found = rules.strip_markup(
        'Hi <script type="text/javascript">steal(document.cookie)</script>', 1
    )
    assert "steal" not in result
    assert "document.cookie" in found[0].text


@pytest.mark.parametrize(
    ("text", "expected", "related"),
    [
        ("serotonin [[role_of_serotonin]].", "serotonin.", ["role_of_serotonin"]),
        ("see [[target_page|the label]] here", "see the label here", ["target_page"]),
        ("impairment [[mci]] .", "impairment.", ["mci"]),
        ("a [[x]] , b [[y]] ; c", "a, b; c", ["x", "y"]),
        ("[[x]] twice [[x]]", "twice", ["x"]),
        ("no links", "no links", []),
    ],
)
def test_strip_wikilinks(text: str, expected: str, related: list[str]) -> None:
    assert rules.strip_wikilinks(text) == (expected, related)


_COMMONMARK = MarkdownIt("commonmark")


def _rendered_text(markdown: str) -> str | None:
    """The text CommonMark shows for `markdown`, if it is one plain paragraph."""
    tokens = _COMMONMARK.parse(markdown)
    if [t.type for t in tokens] != ["paragraph_open", "inline", "paragraph_close"]:
        return None
    children = tokens[1].children or []
    if any(c.type != "text" for c in children):
        return None
    return "".join(c.content for c in children)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a*b*c", r"a\*b\*c"),
        ("snake_case_name", r"snake\_case\_name"),
        ("<b>not html</b>", r"\<b\>not html\</b\>"),
        ("[not a link](x)", r"\[not a link\](x)"),
        ("back\\slash", r"back\\slash"),
        ("`code`", r"\`code\`"),
        ("# not a heading", r"\# not a heading"),
        ("- not a list", r"\- not a list"),
        ("+ not a list", r"\+ not a list"),
        ("=== not a rule", r"\=== not a rule"),
        ("plain text stays plain", "plain text stays plain"),
    ],
)
def test_escape_markdown(text: str, escaped: str) -> None:
    assert rules.escape_markdown(text) == escaped
    assert _rendered_text(escaped) == text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "2024. A turning point for treatment.",
        ),
        pytest.param(
            "~~~ decorative divider ~~~",
        ),
        "1st line, not a list",
        "> 5 mg is too much",
    ],
)
def test_escape_markdown_renders_as_the_plain_text(text: str) -> None:
    assert _rendered_text(rules.escape_markdown(text)) == text


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "Open Communication: Maintain open communication.",
            "**Open Communication:** Maintain open communication.",
        ),
        ("Note: take with food", "**Note:** take with food"),
        ("Time: 10:30 each morning", "**Time:** 10:30 each morning"),
        ("lowercase label: stays", "lowercase label: stays"),
        ("Dr. Smith: a label with a full stop", "Dr. Smith: a label with a full stop"),
        (
            "One Two Three Four Five Six Seven Eight: eight words",
            "**One Two Three Four Five Six Seven Eight:** eight words",
        ),
        ("One Two Three Four Five Six Seven Eight Nine: too long", None),
        ("Ratio:1 to 2", "Ratio:1 to 2"),
        ("No colon here", "No colon here"),
    ],
)
def test_bold_label(item: str, expected: str | None) -> None:
    assert rules.bold_label(item) == (item if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gained FDA approval last year", True),
        ("was recently updated", True),
        ("starts next month", True),
        ("in the year 2019", False),
        ("lasted several weeks", False),
    ],
)
def test_relative_date(text: str, expected: bool) -> None:
    assert bool(rules.RELATIVE_DATE.search(text)) is expected


# --- slugs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Ketamine & Depression: How it Works", "ketamine-depression-how-it-works"),
        ("Experimental treatments for depression", "experimental-treatments-for-depression"),
        ("Ünïcödé Café – Part 2", "unicode-cafe-part-2"),
        ("  Sleep   Hygiene!  ", "sleep-hygiene"),
        ("!!!", ""),
        ("", ""),
        ("睡眠", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_at_a_word_boundary() -> None:
    title = "Unraveling the Science: How Ketamine Works in Depression Treatment and Beyond"
    slug = slugify(title)
    assert len(slug) <= 64
    assert slug == "unraveling-the-science-how-ketamine-works-in-depression"
    assert slugify(title, limit=20) == "unraveling-the"


# --- chunks -----------------------------------------------------------------------------


def test_split_chunks_keeps_start_lines() -> None:
    chunks = split_chunks("\n\nfirst line\nsecond line\n\n\nthird\n   \nfourth  \n")
    assert [(c.lines, c.line) for c in chunks] == [
        (("first line", "second line"), 3),
        (("third",), 7),
        (("fourth",), 9),
    ]


def test_split_chunks_counts_from_first_line() -> None:
    assert [c.line for c in split_chunks("a\n\nb", first_line=5)] == [5, 7]


@pytest.mark.parametrize(
    ("text", "shapes"),
    [
        ("Heading:\n  • one\n  • two", [(False, 1), (True, 2)]),
        ("- one\n- two\n- three", [(True, 3)]),
        ("1. first\n2) second", [(True, 2)]),
        ("Intro line\n· item", [(False, 1), (True, 1)]),
        ("3.5 mg daily\nis the usual dose", [(False, 2)]),
        ("-5 degrees outside\nis cold", [(False, 2)]),
        ("2024 was a year", [(False, 1)]),
    ],
)
def test_split_chunks_starts_a_list_after_prose(text: str, shapes: list) -> None:
    assert [(c.is_list, len(c.lines)) for c in split_chunks(text)] == shapes


@pytest.mark.parametrize(
    ("lines", "items"),
    [
        (
            ("  · item one", "    continues here", "  · item two"),
            ["item one continues here", "item two"],
        ),
        (("1) first", "2) second", "   and more"), ["first", "second and more"]),
        (("• a", "•   ", "• b"), ["a", "b"]),
        (("lead-in line", "- a"), ["lead-in line", "a"]),
    ],
)
def test_chunk_items_join_continuation_lines(lines: tuple[str, ...], items: list[str]) -> None:
    assert Chunk(lines, 1).items() == items


def test_chunk_text_and_raw() -> None:
    chunk = Chunk(("  4. Healing does not equal profit.", "    Despite FDA approval"), 30)
    assert chunk.text == "4. Healing does not equal profit. Despite FDA approval"
    assert chunk.raw == "  4. Healing does not equal profit.\n    Despite FDA approval"
    assert chunk.is_list
    assert not chunk.is_single_line


# --- body: sections and threads ------------------------------------------------------------


def _fates(items: list[Item]) -> list[str]:
    return [type(i.block).__name__ if i.block else f"removed:{i.removal.reason}" for i in items]


def _heading(line: int, text: str, level: int = 2) -> Item:
    return Item(line, text, block=Heading(level, text))


def _para(line: int, text: str = "Some text.") -> Item:
    return Item(line, text, block=Paragraph(text))


def _gone(line: int, reason: str) -> Item:
    return Item(line, "x", removal=Removal(reason, "x", line))


@pytest.mark.parametrize(
    ("items", "fates"),
    [
        ([_heading(1, "A"), _para(3)], ["Heading", "Paragraph"]),
        (
            [_heading(1, "A"), _heading(3, "B"), _para(5)],
            ["removed:empty-section", "Heading", "Paragraph"],
        ),
        ([_para(1), _heading(3, "End")], ["Paragraph", "removed:empty-section"]),
        (
            [_heading(1, "Course"), _gone(3, "advertisement")],
            ["removed:advertisement", "removed:advertisement"],
        ),
        (
            [_heading(1, "Course"), _gone(3, "call-to-action"), _gone(5, "boilerplate")],
            ["removed:advertisement", "removed:call-to-action", "removed:boilerplate"],
        ),
        (
            [_heading(1, "Legal"), _gone(3, "boilerplate")],
            ["removed:empty-section", "removed:boilerplate"],
        ),
        (
            [_heading(1, "Talk"), _gone(3, "comments")],
            ["removed:empty-section", "removed:comments"],
        ),
        (
            [_heading(1, "A"), _heading(3, "A.1", level=3), _para(5), _heading(7, "B")],
            ["Heading", "Heading", "Paragraph", "removed:empty-section"],
        ),
    ],
)
def test_drop_empty_sections(items: list[Item], fates: list[str]) -> None:
    result = drop_empty_sections(items)
    assert _fates(result) == fates
    for before, after in zip(items, result, strict=True):
        if after.removal and isinstance(before.block, Heading):
            assert (after.removal.text, after.removal.line) == (before.raw, before.line)


def test_drop_empty_sections_removes_a_parent_of_empty_subsections() -> None:
    items = [_heading(1, "Parent"), _heading(3, "Child", level=3), _heading(5, "Next"), _para(7)]
    assert _fates(drop_empty_sections(items))[:2] == [
        "removed:empty-section",
        "removed:empty-section",
    ]


def test_build_body_heading_over_an_advert_is_advertisement() -> None:
    text = (
        "Intro text here.\nMore intro.\n\nOur Services\n\nVisit Acme Sleep Clinic today for a scan."
    )
    body = build_body(split_chunks(text))
    assert body.blocks == [Paragraph("Intro text here. More intro.")]
    assert [(r.reason, r.line) for r in body.removed] == [
        ("advertisement", 4),
        ("advertisement", 6),
    ]
    assert body.promoters == ["Acme Sleep Clinic"]


def test_build_body_collapses_a_comment_thread() -> None:
    text = (
        "Article text.\nMore.\n\nComments (12)\n\n- Great read.\n- Thanks!\n  Very helpful.\n\n"
        "Jane wrote this.\n\nLeave a comment\n\nClosing paragraph.\nReally."
    )
    body = build_body(split_chunks(text))
    assert body.blocks == [
        Paragraph("Article text. More."),
        Paragraph("Closing paragraph. Really."),
    ]
    (thread,) = body.removed
    assert (thread.reason, thread.line, thread.count, thread.declared) == ("comments", 4, 3, 12)
    assert thread.text.endswith("Leave a comment")


def test_build_body_keeps_content_after_a_responses_section() -> None:
    text = (
        "The trial enrolled 200 adults.\nAll had chronic pain.\n\nResponses\n\n"
        "Most patients responded within two weeks.\n\nAdverse Events\n\nNausea was most common."
    )
    body = build_body(split_chunks(text))
    assert Paragraph("Nausea was most common.") in body.blocks


def test_build_body_escapes_and_bolds_list_labels() -> None:
    body = build_body(split_chunks("Tips\n\n- Dose_Timing: take *one* tablet.\n- Plain item"))
    assert body.blocks == [
        Heading(2, "Tips"),
        BulletList((r"**Dose\_Timing:** take \*one\* tablet.", "Plain item")),
    ]
