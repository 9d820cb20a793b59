"""How `check` reports: text for people, JSON for tools, workflow commands for GitHub Actions.

The JSON shape is documented in docs/cli.md and versioned by its `flywheel` key.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, TextIO

from .decisions import RULES
from .errors import Problem, Severity

if TYPE_CHECKING:  # a warm check prints a snapshot's report without loading the checker
    from .check import CheckResult

JSON_VERSION = 1


def use_colour(stream: TextIO) -> bool:
    """Colours only in a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def format_text(result: CheckResult, colour: bool = False) -> str:
    lines: list[str] = []
    current_file = None
    for p in result.problems:
        if p.path != current_file:
            if current_file is not None:
                lines.append("")
            current_file = p.path
        shade = {Severity.ERROR: "31;1", Severity.WARNING: "33;1"}.get(p.severity, "36")
        tag = _paint(str(p.severity), shade, colour)
        lines.append(p.format().replace(f" {p.severity}:", f" {tag}:", 1))
    withheld = result.gate.withheld
    if withheld:
        if lines:
            lines.append("")
        lines.append(f"Withheld ({len(withheld)}) on {result.gate.as_of}:")
        for decision in withheld:
            rules = ", ".join(rule for rule, _ in decision.reasons)
            lines.append(f"  {decision.kind} {decision.slug}: {decision.reason} [{rules}]")
    guides, stories = result.gate.published("guide"), result.gate.published("story")
    counts = f"{_plural(len(guides), 'guide')}, {_plural(len(stories), 'story', 'stories')}"
    lines.append("")
    # With errors nothing is published: a build stops. Say what a build would publish once fixed.
    lines.append(f"Would publish, once the errors are fixed: {counts}." if result.errors else f"Published: {counts}.")
    errors, warnings = len(result.errors), len(result.warnings)
    verdict = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if result.notices:
        verdict += f", {_plural(len(result.notices), 'notice')}"
    lines.append(_paint(("FAILED: " if errors else "OK: ") + verdict, "31;1" if errors else "32;1", colour))
    return "\n".join(lines) + "\n"


def as_json_data(result: CheckResult) -> dict:
    gate = result.gate
    return {
        "flywheel": JSON_VERSION,
        "as_of": gate.as_of.isoformat(),
        "ok": result.ok,
        "summary": {
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "notices": len(result.notices),
            "published": {"guides": len(gate.published("guide")), "stories": len(gate.published("story"))},
            "withheld": len(gate.withheld),
        },
        "problems": [p.as_dict() for p in result.problems],
        "withheld": [
            {
                "slug": d.slug,
                "kind": d.kind,
                "file": d.path,
                "consent": d.consent,
                "rule": d.rule,
                "reasons": [{"rule": rule, "reason": text, "contract": RULES[rule]} for rule, text in d.reasons],
            }
            for d in gate.withheld
        ],
        "published": {"guides": gate.published("guide"), "stories": gate.published("story")},
        "reading_grades": result.grades,
    }


def format_json(result: CheckResult) -> str:
    return json.dumps(as_json_data(result), indent=2, sort_keys=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(p: Problem) -> str:
    props = [f"file={_escape_property(p.path)}"]
    if p.line:
        props.append(f"line={p.line}")
    props.append(f"title={_escape_property(p.code)}")
    message = (f"{p.field}: " if p.field else "") + p.message + (f" (hint: {p.hint})" if p.hint else "")
    return f"::{p.severity} {','.join(props)}::{_escape_data(message)}"


def format_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: annotations at file and line, withheld stories as notices."""
    lines = [github_annotation(p) for p in result.problems]
    for d in result.gate.withheld:
        props = f"file={_escape_property(d.path)},title={_escape_property('withheld ' + d.slug)}"
        lines.append(f"::notice {props}::{_escape_data(d.reason)}")
    lines.append(format_text(result).rstrip("\n").splitlines()[-1])
    return "\n".join(lines) + "\n"


FORMATS = {"text": format_text, "json": format_json, "github": format_github}


def emit(result: CheckResult, fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    if fmt == "text":
        stream.write(format_text(result, colour=use_colour(stream)))
    else:
        stream.write(FORMATS[fmt](result))
