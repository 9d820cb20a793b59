"""Stage 2, validate: documents -> records checked against the schema and against each other.

Every problem in every file is collected; nothing stops at the first one, and no file that
fails is silently skipped: it is reported and left out of the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from .dates import available_timezones, time_zone
from .cache import NO_CACHE, Cache
from .errors import FlywheelError, Problem, did_you_mean, problem
from .load import Document, content_files, read_markdown, read_yaml_file, relative
from .project import Entry, Project
from .schema import (
    RECORD_ID_PATTERN,
    SLUG_PATTERN,
    SUMMARY_MAX,
    Champion,
    ConsentRecord,
    Guide,
    Practice,
    Schema,
    ServiceLine,
    Story,
)

S = TypeVar("S", bound=Schema)

GUIDES_DIR = "content/guides"
STORIES_DIR = "content/stories"
CHAMPIONS_FILE = "content/champions.yml"
SERVICE_LINES_DIR = "service_lines"
CONSENT_DIR = "consent"
PRACTICE_FILE = "practice.yml"

_EXPECTED = {
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of 'key: value' lines",
    "model_type": "a mapping of 'key: value' lines",
    "model_attributes_type": "a mapping of 'key: value' lines",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
}


def describe(value: Any) -> str:
    """How a YAML value looks to the person who wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def schema_problems(exc: ValidationError, model: type[Schema], doc: Document, prefix: tuple = ()) -> list[Problem]:
    """Turn pydantic's errors into catalog problems with file, line, field, expectation and hint."""
    found = []
    for err in exc.errors():
        loc = prefix + tuple(str(part) for part in err["loc"])
        name = ".".join(loc)
        line = doc.line_of(loc)
        kind, value = err["type"], err.get("input")
        if kind == "missing":
            info = _field_info(model, loc[len(prefix) :])
            hint = f"add '{loc[-1]}': {info.description}" if info is not None and info.description else None
            found.append(problem("missing-key", doc.path, f"missing required key '{loc[-1]}'", line=line, field=name, hint=hint))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(model, loc[len(prefix) : -1])
            hint = did_you_mean(loc[-1], allowed) or f"allowed keys: {', '.join(sorted(allowed))}"
            found.append(problem("unknown-key", doc.path, f"unknown key '{loc[-1]}'", line=line, field=name, hint=hint))
        elif kind == "literal_error":
            choices = [c.strip("'") for c in err["ctx"]["expected"].replace(" or ", ", ").split(", ")]
            found.append(
                problem(
                    "bad-choice",
                    doc.path,
                    f"expected one of {', '.join(choices)}; got {describe(value)}",
                    line=line,
                    field=_without_index(name, value),
                    hint=did_you_mean(value, choices),
                )
            )
        elif kind == "bad_date":
            found.append(
                problem("bad-date", doc.path, f"expected a date written YYYY-MM-DD, got {describe(value)}", line=line, field=name)
            )
        elif kind in _EXPECTED:
            found.append(
                problem("wrong-type", doc.path, f"expected {_EXPECTED[kind]}, got {describe(value)}", line=line, field=name)
            )
        elif kind == "string_too_short":
            found.append(problem("wrong-type", doc.path, "must not be empty", line=line, field=name))
        else:
            found.append(problem("wrong-type", doc.path, err["msg"], line=line, field=name))
    return found


def _without_index(name: str, value: Any) -> str:
    # 'scope.1' reads better as 'scope' when the message already shows the bad value.
    head, _, tail = name.rpartition(".")
    return head if head and tail.isdigit() else name


def _walk_model(model: type[Schema], keys: Iterable[str]):
    """Follow `keys` through nested models, returning the model reached or None."""
    current: Any = model
    for key in keys:
        if not (isinstance(current, type) and issubclass(current, Schema)):
            return None
        info = current.model_fields.get(key)
        if info is None:
            return None
        current = _model_in(info.annotation)
    return current


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Schema):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _allowed_keys(model: type[Schema], parent: tuple) -> list[str]:
    # dict-valued fields (topics) put a free key in the path: skip it when walking.
    reached = _walk_model(model, parent)
    if reached is None and parent:
        reached = _walk_model(model, parent[:-1])
        reached = _walk_model(reached, ()) if reached else None
    return list(reached.model_fields) if reached else []


