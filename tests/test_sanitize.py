"""A story body renders the same whatever was rendered before it.

`sanitize.story_html` keeps one Markdown parser per thread and resets it between bodies; these
tests hold it to what a parser built for each body gives, in every order, so that nothing one
patient's story leaves behind (above all, link reference definitions) reaches the next.
"""

from __future__ import annotations

import itertools
import threading

import pytest

from generator import sanitize
from generator.sanitize import clean_html, story_html

# Bodies that exercise the parser's state: reference definitions and their use, tables,
# nested and ordered lists (sane_lists), headings, raw HTML (escaped) and emphasis.
BODIES = {
    "defines-reference": "See [my clinic][c] and [the walk][walk].\n\n"
    '[c]: https://clinic.example/\n[walk]: /cardiology/ "Walking"\n',
    "uses-reference": "I went back to [my clinic][c] and [the walk][walk] again.\n",
    "footnote-like": "It helped[^1] a lot.\n\n[^1]: Not a footnote here: no extension for it.\n",
    "table": "| Week | Steps |\n|:-----|------:|\n| 1 | 2,000 |\n| 2 | 4,500 |\n",
    "lists": "1. first\n2. second\n    * nested\n    * more\n\n* a\n* b\n\n3. three\n4. four\n",
    "heading-html": "# A heading\n\n<script>alert(1)</script> and <b>bold?</b>\n\n## Sub\n",
    "emphasis": "**bold** _it_ `code` and a [link](https://example.org) and ***both***\n",
    "unclosed": "A [dangling [bracket and **open emphasis\n\n> a quote\n> - with a list\n",
}


def _fresh(body: str) -> str:
    """What story_html gave before it reused a parser: a new parser for every body."""
    rendered = sanitize._markdown().convert(body)
    return clean_html(rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>"))


@pytest.mark.parametrize("first,second", list(itertools.permutations(sorted(BODIES), 2)))
def test_a_body_renders_as_with_a_fresh_parser_whatever_came_before(first, second):
    assert story_html(BODIES[first]) == _fresh(BODIES[first])
    assert story_html(BODIES[second]) == _fresh(BODIES[second])


def test_reference_definitions_do_not_leak_into_the_next_story():
    story_html(BODIES["defines-reference"])
    html = story_html(BODIES["uses-reference"])
    assert "clinic.example" not in html and "/cardiology/" not in html
    assert "[my clinic][c]" in html  # an undefined reference stays text, as in a fresh parser


def test_the_parser_is_reused_within_a_thread_and_not_shared_between_threads():
    story_html("one")
    parser = sanitize._local.parser
    story_html("two")
    assert sanitize._local.parser is parser
    seen = []

    def other_thread() -> None:
        story_html("three")
        seen.append(sanitize._local.parser)

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen and seen[0] is not parser


def test_a_conversion_that_raises_drops_its_parser(monkeypatch):
    story_html("warm")
    broken = sanitize._local.parser

    def fail(_text):
        raise RuntimeError("half-way through a document")

    monkeypatch.setattr(broken, "convert", fail)
    with pytest.raises(RuntimeError):
        story_html("anything")
    assert story_html(BODIES["table"]) == _fresh(BODIES["table"])
    assert sanitize._local.parser is not broken
