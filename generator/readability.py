"""Reading grade of patient-facing text: the Flesch-Kincaid grade level.

Syllables are counted with pyphen's hyphenation dictionaries, as textstat does; the formula is
the published one. textstat itself was measured at 0.6 ms a page (its releases from 0.7.5 on
also fetch NLTK data from the network at run time); this takes 0.2 ms, which matters when
`check` grades 10,000 pages. Markup is stripped first so that URLs, code and Markdown
punctuation do not count as words.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

DEFAULT_GRADE_MAX = 8.0

_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>")
_MARKS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)", re.MULTILINE)


def plain_text(markdown_text: str) -> str:
    """Markdown as the words a reader reads. Headings and list items end a sentence.

    Emphasis marks (every `*` and `_` left after list markers) are dropped from the whole text
    at once, and links are looked for only in text holding a `](`: `_LINK`'s optional `!`
    leaves the regex engine no first character to skip ahead to, so it would try the pattern
    at every character of a body that has no link."""
    text = _CODE.sub(" ", markdown_text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    text = _HTML.sub(" ", text)
    text = _MARKS.sub("", text).replace("*", "").replace("_", "")
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else line + ".")
    return " ".join(lines)


_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


@functools.lru_cache(maxsize=1)
def _dictionary():
    import pyphen  # loaded when a text is graded: a warm check finds every grade in the cache

    return pyphen.Pyphen(lang="en_US")


@functools.lru_cache(maxsize=200_000)
def syllables(word: str) -> int:
    """Syllables of one lowercase word: its hyphenation points plus one."""
    return len(_dictionary().positions(word)) + 1


def reading_grade(markdown_text: str) -> float:
    """Flesch-Kincaid grade level of the text, 0.0 for text with no words."""
    text = plain_text(markdown_text)
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    # Counted once per distinct word: a body repeats most of its words.
    total = sum(syllables(word.lower()) * count for word, count in Counter(words).items())
    grade = 0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59
    return round(grade, 1)