def _field_info(model: type[Schema], loc: tuple):
    parent = _walk_model(model, loc[:-1])
    if parent is None and len(loc) > 1:
        parent = _walk_model(model, loc[:-2])
    return parent.model_fields.get(loc[-1]) if parent else None


def build(model: type[S], data: dict, doc: Document, problems: list[Problem], prefix: tuple = ()) -> S | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, model, doc, prefix))
        return None


def _read(reader, path: Path, root: Path, problems: list[Problem], cache: Cache = NO_CACHE) -> Document | None:
    try:
        return reader(path, root, cache)
    except FlywheelError as exc:
        problems.extend(exc.problems)
        return None


def _check_slug(slug: str, path: str, problems: list[Problem], pattern=SLUG_PATTERN, what="slug") -> bool:
    if pattern.match(slug):
        return True
    problems.append(
        problem(
            "bad-slug",
            path,
            f"{what} '{slug}' (the file name) must be lowercase letters, digits and hyphens",
            line=1,
            hint="rename the file, e.g. 'chest-pain-when-to-worry.md'",
        )
    )
    return False


def field_problem(code: str, doc: Document, keys: tuple, message: str, hint: str | None = None) -> Problem:
    """A problem at a key of a document: its line and dotted field name come from the keys."""
    return problem(code, doc.path, message, line=doc.line_of(keys), field=".".join(keys), hint=hint)


def _check_summary(text: str | None, doc: Document, keys: tuple, problems: list[Problem]) -> None:
    if text and len(text) > SUMMARY_MAX:
        problems.append(
            field_problem(
                "summary-too-long",
                doc,
                keys,
                f"expected at most {SUMMARY_MAX} characters, got {len(text)}",
                hint="shorten it; listings and search results cut long summaries",
            )
        )


def _check_url(url: str | None, doc: Document, keys: tuple, problems: list[Problem]) -> None:
    if url is None:
        return
    if url.startswith("https://") or (url.startswith("/") and not url.startswith("//")):
        return
    problems.append(
        field_problem(
            "bad-url",
            doc,
            keys,
            f"expected an https: URL or a site-relative path starting with '/', got {describe(url)}",
            hint="use https:// (never http:, javascript: or data:)",
        )
    )


def _yaml_records(project: Project, folder: str, pattern=SLUG_PATTERN, what: str = "slug"):
    """(id, document) of every readable YAML file in `folder` whose name is a valid id."""
    paths, unsafe = content_files(project.root, folder, ".yml")
    project.problems.extend(unsafe)
    for path in paths:
        doc = _read(read_yaml_file, path, project.root, project.problems, project.cache)
        if doc is not None and _check_slug(path.stem, doc.path, project.problems, pattern, what):
            yield path.stem, doc


def load_service_lines(project: Project) -> None:
    problems = project.problems
    for slug, doc in _yaml_records(project, SERVICE_LINES_DIR, what="service line slug"):
        line = build(ServiceLine, doc.data, doc, problems)
        if line is None:
            continue
        _check_summary(line.summary, doc, ("summary",), problems)
        for step_name in ("intake", "scheduling", "urgent", "triage"):
            step = getattr(line.care_steps, step_name)
            if step is None:
                continue
            keys = ("care_steps", step_name)
            _check_url(step.url, doc, keys + ("url",), problems)
            if step_name in ("intake", "scheduling") and not step.url:
                problems.append(
                    field_problem("missing-key", doc, keys + ("url",), "missing required key 'url'")
                )
        if line.default_next_step == "triage" and not line.urgent:
            problems.append(
                field_problem(
                    "next-step-unavailable",
                    doc,
                    ("default_next_step",),
                    "default_next_step is 'triage' but the service line has no triage care step",
                )
            )
        for topic_slug, topic in line.topics.items():
            if not SLUG_PATTERN.match(topic_slug):
                problems.append(
                    field_problem(
                        "bad-slug",
                        doc,
                        ("topics", topic_slug),
                        f"topic slug '{topic_slug}' must be lowercase letters, digits and hyphens",
                    )
                )
            _check_summary(topic.summary, doc, ("topics", topic_slug, "summary"), problems)
            if topic.triage is not None:
                _check_url(topic.triage.url, doc, ("topics", topic_slug, "triage", "url"), problems)
        project.service_lines[slug] = Entry(slug, line, doc)


