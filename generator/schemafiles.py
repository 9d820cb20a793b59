"""JSON Schemas for every file type, generated from the same declarations as the reference page.

Editors use them to validate and autocomplete while a person types; `flywheel check` stays
the authority (it also checks what a schema cannot: references between files, consent).
`flywheel schema [--out DIR]` writes them; a test keeps the committed `schemas/` in sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .errors import FlywheelError
from .load import read_bytes
from .schema import SLUG_PATTERN, ecma_pattern, Champion, ConsentRecord, Guide, Practice, ServiceLine, Story

SCHEMA_DIR = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class SchemaFile:
    """One file type: its schema's file name, what it is declared as, and the files it covers."""

    name: str
    declared: Any  # a model, or a type such as dict[str, Champion]
    files: tuple[str, ...]  # globs relative to the project root
    frontmatter: bool = False  # Markdown files: the schema covers the YAML between the '---' lines


SCHEMA_FILES: tuple[SchemaFile, ...] = (
    SchemaFile("guide", Guide, ("content/guides/**/*.md",), frontmatter=True),
    SchemaFile("story", Story, ("content/stories/**/*.md",), frontmatter=True),
    SchemaFile("service-line", ServiceLine, ("service_lines/**/*.yml",)),
    SchemaFile("consent-record", ConsentRecord, ("consent/**/*.yml",)),
    SchemaFile("champions", dict[str, Champion], ("content/champions.yml",)),
    SchemaFile("practice", Practice, ("practice.yml",)),
    # A new file type is one line, e.g.:
    # SchemaFile("campaign", Campaign, ("campaigns/**/*.yml",)),
)


def json_schema(entry: SchemaFile) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file type, as the loader accepts it."""
    schema = TypeAdapter(entry.declared).json_schema(mode="validation")
    if entry.declared == dict[str, Champion]:
        schema["propertyNames"] = {"pattern": ecma_pattern(SLUG_PATTERN)}
        schema["description"] = "`content/champions.yml`: patient champions, id -> name, bio and photo."
    return {
        "$schema": DIALECT,
        "title": f"Flywheel {entry.name.replace('-', ' ')}",
        **schema,
    }


def _json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def schema_texts() -> dict[str, str]:
    """`<name>.schema.json` -> its text, for every file type."""
    return {f"{e.name}.schema.json": _json_text(json_schema(e)) for e in SCHEMA_FILES}


def vscode_settings() -> dict[str, Any]:
    """Settings for VS Code's YAML extension (redhat.vscode-yaml): each YAML file type is
    validated and completed as it is typed. The extension does not read Markdown
    frontmatter; docs/writing-guide.md says what does."""
    return {
        "yaml.schemas": {
            f"./{SCHEMA_DIR}/{e.name}.schema.json": list(e.files) for e in SCHEMA_FILES if not e.frontmatter
        },
        "yaml.customTags": [],
        "yaml.validate": True,
        "yaml.completion": True,
    }


def editor_files() -> dict[str, str]:
    """Everything an editor needs, by path relative to the project root."""
    files = {f"{SCHEMA_DIR}/{name}": text for name, text in schema_texts().items()}
    files[".vscode/settings.json"] = _json_text(vscode_settings())
    files[".vscode/extensions.json"] = _json_text({"recommendations": ["redhat.vscode-yaml"]})
    return files


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into `out`, touching only files whose bytes change; return them."""
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in schema_texts().items():
            path = out / name
            if not path.exists() or read_bytes(path) != text.encode("utf-8"):  # a pipe: refused
                path.write_text(text, encoding="utf-8", newline="\n")
                written.append(path)
    except OSError as exc:
        raise FlywheelError(f"cannot write the schemas into {out}: {exc.strerror or exc}") from None
    return written
