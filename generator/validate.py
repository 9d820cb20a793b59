"""Stage 2, validate: documents -> records checked against the schema and against each other.

Every problem in every file is collected; nothing stops at the first one, and no file that
fails is silently skipped: it is reported and left out of the model.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from .cache import NO_CACHE, Cache
from .dates import available_timezones, time_zone
from .errors import FlywheelError, Problem, did_you_mean, problem
from .load import (
    MAX_FILE_BYTES,
    Document,
    content_files,
    link_refused,
    read_bytes,
    read_markdown,
    read_yaml_file,
    relative,
)
from .nesting import nesting_problem
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
from .yamlgen import PLACEHOLDER

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


def describe(value: Any, quote: bool = True) -> str:
    """How a YAML value looks to the person who wrote it. With `quote` off (story files: their
    text is the patient's and never appears in any output), text is described, not quoted."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str) and not quote:
        return "text"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def schema_problems(
    exc: ValidationError, model: type[Schema], doc: Document, prefix: tuple = (), quote: bool = True
) -> list[Problem]:
    """Turn pydantic's errors into catalog problems with file, line, field, expectation and hint.
    With `quote` off, no value from the file is repeated in a message or hint."""
    found = []

    def shown(value: Any) -> str:
        return describe(value, quote)

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
            close = did_you_mean(loc[-1], allowed)
            hint = close or f"allowed keys: {', '.join(sorted(allowed))}"
            if quote or close:  # a key mistyped is shown; any other key of a story may be its text
                found.append(problem("unknown-key", doc.path, f"unknown key '{loc[-1]}'", line=line, field=name, hint=hint))
            else:
                parent = ".".join(loc[:-1]) or None
                found.append(problem("unknown-key", doc.path, "unknown key (not shown: it is text, not one of the keys)",
                                     line=line, field=parent, hint=hint))
        elif kind == "literal_error":
            choices = [c.strip("'") for c in err["ctx"]["expected"].replace(" or ", ", ").split(", ")]
            found.append(
                problem(
                    "bad-choice",
                    doc.path,
                    f"expected one of {', '.join(choices)}; got {shown(value)}",
                    line=line,
                    field=_without_index(name, value),
                    hint=did_you_mean(value, choices),
                )
            )
        elif kind == "bad_date":
            found.append(
                problem("bad-date", doc.path, f"expected a date written YYYY-MM-DD, got {shown(value)}", line=line, field=name)
            )
        elif kind in _EXPECTED:
            found.append(
                problem("wrong-type", doc.path, f"expected {_EXPECTED[kind]}, got {shown(value)}", line=line, field=name)
            )
        elif kind == "string_pattern_mismatch":  # the field's description says the form
            info = _field_info(model, loc[len(prefix) :])
            form = (info.description or "").split(". ")[0].rstrip(".") if info is not None else ""
            form = form[:1].lower() + form[1:] if form else "text of another form"
            message = f"expected {form}, got {shown(value)}"
            found.append(problem("wrong-type", doc.path, message, line=line, field=name))
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


def build(
    model: type[S], data: dict, doc: Document, problems: list[Problem], prefix: tuple = (), quote: bool = True
) -> S | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(schema_problems(exc, model, doc, prefix, quote))
        return None


def _read(reader, path: Path, root: Path, problems: list[Problem], cache: Cache = NO_CACHE) -> Document | None:
    try:
        return reader(path, root, cache)
    except FlywheelError as exc:
        problems.extend(exc.problems)
        return None


def _read_alone(path: Path, project: Project) -> Document | None:
    """A file read on its own, not found by `content_files` (practice.yml, champions.yml): a
    link is followed only where a content folder's would be (`link_refused`)."""
    if path.is_symlink() and (refused := link_refused(path, project.root)):
        project.problems.append(refused)
        return None
    return _read(read_yaml_file, path, project.root, project.problems, project.cache)


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
    """(id, document) of every readable YAML file in `folder` whose name is a valid id.

    An id must be unique across the folder's whole tree: two files with one id (say
    `consent/C-1.yml` and `consent/archive/C-1.yml`) are an error naming both, and neither is
    used, so an old copy can never stand in for the record that holds a revocation."""
    paths = _listing(project, folder, ".yml", {".yaml": ".yml"})
    for stem, group in _by_id(project, paths, what):
        path = group[0]
        doc = _read(read_yaml_file, path, project.root, project.problems, project.cache)
        if doc is not None and _check_slug(stem, doc.path, project.problems, pattern, what):
            yield stem, doc


# Other extensions of Markdown and YAML files, read without regard to case: a file ending in one
# (or in `.md`/`.yml` in other case: `.MD`, `.Yml`) would be skipped without a word (rt7).
_OTHER_EXTENSIONS = {
    ".md": (".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".mdtxt", ".mdtext"),
    ".yml": (".yaml",),
}


def _listing(project: Project, folder: str, suffix: str, wrong: dict[str, str]) -> list[Path]:
    """Files ending in `suffix` under `folder`; files ending in a `wrong` suffix, another
    extension of their kind (`_OTHER_EXTENSIONS`), or `suffix` in other case are errors (they
    would otherwise be skipped without a word). consent/ reports its own (`_note_unusable_consents`)."""
    paths, unsafe = content_files(project.root, folder, suffix)
    project.problems.extend(unsafe)
    others = tuple(wrong) + _OTHER_EXTENSIONS.get(suffix, ())
    good = next(iter(wrong.values()), suffix)
    for path in content_files(project.root, folder, "")[0]:
        name, rel = path.name.casefold(), relative(path, project.root)
        if path.name.endswith(suffix):
            continue
        if name.endswith(suffix) and folder != CONSENT_DIR:
            project.problems.append(problem(
                "extension-case", rel, f"only files ending in '{suffix}' (in lower case) are read; this file is ignored",
                hint=f"rename it to end in '{good}'",
            ))
        elif bad := next((other for other in others if name.endswith(other)), None):
            if folder == CONSENT_DIR and not path.name.endswith(bad):
                continue  # `C-1.YAML`: reported where consent files are read
            project.problems.append(problem(
                "wrong-extension", rel, f"'{bad}' files are not read; this file is ignored",
                hint=f"rename it to end in '{good}'",
            ))
    return paths


def _by_id(project: Project, paths: list[Path], what: str):
    """(id, [path]) per id; ids held by more than one file (ignoring case) are reported and
    left out entirely, and remembered in `project.duplicates`."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        groups[path.stem.casefold()].append(path)
    for group in groups.values():
        if len(group) == 1:
            yield group[0].stem, group
            continue
        rels = [relative(p, project.root) for p in group]
        for path, rel in zip(group, rels, strict=True):
            others = ", ".join(r for r in rels if r != rel)
            project.problems.append(
                problem(
                    "duplicate-id",
                    rel,
                    f"{what} '{path.stem}' is also used by {others}; neither file is used",
                    line=1,
                    hint="keep one file per id: move old copies out of the project, or give the file its own id",
                )
            )
            project.duplicates.add(path.stem)


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
        bad_topic = False
        for topic_slug, topic in line.topics.items():
            if not SLUG_PATTERN.match(topic_slug):
                bad_topic = True
                problems.append(
                    field_problem(
                        "bad-slug",
                        doc,
                        ("topics", topic_slug),
                        "topic slug must be lowercase letters, digits and hyphens",
                    )
                )
            _check_summary(topic.summary, doc, ("topics", topic_slug, "summary"), problems)
            if topic.triage is not None:
                _check_url(topic.triage.url, doc, ("topics", topic_slug, "triage", "url"), problems)
        if not bad_topic:  # topic slugs become folders: a line with a bad one is not used
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
    doc = _read_alone(path, project)
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
    problems = len(project.problems)
    try:
        _load_champions(project, path)
    finally:
        # A file linked out of the project is not read at all (`_read_alone`).
        if len(project.problems) > problems and path.resolve().is_relative_to(project.root.resolve()):
            # Every story of a champion not loaded is withheld, but its page showed the name and
            # bio: the page checks still look for them (`leaks.unusable_champion_values`, rt8).
            try:
                project.unusable_champions = _read_any_way(read_bytes(path)[:MAX_FILE_BYTES])
            except OSError:
                pass


def _load_champions(project: Project, path: Path) -> None:
    doc = _read_alone(path, project)
    if doc is None:
        return
    for champion_id, data in doc.data.items():
        champion_id = str(champion_id)
        if not SLUG_PATTERN.match(champion_id):
            # Ids become page addresses and preview file names: a '../' id would write elsewhere.
            project.problems.append(
                field_problem(
                    "bad-slug",
                    doc,
                    (champion_id,),
                    "champion id must be lowercase letters, digits and hyphens",
                    hint="e.g. 'maria-l'",
                )
            )
            continue
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
        champion = build(Champion, data, doc, project.problems, prefix=(champion_id,), quote=False)
        if champion is not None:
            _check_summary(champion.bio, doc, (champion_id, "bio"), project.problems)
            project.champions[champion_id] = Entry(champion_id, champion, doc)


def load_consents(project: Project) -> None:
    for record_id, doc in _yaml_records(project, CONSENT_DIR, RECORD_ID_PATTERN, "record id"):
        record = build(ConsentRecord, doc.data, doc, project.problems)
        if record is not None:
            project.consents[record_id] = Entry(record_id, record, doc)
    _note_unusable_consents(project)


_SLUG_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")


def _slug_words(text: str) -> frozenset[str]:
    """The slug-like words of `text`, read with every dash a keyboard or a word processor types
    (a non-breaking hyphen, an en dash, a fullwidth hyphen: NFKC, then Unicode's dash
    punctuation) and an underscore as "-", and characters nobody sees (a soft hyphen, a
    zero-width space) dropped: `a_racing_heart`, or the slug typed with non-breaking hyphens,
    in a record that cannot be used split into words, so the file named no story and its revocation
    reached none (red team rt5)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii() or "_" in text:
        text = "".join(
            "-" if char == "_" or char == "\u2212" or unicodedata.category(char) == "Pd"
            else "" if unicodedata.category(char) == "Cf" else char
            for char in text
        )
    return frozenset(_SLUG_WORD.findall(text.casefold()))


_YAML_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|\r?\n[ \t]*)")


def _yaml_unescaped(text: str) -> str:
    """`text` and, after it, the same text with the escapes of YAML's double-quoted scalars
    decoded (`a\\u002dracing\\x2dheart`, a line broken with a backslash): how a slug may be
    spelt in a file that cannot be parsed."""
    if "\\" not in text:
        return text

    def decode(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2) or match.group(3)
        if code is None:
            return ""
        try:
            return chr(int(code, 16))
        except (ValueError, OverflowError):
            return " "

    return text + "\n" + _YAML_ESCAPE.sub(decode, text)


def _note_unusable_consents(project: Project) -> None:
    """The slug-like words of every consent file that cannot be used (a record with a YAML
    error, one whose id another file holds too, a `.yaml` file, any other file), in
    `project.unusable_consents`: the gate withholds any story such a file names, however it
    is written (`story: x`, a flow mapping, a folded line), since the file may hold its
    revocation; so does a file whose name does not end in `.yml` (`C-1.YML`, `C-1.yml.txt`,
    `C-1`), which is an error besides. An entry whose text cannot be read at all (a dangling or looping link, a link
    out of the project, a folder with a record's name, a folder or file without permission)
    may name any story: its words are None. The files' own errors are reported where they
    are found."""
    used = {entry.doc.path for entry in project.consents.values()}
    paths, refused = content_files(project.root, CONSENT_DIR, "")
    paths += content_files(project.root, CONSENT_DIR, ".yml")[0]  # folders named like a record
    for found in refused:
        project.unusable_consents[found.path] = None
    for path in paths:
        rel = relative(path, project.root)
        if rel in used or rel in project.unusable_consents or _ignorable(path.name):
            continue
        if not path.name.endswith((".yml", ".yaml")):  # `.yaml` is reported where records are listed
            project.problems.append(
                problem(
                    "wrong-extension",
                    rel,
                    "only '.yml' files in consent/ are read; this file is ignored, and every story it "
                    "names is withheld while it is here",
                    hint="a consent record is named <record-id>.yml (rename it); anything else belongs outside consent/",
                )
            )
        try:
            text = _read_any_way(read_bytes(path)[:MAX_FILE_BYTES])
        except OSError:  # a folder named like a record, a named pipe, no permission
            project.unusable_consents[rel] = None
            continue
        project.unusable_consents[rel] = _slug_words(_yaml_unescaped(text))


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _read_any_way(raw: bytes) -> str:
    """The text of a consent file that cannot be used, read every way it may have been saved:
    as UTF-8, as the encoding its byte order mark names, and, when it holds NUL bytes, as UTF-16
    of either byte order and with the NULs dropped (UTF-16 or UTF-32 of ASCII text, with or
    without a mark). Read as UTF-8 alone, a record saved by Windows PowerShell's `>` or
    Notepad's "Unicode" (UTF-16) named no story, so its revocation reached none (red team rt6)."""
    texts = [raw.decode("utf-8", "replace")]
    texts += [raw.decode(codec, "replace") for bom, codec in _BOMS if raw.startswith(bom)][:1]
    if b"\0" in raw:
        texts += [raw.decode("utf-16-le", "replace"), raw.decode("utf-16-be", "replace"),
                  raw.replace(b"\0", b"").decode("utf-8", "replace")]
    return "\n".join(texts)


# Files of consent/ that hold no record whatever they say: a folder's placeholder, git's own,
# an operating system's. Any other name is read, a dot file too (`.C-1` hides nothing).
_NO_RECORD = frozenset({".gitkeep", ".keep", ".gitignore", ".gitattributes", ".DS_Store", "Thumbs.db", "desktop.ini"})


def _ignorable(name: str) -> bool:
    return name in _NO_RECORD


_GUIDE_ONLY = ("reviewed_by", "reviewed_on", "stage", "pillar")
_STORY_ONLY = ("champion", "consent", "pull_quote", "material_connection")


def _misplaced(kind: str, data: dict, doc: Document, problems: list[Problem]) -> bool:
    """A guide in the stories folder (or a story among guides) gets one clear error instead of
    a list of missing and unknown keys."""
    looks_other = (
        any(k in data for k in _GUIDE_ONLY) and not any(k in data for k in _STORY_ONLY)
        if kind == "story"
        else any(k in data for k in _STORY_ONLY) and not any(k in data for k in _GUIDE_ONLY)
    )
    if not looks_other:
        return False
    other, folder = ("guide", GUIDES_DIR) if kind == "story" else ("story", STORIES_DIR)
    problems.append(
        problem(
            "misplaced-content",
            doc.path,
            f"this file looks like a {other} (its keys are a {other}'s) but sits among {kind}s",
            line=1,
            hint=f"move it under {folder}/",
        )
    )
    return True


def _misfiled(data: dict, doc: Document, kind_dir: str, project: Project) -> None:
    """A piece in the folder of one service line that names another: a warning saying where."""
    folder = doc.path.removeprefix(kind_dir + "/").split("/")[0]
    named = data.get("service_line")
    if isinstance(named, str) and named != folder and {folder, named} <= project.service_lines.keys():
        project.problems.append(
            field_problem(
                "misfiled-content",
                doc,
                ("service_line",),
                f"filed under {kind_dir}/{folder}/ but its service_line is '{named}'",
                hint=f"move it to {kind_dir}/{named}/, or correct service_line",
            )
        )


def load_pieces(
    project: Project,
    paths: list[Path],
    kind: str,
    model: type[S],
    into: dict[str, Entry[S]],
    reach: Callable[[Path], None] = lambda path: None,
) -> None:
    """Load and validate every guide or story; `reach(path)` waits until the prefetch has
    filed that file's cache entries."""
    root, problems = project.root, project.problems
    kind_dir = GUIDES_DIR if kind == "guide" else STORIES_DIR
    for path in paths:
        reach(path)
        doc = _read(read_markdown, path, root, problems, project.cache)
        if doc is None or not _check_slug(path.stem, doc.path, problems):
            # Listed as withheld like any piece with errors, by its file name (when the name is a
            # slug: any other name could be the patient's words), never its text.
            if SLUG_PATTERN.match(path.stem):
                project.invalid.setdefault(path.stem, (kind, relative(path, root)))
            continue
        slug = path.stem
        if slug in project.raw or slug in project.invalid:
            first = project.raw[slug][1].path if slug in project.raw else project.invalid[slug][1]
            problems.append(
                problem(
                    "duplicate-slug",
                    doc.path,
                    f"slug '{slug}' is already used by {first}; neither file is published",
                    line=1,
                    hint="rename one of the files; slugs are unique across all content",
                )
            )
            project.duplicates.add(slug)
            continue
        if _misplaced(kind, doc.data, doc, problems):
            project.invalid[slug] = (kind, doc.path)
            continue
        _misfiled(doc.data, doc, kind_dir, project)
        project.raw[slug] = (kind, doc, doc.data)
        placeholder = _placeholders(doc, problems)
        if (deep := nesting_problem(doc.body)) is not None:
            offset, what = deep
            problems.append(
                problem(
                    "too-deeply-nested",
                    doc.path,
                    f"the text {what}; it cannot be rendered safely",
                    line=doc.body_line + offset,
                    hint="flatten the lists or close the brackets",
                )
            )
            project.invalid[slug] = (kind, doc.path)
            continue
        if isinstance(doc.data.get("summary"), str):
            _check_summary(doc.data["summary"], doc, ("summary",), problems)
        if placeholder:
            project.placeholders.add(slug)
        piece = build(model, doc.data, doc, problems, quote=kind != "story")
        if piece is None:
            project.invalid[slug] = (kind, doc.path)
        else:
            into[slug] = Entry(slug, piece, doc)


_PLACEHOLDER = re.compile(rf"\b{PLACEHOLDER}\b")


def _placeholders(doc: Document, problems: list[Problem]) -> bool:
    """A scaffold's `TODO` left in any value or in the text: an error, so it never publishes
    ("Medically reviewed by TODO")."""
    found = False
    for key, value in doc.data.items() if isinstance(doc.data, dict) else ():
        values = value if isinstance(value, list) else [value]
        # `in` first: the word-bounded search has no literal prefix to skip ahead with.
        if any(isinstance(v, str) and PLACEHOLDER in v and _PLACEHOLDER.search(v) for v in values):
            found = True
            problems.append(
                field_problem(
                    "placeholder",
                    doc,
                    (str(key),),
                    f"still holds the placeholder {PLACEHOLDER}",
                    hint="write the real value; nothing with a placeholder is published",
                )
            )
    if PLACEHOLDER in doc.body and (match := _PLACEHOLDER.search(doc.body)) is not None:
        found = True
        problems.append(
            problem(
                "placeholder",
                doc.path,
                f"the text still holds the placeholder {PLACEHOLDER}",
                line=doc.body_line + doc.body.count("\n", 0, match.start()),
                hint="write the real text; nothing with a placeholder is published",
            )
        )
    return found


def _drop_duplicates(project: Project) -> None:
    """A slug held by two pieces publishes neither: both become invalid."""
    for slug in project.duplicates:
        for kind, pieces in (("guide", project.guides), ("story", project.stories)):
            entry = pieces.pop(slug, None)
            if entry is not None:
                project.invalid[slug] = (kind, entry.path)


def check_stray_content(project: Project) -> None:
    """Markdown under content/ that no stage reads is an error saying where it belongs."""
    content = project.root / "content"
    read = (project.root / GUIDES_DIR, project.root / STORIES_DIR)
    markdown = (".md", *_OTHER_EXTENSIONS[".md"])
    # The two folders that are read are not walked again: nothing under them is reported.
    for path in content_files(project.root, "content", "", skip=read)[0]:
        if path.is_relative_to(read[0]) or path.is_relative_to(read[1]):
            continue
        if not path.name.casefold().endswith(markdown):  # `.MD` too (rt7)
            continue
        if path.name.casefold() == "readme.md" and path.parent == content:
            continue  # the folder's own explanation, not content
        project.problems.append(
            problem(
                "misplaced-content",
                relative(path, project.root),
                "Markdown here is never read: content lives in content/guides/ or content/stories/",
                hint="move guides under content/guides/<service line>/ and stories under "
                "content/stories/<service line>/",
            )
        )


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def _id_text(data: dict, key: str) -> str | None:
    """A reference as written, if it has the shape of an id. Anything else is reported as
    "not an id" rather than quoted: in a story file it could be the patient's words."""
    value = _text(data, key)
    if value is None:
        return None
    return value if RECORD_ID_PATTERN.match(value) else "(text that is not an id)"


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
        line_slug, topic, next_step = _id_text(data, "service_line"), _id_text(data, "topic"), _text(data, "next_step")
        line = lines.get(line_slug) if line_slug else None
        if (
            line_slug
            and line is None
            and f"{SERVICE_LINES_DIR}/{line_slug}.yml" not in broken_files
            and line_slug not in project.duplicates
        ):
            problems.append(
                field_problem(
                    "unknown-service-line",
                    doc,
                    ("service_line",),
                    f"no service line '{line_slug}' in {SERVICE_LINES_DIR}/",
                    hint=(did_you_mean(line_slug, lines) or f"service lines: {', '.join(sorted(lines)) or 'none yet'}")
                    + "; or add one with `flywheel new service-line`",
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
        topic_triage = line is not None and topic in line.data.topics and line.data.topics[topic].triage
        if line is not None and next_step == "triage" and not line.data.urgent and not topic_triage:
            problems.append(
                field_problem(
                    "next-step-unavailable",
                    doc,
                    ("next_step",),
                    f"next_step is 'triage' but service line '{line_slug}' has no triage care step",
                    hint="use intake or scheduling, or give the topic its own triage step",
                )
            )
        if kind != "story":
            continue
        champion, consent = _id_text(data, "champion"), _id_text(data, "consent")
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
        if (
            consent
            and consent not in project.consents
            and record_file not in broken_files
            and consent not in project.duplicates
        ):
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
            revokes = entry.data.revoked_on is not None
            problems.append(
                problem(
                    "revocation-unknown-story" if revokes else "unknown-story",
                    entry.path,
                    f"no story '{entry.data.story}' in {STORIES_DIR}/"
                    + ("; a revocation must name the story it ends (stories with a close slug are withheld until it does)" if revokes else ""),
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


def _prefetch(cache: Cache, root: Path, guides: list[Path], stories: list[Path]):
    """The prefetch's pool for these files, giving `reach(path)` in a `with` statement; without
    a cache, nothing to wait for (and multiprocessing is not even loaded)."""
    if not cache.enabled:
        return nullcontext(lambda path: None)
    from .prefetch import prefetch

    return prefetch(cache, root, guides, stories)


def validate(root: Path, cache: Cache = NO_CACHE) -> Project:
    """Load and validate everything under `root`. Problems are collected, never raised."""
    project = Project(root=Path(root), cache=cache)
    # Pieces are listed first so that the prefetch's workers parse and grade them while this
    # process loads the practice, service lines, champions and consents (the problems are
    # sorted by file below, so the order they are found in does not show).
    guides = _listing(project, GUIDES_DIR, ".md", {".markdown": ".md"})
    stories = _listing(project, STORIES_DIR, ".md", {".markdown": ".md"})
    with _prefetch(cache, project.root, guides, stories) as reach:
        load_practice(project)
        load_service_lines(project)
        load_champions(project)
        load_consents(project)
        load_pieces(project, guides, "guide", Guide, project.guides, reach)
        load_pieces(project, stories, "story", Story, project.stories, reach)
    _drop_duplicates(project)
    check_stray_content(project)
    check_references(project)
    check_pillars(project)
    from .campaigns import load_campaigns  # campaigns reuses this module's checks

    load_campaigns(project)
    project.problems.sort(key=lambda p: (p.path, p.line or 0, p.code))
    return project


__all__ = ["relative", "validate"]
