"""Reading grade: computed for every guide and story, warned above a configurable grade."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import copy_base

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
