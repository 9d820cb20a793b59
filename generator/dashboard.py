"""The flywheel dashboard: measured outcomes, page views and patients' questions, joined to
the site's pages, campaigns and service lines (the `outcomes` and `questions` parts of
`report.json`, docs/report.md).

Views join pages by served path, care steps join pages by `utm_content` and campaigns by
`utm_campaign`. Only aggregates come out: no input row is kept or copied.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .campaigns import campaign_uri
from .check import CheckResult
from .gate import practice_towns, reviewer_names
from .leaks import withheld_quoted
from .measure import Measures, Vocabulary, read_measures
from .questions import THRESHOLD, Document, GuideIndex
from .render import champion_uri, guide_uri, line_uri, page_url, story_uri

BEFORE_WEEKS = 4  # "this week against the four before"
MOVERS = 5  # movers named
READ_OFTEN_VIEWS = 100  # views over the data's weeks that make a page "read often"
FRICTION_MIN_STARTED = 20  # steps started before a completion rate says anything
FRICTION_RATE = 0.5  # completed / started below this: people give up on the form
METRICS = ("views", "started", "completed", "attended")

Report = dict[str, Any]


def pages_of(result: CheckResult) -> dict[str, dict[str, Any]]:
    """Page id -> kind, service line and served path, for every page the site has or had.

    Withheld stories and draft guides keep their id: their past views and steps still count
    (by slug only; the report never shows a withheld story's text)."""
    project = result.project
    pages: dict[str, dict[str, Any]] = {"index": {"kind": "home", "service_line": None, "uri": "index.md"}}
    for slug in project.service_lines:
        pages[slug] = {"kind": "service_line", "service_line": slug, "uri": line_uri(slug)}
    for champion in project.champions:
        pages[champion] = {"kind": "champion", "service_line": None, "uri": champion_uri(champion)}
    for cid, entry in project.campaigns.items():
        pages[cid] = {"kind": "campaign", "service_line": entry.data.service_line, "uri": campaign_uri(cid)}
    for slug, entry in project.stories.items():
        pages[slug] = {"kind": "story", "service_line": entry.data.service_line, "uri": story_uri(entry)}
    for slug, entry in project.guides.items():
        pages[slug] = {"kind": "guide", "service_line": entry.data.service_line, "uri": guide_uri(entry)}
    for info in pages.values():
        info["path"] = "/" + page_url(info.pop("uri"))
    return pages


def vocabulary(result: CheckResult, pages: dict[str, dict[str, Any]], site_url: str | None) -> Vocabulary:
    base = urlsplit(site_url).path if site_url else "/"
    return Vocabulary(
        frozenset(result.project.campaigns),
        frozenset(result.project.service_lines),
        {page: info["path"] for page, info in pages.items()},
        base if base.endswith("/") else base + "/",
        reviewer_names(result.project),
        practice_towns(result.project),
        withheld_quoted(result),
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(entity: str, series: dict[dt.date, list[int]], weeks: list[dt.date], this: dt.date | None) -> Report:
    """Totals, rates and this week against the average of the four before, for one entity."""
    totals = [sum(series.get(w, (0, 0, 0, 0))[i] for w in weeks) for i in range(4)]
    row: Report = {"id": entity, **dict(zip(METRICS, totals, strict=True))}
    row["rates"] = {
        "started_per_view": _rate(totals[1], totals[0]),
        "completed_per_started": _rate(totals[2], totals[1]),
        "attended_per_completed": _rate(totals[3], totals[2]),
    }
    if this is not None:
        now = series.get(this, [0, 0, 0, 0])
        before = [this - dt.timedelta(weeks=k) for k in range(1, BEFORE_WEEKS + 1)]
        average = [round(sum(series.get(w, (0, 0, 0, 0))[i] for w in before) / BEFORE_WEEKS, 2) for i in range(4)]
        row["this_week"] = dict(zip(METRICS, now, strict=True))
        row["before"] = dict(zip(METRICS, average, strict=True))
        row["change"] = {m: round(now[i] - average[i], 2) for i, m in enumerate(METRICS)}
    return row


def outcomes(result: CheckResult, measures: Measures, pages: dict[str, dict[str, Any]]) -> Report:
    """Per page, campaign and service line: views and steps, rates, week over week, movers,
    pages read without a next step, and service lines whose steps start but do not complete."""
    as_of = result.gate.as_of
    project = result.project
    weeks = sorted({w for w, *_ in measures.outcomes} | {w for w, _ in measures.views})
    weeks = [w for w in weeks if w <= as_of]
    this = weeks[-1] if weeks else None
    included = set(weeks)
    by_page: dict[str, dict[dt.date, list[int]]] = defaultdict(dict)
    by_campaign: dict[str, dict[dt.date, list[int]]] = defaultdict(dict)
    by_line: dict[str, dict[dt.date, list[int]]] = defaultdict(dict)
    by_line_step: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    site: dict[dt.date, list[int]] = {}

    def cell(target: dict[dt.date, list[int]], week: dt.date) -> list[int]:
        found = target.get(week)
        if found is None:
            found = target[week] = [0, 0, 0, 0]
        return found

    for (week, page), views in measures.views.items():
        if week not in included:
            continue
        info = pages[page]
        cell(by_page[page], week)[0] += views
        cell(site, week)[0] += views
        if info["service_line"]:
            cell(by_line[info["service_line"]], week)[0] += views
        if info["kind"] == "campaign":
            cell(by_campaign[page], week)[0] += views
    for (week, campaign, page, step), (started, completed, attended) in measures.outcomes.items():
        if week not in included:
            continue
        line = campaign if campaign in project.service_lines else project.campaigns[campaign].data.service_line
        targets = [by_page[page], site, by_line[line]]
        if campaign in project.campaigns:
            targets.append(by_campaign[campaign])
        for target in targets:
            counts = cell(target, week)
            counts[1] += started
            counts[2] += completed
            counts[3] += attended
        totals = by_line_step[(line, step)]
        totals[0] += started
        totals[1] += completed
        totals[2] += attended

    page_rows = [_row(p, s, weeks, this) | {"kind": pages[p]["kind"], "service_line": pages[p]["service_line"]}
                 for p, s in sorted(by_page.items())]
    campaign_rows = []
    for cid in sorted(set(by_campaign) | set(project.campaigns)):
        campaign = project.campaigns[cid].data
        row = _row(cid, by_campaign.get(cid, {}), weeks, this)
        row |= {
            "service_line": campaign.service_line,
            "care_step": campaign.care_step,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "state": "active" if campaign.starts_on <= as_of <= campaign.ends_on
            else "ended" if campaign.ends_on < as_of else "upcoming",
        }
        campaign_rows.append(row)
    line_rows = [_row(line, by_line.get(line, {}), weeks, this) for line in sorted(project.service_lines)]
    movers = []
    if this is not None:
        for kind, rows in (("page", page_rows), ("campaign", campaign_rows)):
            for row in rows:
                if kind == "page" and row["kind"] == "campaign":
                    continue  # a landing page moves with its campaign: named once, as the campaign
                for metric in ("views", "started"):
                    change = row["change"][metric]
                    if change:
                        before = row["before"][metric]
                        movers.append({
                            "kind": kind, "id": row["id"], "metric": metric,
                            "this_week": row["this_week"][metric], "before": before, "change": change,
                            "change_pct": round(100 * change / before, 1) if before else None,
                        })
        movers.sort(key=lambda m: (-abs(m["change"]), m["kind"], m["id"], m["metric"]))
    read_no_step = sorted(
        ({"page": r["id"], "kind": r["kind"], "views": r["views"]} for r in page_rows
         if r["views"] >= READ_OFTEN_VIEWS and r["started"] == 0),
        key=lambda r: (-r["views"], r["page"]),
    )
    friction = []
    for (line, step), (started, completed, attended) in sorted(by_line_step.items()):
        rate = _rate(completed, started)
        if started >= FRICTION_MIN_STARTED and rate is not None and rate < FRICTION_RATE:
            friction.append({"service_line": line, "care_step": step, "started": started,
                             "completed": completed, "completed_per_started": rate})
    friction.sort(key=lambda f: (f["completed_per_started"], f["service_line"], f["care_step"]))
    return {
        "weeks": [w.isoformat() for w in weeks],
        "this_week": this.isoformat() if this else None,
        "before_weeks": [(this - dt.timedelta(weeks=k)).isoformat() for k in range(BEFORE_WEEKS, 0, -1)] if this else [],
        "totals": _row("site", site, weeks, this),
        "trend": {m: [site.get(w, [0, 0, 0, 0])[i] for w in weeks] for i, m in enumerate(METRICS)},
        "campaign_trend": {c["id"]: [by_campaign.get(c["id"], {}).get(w, [0, 0, 0, 0])[1] for w in weeks]
                           for c in campaign_rows},
        "pages": page_rows,
        "campaigns": campaign_rows,
        "service_lines": line_rows,
        "movers": movers[:MOVERS],
        "read_no_step": read_no_step,
        "friction": friction,
        "thresholds": {"read_often_views": READ_OFTEN_VIEWS, "friction_min_started": FRICTION_MIN_STARTED,
                       "friction_rate": FRICTION_RATE, "before_weeks": BEFORE_WEEKS},
    }


def guide_documents(result: CheckResult) -> list[Document]:
    """The published guides, as the question matcher reads them."""
    project, gate = result.project, result.gate
    documents = []
    for slug, entry in project.guides.items():
        if not gate.is_published(slug):
            continue
        guide = entry.data
        line = project.service_lines.get(guide.service_line)
        topic = line.data.topics.get(guide.topic) if line else None
        text = " ".join([slug.replace("-", " "), guide.title, guide.title, guide.summary, topic.title if topic else "",
                         " ".join(guide.tags), entry.doc.body])
        documents.append(Document(slug, guide.service_line, text))
    return documents


def questions(result: CheckResult, measures: Measures) -> Report:
    """Every question with the guides that answer it, and the backlog: unanswered, most asked first."""
    index = GuideIndex(guide_documents(result))
    rows = []
    for (line, text), by_week in measures.questions.items():
        weeks = {w: n for w, n in by_week.items() if w <= result.gate.as_of}
        if not weeks:
            continue
        answers = index.answers(text)
        rows.append({
            "service_line": line,
            "question": text,
            "asked": sum(weeks.values()),
            "weeks_asked": sum(1 for n in weeks.values() if n),
            "last_week": max(weeks).isoformat(),
            "sources": sorted(measures.question_sources.get((line, text), ())),
            "answered_by": answers,
        })
    rows.sort(key=lambda q: (-q["asked"], -q["weeks_asked"], q["service_line"], q["question"].casefold()))
    backlog = [
        {k: q[k] for k in ("service_line", "question", "asked", "weeks_asked", "last_week")}
        for q in rows if not q["answered_by"]
    ]
    return {
        "method": "tf-idf cosine over published guides (generator/questions.py)",
        "threshold": THRESHOLD,
        "questions": rows,
        "backlog": backlog,
    }


def measured(result: CheckResult, root: Path, site_url: str | None) -> tuple[Report, Measures]:
    """Read the measurement files under `root` and return the dashboard data and the measures."""
    pages = pages_of(result)
    measures = read_measures(root, vocabulary(result, pages, site_url))
    data = {
        "files": measures.files,
        "outcomes": outcomes(result, measures, pages),
        "questions": questions(result, measures),
    }
    return data, measures