def load_practice(project: Project) -> None:
    """`practice.yml`: optional, but without it the gate's 'today' is the date in UTC."""
    path = project.root / PRACTICE_FILE
    if not path.exists():
        project.problems.append(
            problem(
                "practice-missing",
                PRACTICE_FILE,
                "no practice.yml: pages get no practice frame and the consent gate uses the date in UTC",
                hint="add practice.yml with the practice's name, phone and timezone (see docs/reference.md)",
            )
        )
        return
    doc = _read(read_yaml_file, path, project.root, project.problems, project.cache)
    if doc is None:
        return
    practice = build(Practice, doc.data, doc, project.problems)
    if practice is None:
        return
    if time_zone(practice.timezone) is None:
        project.problems.append(
            field_problem(
                "bad-timezone",
                doc,
                ("timezone",),
                f"unknown time zone {describe(practice.timezone)}",
                hint=did_you_mean(practice.timezone, available_timezones())
                or "use an IANA name such as 'America/Chicago'",
            )
        )
        return
    _check_url(practice.next_step.url, doc, ("next_step", "url"), project.problems)
    project.practice = Entry(PRACTICE_FILE, practice, doc)


def load_champions(project: Project) -> None:
    path = project.root / CHAMPIONS_FILE
    if not path.exists():
        return
    doc = _read(read_yaml_file, path, project.root, project.problems, project.cache)
    if doc is None:
        return
    for champion_id, data in doc.data.items():
        champion_id = str(champion_id)
        if not isinstance(data, dict):
            project.problems.append(
                field_problem(
                    "wrong-type",
                    doc,
                    (champion_id,),
                    f"expected a mapping with name and bio, got {describe(data)}",
                )
            )
            continue
        champion = build(Champion, data, doc, project.problems, prefix=(champion_id,))
        if champion is not None:
            _check_summary(champion.bio, doc, (champion_id, "bio"), project.problems)
            project.champions[champion_id] = Entry(champion_id, champion, doc)


def load_consents(project: Project) -> None:
    for record_id, doc in _yaml_records(project, CONSENT_DIR, RECORD_ID_PATTERN, "record id"):
        record = build(ConsentRecord, doc.data, doc, project.problems)
        if record is not None:
            project.consents[record_id] = Entry(record_id, record, doc)


