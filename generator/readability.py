"""Reading grade of patient-facing text (Flesch-Kincaid, via textstat).

Markup is stripped first so that URLs, code and Markdown punctuation do not count as words.
"""

from __future__ import annotations

import re

import textstat

DEFAULT_GRADE_MAX = 8.0

_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>")
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)", re.M)
_EMPHASIS = re.compile(r"[*_]{1,3}")


def plain_text(markdown_text: str) -> str:
    """Markdown as the words a reader reads. Headings and list items end a sentence."""
    text = _CODE.sub(" ", markdown_text)
    text = _LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    lines = []
    for line in _MARKS.sub("", text).splitlines():
        line = _EMPHASIS.sub("", line).strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else line + ".")
    return " ".join(lines)


def reading_grade(markdown_text: str) -> float:
    """Flesch-Kincaid grade level of the text, 0.0 for text with no words."""
    text = plain_text(markdown_text)
    if not re.search(r"[A-Za-z]", text):
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
