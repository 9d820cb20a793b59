"""A bound on how deeply Markdown may nest, checked before anything renders it.

Python-Markdown recurses per nesting level and backtracks over unclosed brackets: `- `
repeated 3,000 times exhausts Python's stack, and thousands of unclosed `[` or `(` take
minutes. No real guide or story nests more than a handful of levels, so deeper text is an
error naming the line, found in one linear pass.
"""

from __future__ import annotations

import re

MAX_BLOCK_DEPTH = 10  # list items and block quotes inside each other
MAX_BRACKET_DEPTH = 32  # unclosed [ or ( at one point of the text

_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)]|>)(?=[ \t]|$)")
_BRACKETS = re.compile(r"[][()]")
# A line deeper than the bound starts with more than MAX_BLOCK_DEPTH characters that can make
# up markers and indentation: each marker but the last is followed by a space or tab, and
# four spaces or tabs make one level. Without such a line no line can pass the bound.
# (Searched as the first line, then as a newline and the start of a line: a pattern that starts
# with a literal newline is found in C far faster than a multi-line `^`.)
_DEEP_PREFIX = rf"[ \t\-*+>0-9.)]{{{MAX_BLOCK_DEPTH + 1}}}"
_DEEP_FIRST_LINE = re.compile(_DEEP_PREFIX)
_DEEP_LATER_LINE = re.compile("\n" + _DEEP_PREFIX)


def _may_be_deep(body: str) -> bool:
    return bool(_DEEP_FIRST_LINE.match(body) or _DEEP_LATER_LINE.search(body))


def _block_depth(line: str) -> int:
    """List markers and quote markers opening the line, plus its indentation in steps of 4."""
    depth, pos = 0, 0
    indent = len(line) - len(line.lstrip(" \t"))
    while True:
        match = _MARKER.match(line, pos)
        if match is None:
            break
        depth += 1
        pos = match.end()
    return depth + indent // 4


def nesting_problem(body: str) -> tuple[int, str] | None:
    """(line offset from the body's first line, what is too deep), or None when within bounds."""
    if body.count("[") <= MAX_BRACKET_DEPTH and body.count("(") <= MAX_BRACKET_DEPTH and not _may_be_deep(body):
        return None  # too few brackets to pass the bound, and no line starts deep enough
    square = round_ = 0
    for offset, line in enumerate(body.split("\n")):
        if not line.strip():
            square = round_ = 0  # inline markup never spans paragraphs
            continue
        if _block_depth(line) > MAX_BLOCK_DEPTH:
            return offset, f"nests lists or quotes more than {MAX_BLOCK_DEPTH} levels deep"
        # Only the brackets matter: finding them in C and walking those alone gives the same
        # counts as walking every character, about fifty times faster on ordinary prose.
        for ch in _BRACKETS.findall(line):
            if ch == "[":
                square += 1
            elif ch == "]":
                square = max(0, square - 1)
            elif ch == "(":
                round_ += 1
            else:
                round_ = max(0, round_ - 1)
            if square > MAX_BRACKET_DEPTH or round_ > MAX_BRACKET_DEPTH:
                return offset, f"has more than {MAX_BRACKET_DEPTH} brackets open at once"
    return None