def load_pieces(
    project: Project, listing: tuple[list[Path], list[Problem]], kind: str, model: type[S], into: dict[str, Entry[S]]
) -> None:
    root, problems = project.root, project.problems
    paths, unsafe = listing
    problems.extend(unsafe)
    for path in paths:
        doc = _read(read_markdown, path, root, problems, project.cache)
        if doc is None or not _check_slug(path.stem, doc.path, problems):
            continue
        slug = path.stem
        if slug in project.raw:
            problems.append(
                problem(
                    "duplicate-slug",
                    doc.path,
                    f"slug '{slug}' is already used by {project.raw[slug][1].path}",
                    line=1,
                    hint="rename one of the files; slugs are unique across all content",
                )
            )
            continue
        project.raw[slug] = (kind, doc, doc.data)
        if isinstance(doc.data.get("summary"), str):
            _check_summary(doc.data["summary"], doc, ("summary",), problems)
        piece = build(model, doc.data, doc, problems)
        if piece is None:
            project.invalid[slug] = (kind, doc.path)
        else:
            into[slug] = Entry(slug, piece, doc)


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def check_references(project: Project) -> None:
    """Check what pieces name, from their raw frontmatter, so a piece with a schema error
    still has its references checked in the same run."""
    problems = project.problems
    lines = project.service_lines
    broken_files = {p.path for p in problems}
    records_of: dict[str, list[str]] = defaultdict(list)  # story slug -> ids of its consent records
    for record_id, record in project.consents.items():
        records_of[record.data.story].append(record_id)
    for slug, (kind, doc, data) in project.raw.items():
        line_slug, topic, next_step = _text(data, "service_line"), _text(data, "topic"), _text(data, "next_step")
        line = lines.get(line_slug) if line_slug else None
        if line_slug and line is None and f"{SERVICE_LINES_DIR}/{line_slug}.yml" not in broken_files:
            problems.append(
                field_problem(
                    "unknown-service-line",
                    doc,
                    ("service_line",),
                    f"no service line '{line_slug}' in {SERVICE_LINES_DIR}/",
                    hint=did_you_mean(line_slug, lines),
                )
            )
        if line is not None and topic is not None and topic not in line.data.topics:
            problems.append(
                field_problem(
                    "unknown-topic",
                    doc,
                    ("topic",),
                    f"service line '{line_slug}' has no topic '{topic}'",
                    hint=did_you_mean(topic, line.data.topics)
                    or f"topics of {line_slug}: {', '.join(sorted(line.data.topics))}",
                )
            )
        if line is not None and next_step == "triage" and not line.data.urgent:
            problems.append(
                field_problem(
                    "next-step-unavailable",
                    doc,
                    ("next_step",),
                    f"next_step is 'triage' but service line '{line_slug}' has no triage care step",
                    hint="use intake or scheduling",
                )
            )
        if kind != "story":
            continue
        champion, consent = _text(data, "champion"), _text(data, "consent")
        if champion and champion not in project.champions:
            problems.append(
                field_problem(
                    "unknown-champion",
                    doc,
                    ("champion",),
                    f"no champion '{champion}' in {CHAMPIONS_FILE}",
                    hint=did_you_mean(champion, project.champions),
                )
            )
        record_file = f"{CONSENT_DIR}/{consent}.yml"
        if consent and consent not in project.consents and record_file not in broken_files:
            problems.append(
                field_problem(
                    "consent-unknown-record",
                    doc,
                    ("consent",),
                    f"no consent record '{consent}' in {CONSENT_DIR}/ (yet); the story is withheld",
                    hint=did_you_mean(consent, records_of.get(slug, [])),
                )
            )
    stories = {slug for slug, (kind, _, _) in project.raw.items() if kind == "story"}
    for entry in project.consents.values():
        if entry.data.story not in stories:
            problems.append(
                problem(
                    "unknown-story",
                    entry.path,
                    f"no story '{entry.data.story}' in {STORIES_DIR}/",
                    line=entry.line("story"),
                    field="story",
                    hint=did_you_mean(entry.data.story, stories),
                )
            )


def check_pillars(project: Project) -> None:
    by_topic: dict[tuple[str, str], list[Entry[Guide]]] = defaultdict(list)
    for entry in project.guides.values():
        guide = entry.data
        line = project.service_lines.get(guide.service_line)
        if guide.draft or line is None or guide.topic not in line.data.topics:
            continue
        by_topic[(guide.service_line, guide.topic)].append(entry)
    for (line_slug, topic), guides in sorted(by_topic.items()):
        pillars = [g for g in guides if g.data.pillar]
        where = project.service_lines[line_slug]
        if not pillars:
            project.problems.append(
                problem(
                    "no-pillar",
                    where.path,
                    f"topic '{topic}' has {len(guides)} guide(s) but no pillar guide",
                    line=where.line("topics", topic),
                    field=f"topics.{topic}",
                    hint=f"set 'pillar: true' in one of: {', '.join(g.path for g in guides)}",
                )
            )
        for extra in pillars[1:]:
            project.problems.append(
                problem(
                    "two-pillars",
                    extra.path,
                    f"topic '{topic}' already has a pillar guide: {pillars[0].path}",
                    line=extra.line("pillar"),
                    field="pillar",
                    hint="set 'pillar: false' in all but one guide of the topic",
                )
            )


def validate(root: Path, cache: Cache = NO_CACHE) -> Project:
    """Load and validate everything under `root`. Problems are collected, never raised."""
    project = Project(root=Path(root), cache=cache)
    load_practice(project)
    load_service_lines(project)
    load_champions(project)
    load_consents(project)
    guides = content_files(project.root, GUIDES_DIR, ".md")
    stories = content_files(project.root, STORIES_DIR, ".md")
    if cache.enabled:
        from .prefetch import prefetch

        prefetch(cache, project.root, guides[0], stories[0])
    load_pieces(project, guides, "guide", Guide, project.guides)
    load_pieces(project, stories, "story", Story, project.stories)
    check_references(project)
    check_pillars(project)
    project.problems.sort(key=lambda p: (p.path, p.line or 0, p.code))
    return project


__all__ = ["relative", "validate"]
