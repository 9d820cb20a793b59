"""Care cards in guides: when and where to get care, at three levels (the NHS "care cards").

A writer marks a card as an admonition-style block in the guide's Markdown:

    !!! emergency "Call 911 if your chest pain:"
        - spreads to your arms, back, neck or jaw

The level is `emergency`, `urgent` or `routine`. Flywheel ends each card with the contact for
its level (the render stage supplies it); a writer never types a phone number. Material's own
admonition types (note, tip, warning ...) pass through untouched; any other name is an error
with a "did you mean", because a misspelt `emergancy` would otherwise render as a grey note.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from .errors import Problem, did_you_mean, problem

LEVELS = ("emergency", "urgent", "routine")
# Admonition types Material for MkDocs styles; a guide may still use them as plain notes.
ADMONITIONS = (
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
    "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention",
    "failure", "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
)  # fmt: skip
_START = re.compile(r'^(?:!!!|\?\?\?\+?)[ \t]+([^\s"]+)(?:[ \t]+"([^"]*)")?[ \t]*$')


@dataclass(frozen=True)
class CareCard:
    """One care card block in a guide body: its level, heading and indented content."""

    level: str
    title: str
    content: str  # the block's Markdown, dedented
    line: int  # 1-based line of the `!!!` line in the body
    start: int  # 0-based index of the first body line of the block
    end: int  # 0-based index after the block's last line


def blocks(body: str) -> list[CareCard]:
    """Every admonition-style block of a body, whatever its type (validation sorts them)."""
    lines = body.split("\n")
    found: list[CareCard] = []
    i = 0
    while i < len(lines):
        match = _START.match(lines[i])
        if not match:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (
            lines[j].startswith(("    ", "\t"))
            or (not lines[j].strip() and j + 1 < len(lines) and lines[j + 1].startswith(("    ", "\t")))
        ):
            j += 1
        content = textwrap.dedent("\n".join(lines[i + 1 : j])).strip("\n")
        found.append(CareCard(match.group(1).lower(), match.group(2) or "", content, i + 1, i, j))
        i = j
    return found


def problems(body: str, path: str, body_line: int) -> list[Problem]:
    """An error for every block whose type is neither a care level nor an admonition type."""
    found = []
    for card in blocks(body):
        if card.level in LEVELS or card.level in ADMONITIONS:
            continue
        found.append(
            problem(
                "unknown-care-card",
                path,
                f"unknown care card level '{card.level}': expected one of {', '.join(LEVELS)}",
                line=body_line + card.line - 1,
                hint=did_you_mean(card.level, LEVELS + ADMONITIONS),
            )
        )
    return found


def replace(body: str, render_card: Callable[[CareCard], str]) -> str:
    """The body with each care card block replaced by `render_card`'s HTML (one block, no
    blank line inside, so Markdown passes it through); other admonitions stay as written."""
    lines = body.split("\n")
    out: list[str] = []
    last = 0
    for card in blocks(body):
        if card.level not in LEVELS:
            continue
        out.extend(lines[last : card.start])
        html = "\n".join(line for line in render_card(card).split("\n") if line.strip())
        out.extend(["", html, ""])
        last = card.end
    out.extend(lines[last:])
    return "\n".join(out)
