"""Measuring the flywheel (contract v2): `outcomes/*.csv`, `outcomes/pageviews*.csv` and
`questions/*.csv`, read into weekly counts.

Counts, never people. A file with a column that could identify a person is refused before any
row is read, a question that could identify a person is left out (the story scan reads it),
and no error message ever quotes a cell: problems name the file, line and column.
Only the aggregates leave this module; no input row is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem, did_you_mean, problem
from .load import read_bytes

OUTCOMES_DIR = "outcomes"
QUESTIONS_DIR = "questions"
MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_FIELD = 1024 * 1024  # csv's own limit, raised: a larger field is a csv-syntax error
QUESTION_MAX = 300
OUTCOME_STEPS = ("intake", "scheduling", "urgent", "triage")

OUTCOME_COLUMNS = ("week", "utm_campaign", "utm_content", "care_step", "started", "completed", "attended")
PAGEVIEW_COLUMNS = ("week", "path", "views")
QUESTION_COLUMNS = ("week", "service_line", "question", "count", "source")
COUNTS = ("started", "completed", "attended")

# Header words that could identify a person, matched against the header's words and against
# the header with separators removed ("E-mail" -> "email", "PatientName" -> "patientname").
_IDENTIFYING_WORDS = {
    "name", "names", "firstname", "lastname", "fullname", "surname", "forename", "given",
    "email", "mail", "phone", "telephone", "tel", "mobile", "cell", "fax",
    "address", "addr", "street", "city", "zip", "zipcode", "postcode", "postal",
    "dob", "birth", "birthday", "birthdate", "born",
    "mrn", "record", "chart", "ssn", "sin", "nhs", "medicare", "medicaid", "insurance", "policy",
    "ip", "ipv4", "ipv6", "ipaddress", "ipaddr",
    "patient", "patients", "visit", "visits", "encounter", "person", "member", "user",
    "client", "customer", "account", "id", "uuid", "guid", "device", "cookie", "session",
}
_IDENTIFYING_PARTS = (
    "name", "email", "phone", "address", "birth", "mrn", "ssn", "zipcode", "postcode",
    "patient", "visitid", "ipaddr", "dateofbirth", "recordnumber", "medicalrecord",
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WEEK = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def identifying(column: str) -> bool:
    """Whether a header names something that could identify a person (generous by design)."""
    words = [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", column).lower()) if w]
    compact = "".join(words)
    return any(w in _IDENTIFYING_WORDS for w in words) or any(p in compact for p in _IDENTIFYING_PARTS)


@dataclass
class Measures:
    """Weekly aggregates of every measurement file that could be read."""

    # (week, utm_campaign, utm_content, care_step) -> [started, completed, attended]
    outcomes: dict[tuple[dt.date, str, str, str], list[int]] = field(default_factory=dict)
    # (week, page id) -> views
    views: dict[tuple[dt.date, str], int] = field(default_factory=dict)
    # (service line, question as first written) -> {week: count}, and sources
    questions: dict[tuple[str, str], dict[dt.date, int]] = field(default_factory=dict)
    question_sources: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    question_keys: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict, repr=False)
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.outcomes or self.views or self.questions)


@dataclass(frozen=True)
class Vocabulary:
    """What a row may name: campaigns, service lines and pages, with each page's id."""

    campaigns: frozenset[str]
    service_lines: frozenset[str]
    pages: dict[str, str]  # page id (slug) -> its served path, e.g. '/cardiology/chest-pain/'
    base_path: str = "/"  # site_url's path: '/practice/' when the site is served below a folder
    staff: frozenset[str] = frozenset()  # the practice's reviewers: a question may name them
    towns: frozenset[str] = frozenset()  # the practice's own towns (gate.practice_towns), likewise
    withheld: Any = None  # what no row may quote of the withheld stories (leaks.withheld_quoted), or None

    def page_of_path(self) -> dict[str, str]:
        return {path: page for page, path in self.pages.items()}


