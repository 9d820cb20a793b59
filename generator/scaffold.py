"""`flywheel new guide|story|service-line|topic`: a new file with every required key, derived from the schema.

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

from .consent import next_record_id
from .errors import FlywheelError, did_you_mean, problem
from .project import Project
from .schema import SLUG_PATTERN, Guide, Schema, ServiceLine, Story
from .validate import GUIDES_DIR, SERVICE_LINES_DIR, STORIES_DIR
from .yamlgen import PLACEHOLDER, commented_yaml, yaml_value

MODELS: dict[str, type[Schema]] = {"guide": Guide, "story": Story}
FOLDERS = {"guide": GUIDES_DIR, "story": STORIES_DIR}
BODY = {
    "guide": f"{PLACEHOLDER}: write the guide here, in plain language (aim for grade 8 or below).\n",
    "story": f"{PLACEHOLDER}: write the story here with the patient, in their words.\n",
}
STAGES = ["learn", "decide", "prepare", "recover"]
# Answers a person may leave blank in a terminal: the key is then left out (or empty).
OPTIONAL = {"topic", "next_step", "pull_quote", "material_connection"}


def slugify(title: str) -> str:
    """'Chest pain: when to worry' -> 'chest-pain-when-to-worry'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].rstrip("-")


def todo(what: str) -> str:
    """A placeholder: the single marker `TODO` and what to write. `check` refuses to publish it."""
    return f"{PLACEHOLDER}: {what}"


def render_file(kind: str, values: dict[str, Any]) -> str:
    """The frontmatter in schema order, with each key's description as a comment."""
    lines = ["---", *commented_yaml(MODELS[kind], values), "---"]
    return "\n".join(lines) + "\n" + BODY[kind]


_UNKNOWN_CODES = {
    "service_line": "unknown-service-line",
    "topic": "unknown-topic",
    "champion": "unknown-champion",
    "stage": "bad-choice",
    "next_step": "bad-choice",
}


_SOURCES = {
    "service_line": "service_lines/",
    "topic": "service_lines/",
    "champion": "content/champions.yml",
    "stage": "content/guides/",
    "next_step": "service_lines/",
}

_HOW_TO_ADD = {
    "service_line": "add one with `flywheel new service-line`",
    "topic": "add one with `flywheel new topic`",
    "champion": "add the champion to content/champions.yml",
}


def _unknown(value: str, choices: list[str], what: str, field: str):
    hint = did_you_mean(value, choices) or f"choose one of: {', '.join(choices) or 'none yet'}"
    if field in _HOW_TO_ADD:
        hint += f"; or {_HOW_TO_ADD[field]}"
    return problem(_UNKNOWN_CODES[field], _SOURCES[field], f"no {what} '{value}'", field=field, hint=hint)


def _choose(choices: list[str], value: str | None, what: str, field: str, ask, optional: bool = False) -> str | None:
    """A value from `choices`: given, or asked for in a terminal, where a typo is asked again
    with its 'did you mean' instead of ending the command."""
    while True:
        if value is None and ask is not None:
            value = ask(what + (" (blank for none)" if optional else ""), choices)
        if value is None:
            if optional:
                return None
            raise FlywheelError(
                f"--{field.replace('_', '-')} is required (one of: {', '.join(choices) or 'none yet'})"
                + (f"; {_HOW_TO_ADD[field]}" if field in _HOW_TO_ADD else "")
            )
        if value in choices:
            return value
        found = _unknown(value, choices, what, field)
        if ask is None:
            raise FlywheelError([found])
        print(found.format())
        value = None


def _text(options: dict[str, Any], key: str, what: str, ask, placeholder: str | None = None) -> str | None:
    """Free text: the option, else asked for; blank gives the placeholder (or None)."""
    value = options.get(key)
    if value is None and ask is not None:
        value = ask(what, [])
    return value or placeholder


def _yes_no(options: dict[str, Any], key: str, what: str, ask) -> bool:
    if options.get(key) is not None or ask is None:
        return bool(options.get(key))
    while True:
        answer = (ask(f"{what} (y/n)", []) or "").lower()
        if answer in ("y", "yes", "n", "no"):
            return answer.startswith("y")
        print("  answer y or n")


