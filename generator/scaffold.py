"""`flywheel new guide|story`: a new file with every required key, derived from the schema.

Keys come in the schema's order, each with its description as a comment, so the file teaches
its own format. Values are chosen from what exists (service lines, topics, champions); the
command only ever creates a new file and never overwrites one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from .consent import next_record_id
from .errors import FlywheelError, did_you_mean, problem
from .project import Project
from .schema import SLUG_PATTERN, Guide, Schema, Story
from .validate import GUIDES_DIR, STORIES_DIR

MODELS: dict[str, type[Schema]] = {"guide": Guide, "story": Story}
FOLDERS = {"guide": GUIDES_DIR, "story": STORIES_DIR}
BODY = {
    "guide": "Write the guide here, in plain language (aim for grade 8 or below).\n",
    "story": "Write the story here with the patient, in their words.\n",
}


def slugify(title: str) -> str:
    """'Chest pain: when to worry' -> 'chest-pain-when-to-worry'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def _yaml_value(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip().removesuffix("\n...")


def render_file(kind: str, values: dict[str, Any]) -> str:
    """The frontmatter in schema order, with each key's description as a comment."""
    model = MODELS[kind]
    lines = ["---"]
    for name, info in model.model_fields.items():
        if name not in values:
            continue
        lines.append(f"{name}: {_yaml_value(values[name])}  # {info.description}")
    lines.append("---")
    return "\n".join(lines) + "\n" + BODY[kind]


_UNKNOWN_CODES = {
    "service_line": "unknown-service-line",
    "topic": "unknown-topic",
    "champion": "unknown-champion",
    "stage": "bad-choice",
}


_SOURCES = {
    "service_line": "service_lines/",
    "topic": "service_lines/",
    "champion": "content/champions.yml",
    "stage": "content/guides/",
}


def _choose(project_choices: list[str], value: str | None, what: str, field: str, ask) -> str:
    if value is None and ask is not None:
        value = ask(what, project_choices)
    if value is None:
        raise FlywheelError(f"--{field.replace('_', '-')} is required (one of: {', '.join(project_choices) or 'none yet'})")
    if value not in project_choices:
        raise FlywheelError(
            [
                problem(
                    _UNKNOWN_CODES[field],
                    _SOURCES[field],
                    f"no {what} '{value}'",
                    field=field,
                    hint=did_you_mean(value, project_choices) or f"choose one of: {', '.join(project_choices)}",
                )
            ]
        )
    return value


def scaffold(project: Project, kind: str, options: dict[str, Any], ask=None, today: dt.date | None = None) -> Path:
    """Create the new file and return its path. `ask(what, choices)` prompts in a terminal."""
    title = options.get("title") or _from_question(options.get("question")) or (ask("title", []) if ask else None)
    if not title:
        raise FlywheelError("--title is required")
    slug = options.get("slug") or slugify(title)
    if not SLUG_PATTERN.match(slug):
        raise FlywheelError(f"'{slug}' is not a slug (lowercase letters, digits and hyphens); pass another --slug")
    taken = set(project.raw)
    if slug in taken:
        raise FlywheelError([problem("duplicate-slug", project.raw[slug][1].path, f"slug '{slug}' is already used", hint="pass another --slug")])
    line_slug = _choose(sorted(project.service_lines), options.get("service_line"), "service line", "service_line", ask)
    topics = sorted(project.service_lines[line_slug].data.topics)
    values: dict[str, Any] = {"title": title, "summary": options.get("summary") or f"TODO: one line about {title}"}
    if kind == "guide":
        values |= {
            "service_line": line_slug,
            "topic": _choose(topics, options.get("topic"), f"topic of {line_slug}", "topic", ask),
            "pillar": bool(options.get("pillar")),
            "stage": _choose(["learn", "decide", "prepare", "recover"], options.get("stage") or "learn", "stage", "stage", ask),
            "reviewed_by": options.get("reviewed_by") or "TODO: medical reviewer",
            "reviewed_on": today or dt.date.today(),
            "tags": [],
        }
    else:
        champion = _choose(sorted(project.champions), options.get("champion"), "champion", "champion", ask)
        named = {e.data.consent for e in project.stories.values() if e.data.consent}
        record = options.get("consent") or _free_record_id(project, named, today or dt.date.today())
        values |= {"champion": champion, "service_line": line_slug}
        if options.get("topic"):
            values["topic"] = _choose(topics, options["topic"], f"topic of {line_slug}", "topic", ask)
        values |= {"consent": record, "pull_quote": "", "material_connection": "", "tags": []}
    if options.get("next_step"):
        values["next_step"] = options["next_step"]
    folder = project.root / FOLDERS[kind] / line_slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(render_file(kind, values))
    except FileExistsError:
        raise FlywheelError(f"{path.relative_to(project.root).as_posix()} already exists; nothing was written") from None
    return path


def _from_question(question: str | None) -> str | None:
    """A backlog question as a guide's title: 'What can I take for insomnia?' as it was asked."""
    text = " ".join((question or "").split())
    return text[:120] or None


def _free_record_id(project: Project, named: set[str], today: dt.date) -> str:
    record_id = next_record_id(project, today.year)
    number = int(record_id.rsplit("-", 1)[1])
    while record_id in named or record_id in project.consents:
        number += 1
        record_id = f"C-{today.year}-{number:03d}"
    return record_id
