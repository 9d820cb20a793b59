"""Reading grade: computed for every guide and story, warned above a configurable grade."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import copy_base
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import readability
from generator.check import run_check
from generator.readability import plain_text, reading_grade

SIMPLE = "Take your pill in the morning. Drink a glass of water. Wait before you eat."
COMPLEX = (
    "Ultrasound-guided fine-needle aspiration constitutes the principal diagnostic modality for the "
    "cytopathological characterization of thyroid nodules whose sonographic morphology warrants clarification."
)


def test_complex_text_reads_harder_than_simple_text():
    assert reading_grade(SIMPLE) < 4 < 8 < reading_grade(COMPLEX)


def test_markup_is_not_read():
    assert plain_text("## Heading\n\n- item one\n- [a link](https://example.org/very/long/url)\n\n`code`") == (
        "Heading. item one. a link."
    )
    assert reading_grade("") == 0.0


@pytest.mark.parametrize("grade_max, warned", [(8, True), (40, False), (0, False)])
def test_threshold_is_configurable(tmp_path, grade_max, warned):
    root = copy_base(tmp_path)
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\n" + COMPLEX + "\n")
    result = run_check(root, dt.date(2026, 11, 22), reading_grade_max=grade_max)
    warnings = [p for p in result.warnings if p.code == "reading-grade"]
    assert [p.path for p in warnings] == (["content/guides/cardiology/chest-pain-when-to-worry.md"] if warned else [])
    assert result.grades["chest-pain-when-to-worry"] > 8
    assert set(result.grades) == {"chest-pain-guide", "chest-pain-when-to-worry", "walking-again"}


def _plain_text_per_line(markdown_text: str) -> str:
    """plain_text as first written: links always substituted, emphasis removed line by line."""
    text = readability._CODE.sub(" ", markdown_text)
    text = readability._LINK.sub(r"\1", text)
    text = readability._HTML.sub(" ", text)
    lines = []
    for line in readability._MARKS.sub("", text).splitlines():
        line = re.sub(r"[*_]{1,3}", "", line).strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else line + ".")
    return " ".join(lines)


def test_emphasis_and_links_are_dropped_as_before():
    text = "***both*** __under__ snake_case ****four**** *\n* item\n- [a](b) ![i](c) [x] (y) [z]\n"
    assert plain_text(text) == _plain_text_per_line(text) == (
        "both under snakecase four. item. a i [x] (y) [z]."
    )


_MARKDOWN_BITS = st.sampled_from(
    ["*", "_", "**", "***", "](", "[", "]", "(", ")", "!", "`", "```", "<b>", "\n", "\r\n", "\x0b",
     "\u2028", " ", "  ", "- ", "1. ", "# ", "> ", "word", "It's", "end.", "Why?", "x\u0301"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_MARKDOWN_BITS, max_size=30))
def test_plain_text_is_what_the_per_line_form_gave(bits):
    text = "".join(bits)
    assert plain_text(text) == _plain_text_per_line(text)


def test_a_word_counted_once_per_body_gives_the_same_grade():
    # Counter sums the syllables of each distinct word times its count: the same integer.
    text = "Hypertension hypertension medication. Medication helps. " * 7
    words = readability._WORD.findall(readability.plain_text(text))
    total = sum(readability.syllables(w.lower()) for w in words)
    sentences = len(readability._SENTENCE_END.findall(readability.plain_text(text)))
    expected = round(0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59, 1)
    assert reading_grade(text) == expected
