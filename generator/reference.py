"""The frontmatter reference and the error catalog, generated from the declarations.

`python -m generator.reference` rewrites docs/reference.md and docs/errors.md; a test fails
when the committed files differ from what the schema says.
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .errors import CATALOG
from .decisions import RULES
from .schema import (
    Campaign,
    CareStep,
    CareSteps,
    Champion,
    ConsentRecord,
    Emergency,
    Guide,
    Landing,
    Practice,
    PracticeStep,
    ServiceLine,
    Story,
    ThirdParty,
    Topic,
)

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Guide", Guide),
    ("Story", Story),
    ("Service line", ServiceLine),
    ("Care steps", CareSteps),
    ("Care step", CareStep),
    ("Topic", Topic),
    ("Champion", Champion),
    ("Consent record", ConsentRecord),
    ("Practice", Practice),
    ("Emergency", Emergency),
    ("Practice next step", PracticeStep),
    ("Third party", ThirdParty),
    ("Campaign", Campaign),
    ("Campaign landing page", Landing),
]


def type_name(annotation) -> str:
    """A reader's name for a field's type: 'text', 'date', 'one of: a, b'."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"mapping of {type_name(args[0])} to {type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "text", bool: "true/false", int: "whole number"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _default(info) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        return "`[]`"
    if info.default is None or info.default is PydanticUndefined:
        return "empty"
    value = info.default
    return f"`{str(value).lower() if isinstance(value, bool) else value}`" if value != "" else '`""`'


def reference_markdown() -> str:
    lines = [
        "# Frontmatter reference",
        "",
        "Generated from `generator/schema.py` by `python -m generator.reference`; do not edit by hand.",
        "Unknown keys are errors. Dates are written `YYYY-MM-DD`. A single value where a list is",
        "expected counts as a one-item list; an empty value counts as absent.",
        "",
    ]
    for title, model in SECTIONS:
        doc = (model.__doc__ or "").strip().splitlines()
        lines += [f"## {title}", "", " ".join(line.strip() for line in doc), ""]
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for name, info in model.model_fields.items():
            description = (info.description or "").replace("|", "\\|")
            lines.append(f"| `{name}` | {type_name(info.annotation)} | {_default(info)} | {description} |")
        lines.append("")
    return "\n".join(lines)


def errors_markdown() -> str:
    lines = [
        "# Error catalog",
        "",
        "Generated from `generator/errors.py` and `generator/gate.py` by `python -m generator.reference`.",
        "Codes are permanent: tools may match on them. Each problem names the file, the line",
        "where it can be known, the field, what was expected, and a hint where one exists.",
        "",
        "## Problems",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    for code, (severity, meaning) in CATALOG.items():
        lines.append(f"| `{code}` | {severity} | {meaning} |")
    lines += ["", "## Why a piece is withheld", "", "| rule | meaning |", "|---|---|"]
    for rule, meaning in RULES.items():
        lines.append(f"| `{rule}` | {meaning} |")
    lines.append("")
    return "\n".join(lines)


GENERATED = {"docs/reference.md": reference_markdown, "docs/errors.md": errors_markdown}


def main(root: Path = Path(".")) -> int:
    for rel, make in GENERATED.items():
        (root / rel).write_text(make(), encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
