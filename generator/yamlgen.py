"""YAML that teaches its own format: values in the schema's key order, each key with its
description as a comment. `flywheel init` and `flywheel new` write files through this, so
what a person sees in a new file is what `generator/schema.py` declares.
"""

from __future__ import annotations

import typing
from typing import Any

import yaml

from .schema import Schema

# The one marker a person must replace before anything publishes. `check` looks for it.
PLACEHOLDER = "TODO"


def yaml_value(value: Any) -> str:
    """One value as flow-style YAML on a single line ('911' stays quoted, dates stay bare)."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip().removesuffix("\n...")


def nested_model(model: type[Schema], name: str) -> type[Schema] | None:
    """The model a field holds, directly or as the values of a mapping (topics)."""
    annotation = model.model_fields[name].annotation
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Schema):
            return candidate
    return None


def commented_yaml(model: type[Schema], values: dict[str, Any], indent: int = 0) -> list[str]:
    """`values` as block YAML lines in `model`'s field order, each key with its description."""
    lines: list[str] = []
    pad = " " * indent
    for name, info in model.model_fields.items():
        if name not in values:
            continue
        value = values[name]
        comment = f"  # {info.description}" if info.description else ""
        inner = nested_model(model, name)
        if inner is not None and isinstance(value, dict) and value:
            lines.append(f"{pad}{name}:{comment}")
            if typing.get_origin(info.annotation) is dict:
                for key, item in value.items():
                    lines.append(f"{pad}  {key}:")
                    lines += commented_yaml(inner, item, indent + 4)
            else:
                lines += commented_yaml(inner, value, indent + 2)
        else:
            shown = f" {yaml_value(value)}" if value is not None else ""
            lines.append(f"{pad}{name}:{shown}{comment}")
    return lines