def scaffold(project: Project, kind: str, options: dict[str, Any], ask=None, today: dt.date | None = None) -> Path:
    """Create the new file and return its path. `ask(what, choices)` prompts in a terminal.

    Every key a person must decide is asked for; nothing a person must vouch for is filled
    in (the medical review date stays empty, so `check` fails until someone writes it), and
    every placeholder starts with `TODO`, which `check` refuses to publish."""
    title = _from_question(options.get("question")) if not options.get("title") else None
    title = title or _text(options, "title", "title", ask)
    if not title:
        raise FlywheelError("--title is required")
    slug = options.get("slug") or slugify(title)
    if not SLUG_PATTERN.match(slug):
        raise FlywheelError(f"'{slug}' is not a slug (lowercase letters, digits and hyphens); pass another --slug")
    if slug in project.raw:
        raise FlywheelError([problem("duplicate-slug", project.raw[slug][1].path, f"slug '{slug}' is already used", hint="pass another --slug")])
    summary = _text(options, "summary", "summary (one line, at most 160 characters)", ask, todo(f"one line about {title}"))
    values: dict[str, Any] = {"title": title, "summary": summary}
    line_slug = _choose(sorted(project.service_lines), options.get("service_line"), "service line", "service_line", ask)
    topics = sorted(project.service_lines[line_slug].data.topics)
    if kind == "guide":
        values |= {
            "service_line": line_slug,
            "topic": _choose(topics, options.get("topic"), f"topic of {line_slug}", "topic", ask),
            "pillar": _yes_no(options, "pillar", "is this the topic's pillar guide, its complete overview?", ask),
            "stage": _choose(STAGES, options.get("stage"), "stage", "stage", ask),
            "reviewed_by": _text(options, "reviewed_by", "medical reviewer, e.g. 'A. Example, MD'", ask, todo("medical reviewer")),
            "reviewed_on": None,
            "tags": [],
        }
    else:
        champion = _choose(sorted(project.champions), options.get("champion"), "champion", "champion", ask)
        named = {e.data.consent for e in project.stories.values() if e.data.consent}
        record = options.get("consent") or _free_record_id(project, named, today or dt.date.today())
        values |= {"champion": champion, "service_line": line_slug}
        topic = _choose(topics, options.get("topic"), f"topic of {line_slug}", "topic", ask, optional=True)
        if topic:
            values["topic"] = topic
        values |= {
            "consent": record,
            "pull_quote": _text(options, "pull_quote", "pull quote, in the patient's words (blank for none)", ask, ""),
            "material_connection": _text(
                options, "material_connection",
                "anything the patient received for sharing, e.g. a discounted visit (blank for nothing)", ask, "",
            ),
            "tags": [],
        }
    steps = sorted(name for name in ("intake", "scheduling", "triage")
                   if getattr(project.service_lines[line_slug].data.care_steps, name) is not None)
    default = project.service_lines[line_slug].data.default_next_step
    next_step = _choose(steps, options.get("next_step"), f"next step (blank for the service line's {default})",
                        "next_step", ask, optional=True)
    if next_step:
        values["next_step"] = next_step
    return _create(project, FOLDERS[kind], line_slug, f"{slug}.md", render_file(kind, values))


def _create(project: Project, folder: str, sub: str, name: str, text: str) -> Path:
    target = project.root / folder / sub
    target.mkdir(parents=True, exist_ok=True)
    path = target / name
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise FlywheelError(f"{path.relative_to(project.root).as_posix()} already exists; nothing was written") from None
    return path


def _from_question(question: str | None) -> str | None:
    """A backlog question as a guide's title: 'What can I take for insomnia?' as it was asked."""
    text = " ".join((question or "").split())
    return text[:120] or None


def scaffold_service_line(project: Project, options: dict[str, Any], ask=None) -> Path:
    """A new `service_lines/<slug>.yml` with its care steps and a first topic."""
    name = _text(options, "name", "service line name, e.g. 'Cardiology'", ask)
    if not name:
        raise FlywheelError("--name is required")
    slug = options.get("slug") or slugify(name)
    if not SLUG_PATTERN.match(slug):
        raise FlywheelError(f"'{slug}' is not a slug (lowercase letters, digits and hyphens); pass another --slug")
    if slug in project.service_lines or (project.root / SERVICE_LINES_DIR / f"{slug}.yml").exists():
        raise FlywheelError(f"{SERVICE_LINES_DIR}/{slug}.yml already exists; nothing was written")
    practice = project.practice.data if project.practice else None
    fallback = practice.next_step.url if practice else None
    intake = _text(options, "intake_url", "intake form address (https://...)", ask, fallback)
    scheduling = _text(options, "scheduling_url", "booking address (https://...)", ask, fallback)
    if not intake or not scheduling:
        raise FlywheelError("--intake-url and --scheduling-url are required (or a practice.yml with next_step.url)")
    topic_title = _text(options, "topic_title", "first topic's title, e.g. 'Chest pain'", ask)
    if not topic_title:
        raise FlywheelError("--topic-title is required: a service line has at least one topic")
    values = {
        "name": name,
        "summary": _text(options, "summary", "summary (one line)", ask, todo(f"what {name} treats, in one line")),
        "default_next_step": "scheduling",
        "care_steps": {
            "intake": {"label": "Start your intake form", "url": intake},
            "scheduling": {"label": "Book a visit", "url": scheduling}
            | ({"phone": practice.phone} if practice else {}),
        },
        "topics": {slugify(topic_title): {"title": topic_title}},
        "review_interval_days": 365,
    }
    header = "# A service line: its care steps and its topics. The file name is its id.\n"
    text = header + "\n".join(commented_yaml(ServiceLine, values)) + "\n"
    return _create(project, SERVICE_LINES_DIR, "", f"{slug}.yml", text)


def topic_lines(project: Project, options: dict[str, Any], ask=None) -> tuple[str, int, str]:
    """`flywheel new topic` never edits a file it did not create: it returns the service line
    file, the line to add after, and the YAML lines to paste there."""
    line_slug = _choose(sorted(project.service_lines), options.get("service_line"), "service line", "service_line", ask)
    title = _text(options, "title", "topic title, e.g. 'Heart failure'", ask)
    if not title:
        raise FlywheelError("--title is required")
    slug = options.get("slug") or slugify(title)
    entry = project.service_lines[line_slug]
    if slug in entry.data.topics:
        raise FlywheelError(f"{entry.path} already has a topic '{slug}'")
    snippet = f"  {slug}:\n    title: {yaml_value(title)}\n"
    return entry.path, entry.line("topics"), snippet


def _free_record_id(project: Project, named: set[str], today: dt.date) -> str:
    record_id = next_record_id(project, today.year)
    number = int(record_id.rsplit("-", 1)[1])
    while record_id in named or record_id in project.consents:
        number += 1
        record_id = f"C-{today.year}-{number:03d}"
    return record_id