def _week(text: str, weeks: dict[str, dt.date | str]) -> dt.date | str:
    """The Monday a `week` cell names, or the reason it is not one (memoized: few distinct)."""
    found = weeks.get(text)
    if found is None:
        raw, text = text, text.strip()
        found = "expected the Monday of the week written YYYY-MM-DD"
        if _WEEK.match(text):
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                found = "expected a real calendar date written YYYY-MM-DD"
            else:
                if not 1900 <= day.year <= 9000:
                    found = f"{text} is not a plausible week (years 1900 to 9000)"
                else:
                    found = day if day.weekday() == 0 else f"{text} is a {day:%A}, not a Monday"
        weeks[raw] = found
    return found


def _count(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and text.isascii() else None


class _File:
    """One CSV file being read: its rows as lists, and the problems found in it."""

    def __init__(self, path: Path, rel: str, problems: list[Problem]):
        self.path, self.rel, self.problems = path, rel, problems

    def error(self, code: str, message: str, line: int | None = None, column: str | None = None, hint: str | None = None):
        self.problems.append(problem(code, self.rel, message, line=line, field=column, hint=hint))

    def rows(self, required: tuple[str, ...]):
        """(line, {column: cell}) of every well-formed row, or nothing when the file is refused."""
        text = self._text()
        if text is None:
            return
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.error("csv-syntax", f"the header line cannot be read as CSV: {exc}", line=1)
            return
        if not header or not any(cell.strip() for cell in header):
            self.error("csv-header", f"the file is empty; expected a header line: {','.join(required)}", line=1)
            return
        names = [cell.strip() for cell in header]
        refused = [name for name in names if identifying(name)]
        if refused:
            # Refused whole, before any row is read: counts, never people.
            for name in refused:
                self.error(
                    "identifying-column",
                    f"column '{name}' could identify a person: the file is refused and nothing in it was read",
                    line=1,
                    column=name,
                    hint="export counts per week only, without names, contact details, dates of birth, "
                    "record numbers, IP addresses or patient/visit ids",
                )
            return
        lowered = [name.lower() for name in names]
        missing = [c for c in required if c not in lowered]
        if missing:
            self.error(
                "csv-header",
                f"missing column(s) {', '.join(missing)}; expected {','.join(required)}",
                line=1,
                hint=did_you_mean(missing[0], [n for n in lowered if n not in required]),
            )
            return
        for name in names:
            if name.lower() not in required:
                self.error("csv-unused-column", f"column '{name}' is not used and was not read", line=1, column=name)
        index = {c: lowered.index(c) for c in required}
        width = len(names)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.error("csv-syntax", f"cannot be read as CSV: {exc}", line=reader.line_num)
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != width:
                self.error(
                    "csv-row",
                    f"has {len(row)} field(s) where the header names {width}; the row was skipped",
                    line=reader.line_num,
                )
                continue
            yield reader.line_num, {c: row[i] for c, i in index.items()}

    def _text(self) -> str | None:
        try:
            raw = read_bytes(self.path, MAX_CSV_BYTES)  # a named pipe is refused, not waited on
        except OSError as exc:
            self.error("unreadable", f"cannot read file: {exc.strerror or exc}")
            return None
        if len(raw) > MAX_CSV_BYTES:
            self.error("file-too-large", f"file is larger than {MAX_CSV_BYTES:,} bytes; split the export")
            return None
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.error("undecodable", f"byte {exc.start} is not UTF-8 text", line=line, hint="export the file as UTF-8 CSV")
            return None


def measurement_files(root: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(outcomes, page views, questions) files, sorted: `outcomes/*.csv` holds both kinds."""
    outcome_files = sorted((root / OUTCOMES_DIR).glob("*.csv")) if (root / OUTCOMES_DIR).is_dir() else []
    views = [p for p in outcome_files if p.name.startswith("pageviews")]
    outcomes = [p for p in outcome_files if not p.name.startswith("pageviews")]
    questions = sorted((root / QUESTIONS_DIR).glob("*.csv")) if (root / QUESTIONS_DIR).is_dir() else []
    return outcomes, views, questions


def _folders_saved_as_files(root: Path) -> list[Problem]:
    """`outcomes` or `questions` saved as a file (an export dropped at the top level under the
    folder's name): nothing in it would be read, and the report would say there were no
    measurements at all."""
    return [
        problem("unreadable", folder, "is a file where a folder of '.csv' files belongs; nothing in it is read",
                hint=f"make {folder}/ a folder and put the exported .csv files in it")
        for folder in (OUTCOMES_DIR, QUESTIONS_DIR)
        if (root / folder).exists() and not (root / folder).is_dir()
    ]


def read_measures(root: Path, vocabulary: Vocabulary) -> Measures:
    """Read every measurement file under `root`. Problems are collected, never raised; rows
    with problems are skipped, whole files only when refused or unreadable."""
    csv.field_size_limit(MAX_FIELD)
    measures = Measures()
    measures.problems.extend(_folders_saved_as_files(root))
    outcomes, views, questions = measurement_files(root)
    weeks: dict[str, dt.date | str] = {}
    for path in outcomes:
        _read_outcomes(_open(root, path, measures), vocabulary, measures, weeks)
    page_of = vocabulary.page_of_path()
    for path in views:
        _read_views(_open(root, path, measures), vocabulary, page_of, measures, weeks)
    for path in questions:
        _read_questions(_open(root, path, measures), vocabulary, measures, weeks)
    measures.problems.sort(key=lambda p: (p.path, p.line or 0, p.code))
    return measures


def _open(root: Path, path: Path, measures: Measures) -> _File:
    # A name that is not UTF-8 (a Latin-1 export copied to Linux) is shown with U+FFFD: as
    # it was, it could not be written into report.json or index.html.
    rel = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    measures.files.append(rel)
    return _File(path, rel, measures.problems)


def _bad_week(file: _File, line: int, reason: str) -> None:
    file.error("bad-week", reason, line=line, column="week", hint="weeks are named by their Monday, e.g. 2026-11-16")


def _counts(file: _File, line: int, row: dict[str, str], columns: tuple[str, ...]) -> list[int] | None:
    values = []
    for column in columns:
        value = _count(row[column])
        if value is None:
            file.error("bad-count", "expected a whole number, zero or more", line=line, column=column)
            return None
        values.append(value)
    return values


def _read_outcomes(file: _File, vocabulary: Vocabulary, measures: Measures, weeks) -> None:
    known_campaigns = vocabulary.campaigns | vocabulary.service_lines
    for line, row in file.rows(OUTCOME_COLUMNS):
        week = _week(row["week"], weeks)
        if isinstance(week, str):
            _bad_week(file, line, week)
            continue
        campaign, page, step = row["utm_campaign"].strip(), row["utm_content"].strip(), row["care_step"].strip()
        if campaign not in known_campaigns:
            file.error(
                "unknown-campaign",
                "names neither a campaign in campaigns/ nor a service line",
                line=line,
                column="utm_campaign",
                hint=did_you_mean(campaign, known_campaigns),
            )
            continue
        if page not in vocabulary.pages:
            file.error(
                "unknown-page",
                "names no page of the site (a guide, story, service line, champion or campaign id)",
                line=line,
                column="utm_content",
                hint=did_you_mean(page, vocabulary.pages),
            )
            continue
        if step not in OUTCOME_STEPS:
            file.error(
                "bad-choice",
                f"expected one of {', '.join(OUTCOME_STEPS)}",
                line=line,
                column="care_step",
                hint=did_you_mean(step, OUTCOME_STEPS),
            )
            continue
        counts = _counts(file, line, row, COUNTS)
        if counts is None:
            continue
        key = (week, campaign, page, step)
        total = measures.outcomes.get(key)
        if total is None:
            measures.outcomes[key] = counts
        else:
            for i, n in enumerate(counts):
                total[i] += n


def _served_path(path: str, base: str) -> str:
    path = path.split("#", 1)[0].split("?", 1)[0].strip()
    if path.startswith(("http://", "https://")):
        path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
    if base != "/" and path.startswith(base):
        path = "/" + path[len(base):]
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    if not path.endswith("/"):
        path += "/"
    return path if path.startswith("/") else "/" + path


def _read_views(file: _File, vocabulary: Vocabulary, page_of: dict[str, str], measures: Measures, weeks) -> None:
    served: dict[str, str] = {}  # raw path -> served path: an export repeats each path weekly
    for line, row in file.rows(PAGEVIEW_COLUMNS):
        week = _week(row["week"], weeks)
        if isinstance(week, str):
            _bad_week(file, line, week)
            continue
        path = served.get(row["path"])
        if path is None:
            path = served[row["path"]] = _served_path(row["path"], vocabulary.base_path)
        page = page_of.get(path)
        if page is None:
            file.error(
                "unknown-page",
                "is no page of the site",
                line=line,
                column="path",
                hint=did_you_mean(_served_path(row["path"], vocabulary.base_path), page_of),
            )
            continue
        counts = _counts(file, line, row, ("views",))
        if counts is None:
            continue
        key = (week, page)
        measures.views[key] = measures.views.get(key, 0) + counts[0]


def _read_questions(file: _File, vocabulary: Vocabulary, measures: Measures, weeks) -> None:
    normal = measures.question_keys
    for line, row in file.rows(QUESTION_COLUMNS):
        week = _week(row["week"], weeks)
        if isinstance(week, str):
            _bad_week(file, line, week)
            continue
        line_slug, question = row["service_line"].strip(), " ".join(row["question"].split())
        if line_slug not in vocabulary.service_lines:
            file.error(
                "unknown-service-line",
                "names no service line in service_lines/",
                line=line,
                column="service_line",
                hint=did_you_mean(line_slug, vocabulary.service_lines),
            )
            continue
        if not question or len(question) > QUESTION_MAX:
            file.error("bad-question", f"expected the question, 1 to {QUESTION_MAX} characters", line=line, column="question")
            continue
        if found := [(column, kinds) for column in ("question", "source")
                     if (kinds := _identifying(row[column], vocabulary))]:
            column, kinds = found[0]
            file.error(
                "question-identifier",
                f"the {column} could identify a person ({', '.join(kinds)}): the row is left out",
                line=line,
                column=column,
                hint="write the question as patients ask it, with no name, number, date or place of theirs, "
                "and ask whoever exports the file to leave such questions out",
            )
            continue
        # The report quotes every question (rt12: one repeating a withheld story's title or pull
        # quote, as its champion told it on the phone, was printed in the report as asked), and
        # lists each question's sources (stop 48: a withheld title or an e-sign reference as the
        # `source` reached report.json).
        if vocabulary.withheld is not None and (quoting := next(
                (column for column in ("question", "source") if _quotes_withheld(row[column], vocabulary.withheld)),
                None)):
            file.error(
                "question-quotes-withheld",
                f"the {quoting} quotes a story the consent gate withholds, or names a champion no published "
                "story credits: the row is left out",
                line=line,
                column=quoting,
                hint="ask whoever exports the file to leave the question out, or write it as patients ask it "
                "in their own words",
            )
            continue
        counts = _counts(file, line, row, ("count",))
        if counts is None:
            continue
        # The same question asked in other words of case and spacing is one question.
        key = normal.setdefault((line_slug, question.casefold()), (line_slug, question))
        by_week = measures.questions.setdefault(key, defaultdict(int))
        by_week[week] += counts[0]
        source = row["source"].strip().lower()
        if source:
            measures.question_sources.setdefault(key, set()).add(source[:40])


def _quotes_withheld(question: str, withheld) -> bool:
    """Whether the question shows what a page may not (`leaks.quoted_traces`, read as the text
    of a page is)."""
    import html

    from .leaks import quoted_traces

    return quoted_traces(f"<p>{html.escape(question)}</p>", withheld)


def _identifying(question: str, vocabulary: Vocabulary) -> list[str]:
    """The kinds of identifier the story scan finds in a question (a patient's name, phone,
    date of birth...): a question is counted and quoted in the report, so it must be about
    care, not about a person."""
    from .identifiers import scan

    return sorted({finding.kind for finding in scan(question, 1, vocabulary.staff, vocabulary.towns)})
