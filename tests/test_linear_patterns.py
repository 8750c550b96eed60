"""The linear rewrites of the normalizer's patterns read what the old patterns read.

Each old pattern backtracked badly on some input (exponential, cubic or quadratic); its
replacement scans the text a bounded number of times. Here the old pattern is the reference,
on short inputs drawn from the characters that matter to it, where its cost does not matter.
How long each takes on a worst-case input of the 2 MiB limit is measured by
`python benchmarks/run.py --worst-case`, not here.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from publish.normalizer import rules
from publish.normalizer.readers import ArticleReader, WikiReader

OLD_EXPLAINS = re.compile(r"^(?P<title>.+)\s+[–—-]\s+(?P<publisher>[^–—]+?)\s+Explains\.?$")
OLD_BYLINE = re.compile(
    r"^By\s+(?P<names>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}"
    r"(?:\s*(?:,|and)\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})*)$"
)
OLD_FROM = re.compile(
    r"^From:\s*(?:\[\[(?P<link>[^\]|]+)(?:\|[^\]]*)?\]\]|(?P<plain>[^<]+?))\s*(?:<br\s*/?>)?\s*$",
    re.I,
)
OLD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
OLD_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
OLD_WIKILINK = re.compile(r"\s*\[\[(?P<target>[^\[\]|]+)(?:\|(?P<label>[^\[\]]+))?\]\]")

EXAMPLES = settings(max_examples=400, deadline=None)


def words(*pieces: str, size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


@EXAMPLES
@given(words("A", "b", " ", "  ", "-", " - ", "–", " — ", "Explains", ".", "\t"))
def test_explains_title_reads_as_the_old_pattern(line: str) -> None:
    old = OLD_EXPLAINS.match(line)
    expected = (old.group("title").strip(), old.group("publisher").strip()) if old else None
    if expected and not all(expected):
        expected = None  # a blank title or publisher is no title
    assert rules.explains_title(line) == expected


@EXAMPLES
@given(words("By", " ", "Ann", "Lee", "O'Neil", "and", ",", "x", "J.", "  "))
def test_byline_reads_as_the_old_pattern(line: str) -> None:
    old = OLD_BYLINE.match(line)
    found = ArticleReader._authors(line)
    if old is None:
        assert found is None
        return
    names = [n for n in re.split(r"\s*(?:,|\band\b)\s*", old.group("names"))]
    # where the old pattern let 'and' glue onto a name ('AnnandLee', 'J.and'), it split
    # the name or failed; reading the glued word as one name, or refusing, is as good
    glued = re.search(r"[^\s,]and|and[^\s,]", old.group("names"))
    if found is None:
        assert glued
    elif not glued:
        assert found == [" ".join(n.split()) for n in names]


@EXAMPLES
@given(words("From:", "from:", " ", "[[", "]]", "|", "Chan", "<br>", "<br />", "<", "x", size=8))
def test_from_line_reads_as_the_old_pattern(line: str) -> None:
    old = OLD_FROM.match(line)
    expected = (old.group("link") or old.group("plain")).strip() if old else None
    assert WikiReader._from(line) == (expected or None)


@EXAMPLES
@given(words("#", "##", " ", "\t", "Title", "x", "#x", size=10))
def test_heading_reads_as_the_old_pattern(line: str) -> None:
    old = OLD_HEADING.match(line)
    expected = (len(old.group("hashes")), old.group("text")) if old else None
    assert WikiReader._heading(line) == expected


@EXAMPLES
@given(words("<!--", "-->", "<a", ">", "</b>", "x", " ", "-", "<", size=14))
def test_strip_markup_reads_as_the_old_pattern(text: str) -> None:
    _, removed = rules.strip_markup(text, 1)
    found = [r.text for r in removed]
    old_tags = OLD_TAG.findall(rules.DANGEROUS_ELEMENT.sub(" ", text))
    assert found == ([" ".join(dict.fromkeys(old_tags))] if old_tags else [])


@EXAMPLES
@given(words("[[", "]]", "|", "a", " ", "\u3000", ".", ",", size=14))
def test_wikilinks_read_as_the_old_pattern(text: str) -> None:
    targets: list[str] = []

    def replace(match: re.Match[str]) -> str:
        target = match.group("target").strip()
        if target and target not in targets:
            targets.append(target)
        label = match.group("label")
        return f" {label.strip()}" if label else ""

    expected = re.sub(r"\s+([.,;:!?])", r"\1", OLD_WIKILINK.sub(replace, text)).strip()
    assert rules.strip_wikilinks(text) == (expected, targets)
