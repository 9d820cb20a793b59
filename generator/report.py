"""`flywheel report`: where the flywheel is weak, as plain data (the `report.json` document).

Every function here is pure: a `CheckResult` in, plain dicts and lists out, sorted so the same
content always gives the same report. `report_html` turns the data into the HTML page and the
terminal summary; `write_report` puts both files on disk.

The report names unpublished work (withheld stories and drafts, by slug), so it is never
written inside `site/` or the content folders. It never contains a story's text: withheld
stories appear by slug and rule only.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import Counter
from pathlib import Path
from typing import Any

from .check import CheckResult
from .errors import FlywheelError
from .link import SiteModel, link, next_step
from .load import open_regular
from .quality import review_due
from .readability import DEFAULT_GRADE_MAX
from .render import champion_uri, guide_uri, line_uri, page_url, story_uri
from .report_html import render_html, site_settings, summary_text
from .schema import NEXT_STEPS, STAGES, STORY_STAGE

REPORT_VERSION = 2  # 2: campaigns, outcomes, page views and questions (docs/report.md)
JOURNEY = (*STAGES, STORY_STAGE)
THIN_CLUSTER = 3  # a topic with fewer cluster guides than this is thin
EXPIRY_WINDOWS = (30, 60, 90)  # days: consents of published stories expiring soon
REVIEW_DUE_SOON = 30  # days: medical reviews falling due soon

Report = dict[str, Any]

from .paths import refuse_published  # noqa: E402

__all__ = ["analyse", "check_out_dir", "link_graph", "link_targets", "summary_text", "write_report"]

# Links written in a guide's Markdown: inline `[text](dest "title")`, reference definitions
# `[label]: dest` and HTML `href="dest"`. Code is removed first: a link in an example is no link.
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$|`[^`\n]*`", re.DOTALL | re.MULTILINE)
_INLINE = re.compile(r"\]\(\s*(<[^>\n]*>|[^)\s]+)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def link_targets(markdown_text: str) -> list[str]:
    """The destinations of the links written in `markdown_text`, in order, code excluded."""
    text = _CODE.sub(" ", markdown_text)
    found = [*_INLINE.findall(text), *_REFERENCE.findall(text), *_HREF.findall(text)]
    return [target.strip("<>") for target in found]



def resolve_link(target: str, page_uri: str) -> list[str]:
    """The docs paths (`cardiology/chest-pain/index.md`) a link on `page_uri` may point at.

    A `.md` link is resolved from the page's source file, as MkDocs does. Any other path is a
    URL, resolved from the folder the page is served at; `x/` may be `x/index.md` or `x.md`.
    Empty for links that leave the site or stay on the page (`https:`, `mailto:`, `//host`,
    `#anchor`) and for files that are not pages (`chart.pdf`)."""
    path = target.split("#", 1)[0].split("?", 1)[0]
    if not path or _SCHEME.match(path) or path.startswith("//"):
        return []
    if path.endswith(".md"):
        base = posixpath.dirname(page_uri)
    elif "." in posixpath.basename(path.rstrip("/")) and not path.endswith("/"):
        return []
    else:
        base = page_url(page_uri).rstrip("/")  # the folder the page is served from
    if path.startswith("/"):
        base = ""
    resolved = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
    if resolved.startswith(".."):
        return []
    if path.endswith(".md"):
        return [resolved]
    folder = "" if resolved == "." else resolved
    return [posixpath.join(folder, "index.md"), *([f"{folder}.md"] if folder else [])]


def _piece_uris(site: SiteModel) -> dict[str, str]:
    """Docs path -> slug of every published piece, as the renderer will place it."""
    project, gate = site.result.project, site.result.gate
    uris = {guide_uri(e): e.id for e in project.guides.values() if gate.is_published(e.id)}
    uris.update({story_uri(e): e.id for e in project.stories.values() if gate.is_published(e.id)})
    return uris


def link_graph(site: SiteModel) -> Report:
    """In-content links between published pieces.

    Only links written in published guides' Markdown count: the generated pillar, cluster,
    read-next and listing links reach every published piece by construction, and links in
    story bodies are never passed to the site. A piece with no inbound link is one that no
    *other* piece links to from its text (the SEO sense of an orphan). A broken link is one
    that resolves to no page the build will write: a typo, a withheld story, a draft."""
    project = site.result.project
    pieces = _piece_uris(site)
    others = {"index.md", *(line_uri(line) for line in site.lines)}
    others.update(champion_uri(champion) for champion in site.champions)
    inbound: dict[str, set[str]] = {slug: set() for slug in pieces.values()}
    broken = []
    for uri, slug in sorted(pieces.items()):
        entry = project.guides.get(slug)
        if entry is None:
            continue
        for target in link_targets(entry.doc.body):
            candidates = resolve_link(target, uri)
            if not candidates:
                continue
            hit = next((pieces[c] for c in candidates if c in pieces), None)
            if hit is not None:
                if hit != slug:
                    inbound[hit].add(slug)
            elif not any(c in others for c in candidates):
                broken.append({"from": slug, "link": target})
    return {
        "no_inbound_links": sorted(slug for slug, sources in inbound.items() if not sources),
        "broken_links": sorted(broken, key=lambda b: (b["from"], b["link"])),
    }


def coverage(site: SiteModel) -> Report:
    """Published pieces per (service line x journey stage); stories count as `share`."""
    project, gate = site.result.project, site.result.gate
    grid = {line: dict.fromkeys(JOURNEY, 0) for line in site.lines}
    for entry in project.guides.values():
        if gate.is_published(entry.id) and entry.data.service_line in grid:
            grid[entry.data.service_line][entry.data.stage] += 1
    for entry in project.stories.values():
        if gate.is_published(entry.id) and entry.data.service_line in grid:
            grid[entry.data.service_line][STORY_STAGE] += 1
    gaps = [
        {"service_line": line, "stage": stage}
        for line in site.lines
        for stage in JOURNEY
        if not grid[line][stage]
    ]
    return {"coverage": grid, "coverage_gaps": gaps}


def clusters(site: SiteModel) -> list[Report]:
    """Each topic: its published pillar (None when missing), cluster guides and stories."""
    return [
        {
            "service_line": line,
            "topic": topic,
            "pillar": cluster.pillar.id if cluster.pillar else None,
            "cluster_guides": len(cluster.guides),
            "stories": len(cluster.stories),
            "thin": len(cluster.guides) < THIN_CLUSTER,
        }
        for (line, topic), cluster in site.clusters.items()
    ]


def next_steps(site: SiteModel) -> dict[str, dict[str, int]]:
    """Per service line, how many published guides and stories lead to each next care step."""
    project, gate = site.result.project, site.result.gate
    counts = {line: dict.fromkeys(NEXT_STEPS, 0) for line in site.lines}
    for entry in [*project.guides.values(), *project.stories.values()]:
        line = project.service_lines.get(entry.data.service_line)
        if gate.is_published(entry.id) and line is not None and line.id in counts:
            step = next_step(line.id, line.data, entry.data.next_step, entry.id, False)
            counts[line.id][step.kind] += 1
    return counts


def _story_line(result: CheckResult, slug: str) -> str | None:
    """A story's service line, also for a story whose file has errors (from its raw keys)."""
    entry = result.project.stories.get(slug)
    if entry is not None:
        line = entry.data.service_line
    else:
        raw = result.project.raw.get(slug)
        line = raw[2].get("service_line") if raw and isinstance(raw[2], dict) else None
    return line if isinstance(line, str) and line in result.project.service_lines else None


def stories(site: SiteModel) -> Report:
    """Published and withheld stories by service line, withheld counts by gate rule and the
    consents of published stories expiring within 30, 60 and 90 days. Slugs and rule names
    only: never a story's title or text."""
    result, as_of = site.result, site.result.gate.as_of
    by_line = {line: {"published": 0, "withheld": 0} for line in site.lines}
    by_rule: Counter[str] = Counter()
    withheld, expiring = [], []
    for slug, decision in sorted(result.gate.decisions.items()):
        if decision.kind != "story":
            continue
        line = _story_line(result, slug)
        if line in by_line:
            by_line[line]["published" if decision.published else "withheld"] += 1
        if not decision.published:
            rules = sorted({rule for rule, _ in decision.reasons})
            by_rule.update(rules)
            withheld.append({"story": slug, "service_line": line, "rules": rules})
            continue
        days = (decision.expires_on - as_of).days if decision.expires_on else None
        if days is not None and days <= EXPIRY_WINDOWS[-1]:
            expiring.append(
                {
                    "story": slug,
                    "consent": decision.consent,
                    "expires_on": decision.expires_on.isoformat(),
                    "days_left": days,
                    "within": next(w for w in EXPIRY_WINDOWS if days <= w),
                }
            )
    expiring.sort(key=lambda e: (e["days_left"], e["story"]))
    return {
        "by_service_line": by_line,
        "withheld": withheld,
        "withheld_by_rule": dict(sorted(by_rule.items())),
        "consents_expiring": expiring,
        "expiring_within": {
            str(w): sum(1 for e in expiring if e["days_left"] <= w) for w in EXPIRY_WINDOWS
        },
    }


def reviews_due(result: CheckResult) -> list[Report]:
    """Non-draft guides whose medical review is overdue or falls due within 30 days."""
    project, as_of = result.project, result.gate.as_of
    due_list = []
    for slug, entry in sorted(project.guides.items()):
        line = project.service_lines.get(entry.data.service_line)
        if entry.data.draft or line is None:
            continue
        due = review_due(entry.data.reviewed_on, line.data.review_interval_days)
        days = (due - as_of).days
        if days <= REVIEW_DUE_SOON:
            due_list.append(
                {
                    "guide": slug,
                    "service_line": line.id,
                    "reviewed_on": entry.data.reviewed_on.isoformat(),
                    "due_on": due.isoformat(),
                    "overdue": days < 0,
                    "days_overdue": max(0, -days),
                }
            )
    return due_list


def hard_to_read(result: CheckResult, grade_max: float) -> list[Report]:
    """Published guides and stories whose reading grade is above `grade_max` (0: none)."""
    if grade_max <= 0:
        return []
    return [
        {"slug": slug, "kind": result.gate.decisions[slug].kind, "grade": grade}
        for slug, grade in sorted(result.grades.items())
        if grade > grade_max and result.gate.is_published(slug)
    ]


def first_visit_gaps(result: CheckResult) -> list[dict]:
    """Service lines that do not yet tell a new patient who they are for and what the first visit
    is like (contract v2 `who_for` and `first_visit`): a warning here, never an error."""
    gaps = []
    for slug, entry in sorted(result.project.service_lines.items()):
        missing = [key for key in ("who_for", "first_visit") if getattr(entry.data, key) is None]
        if missing:
            gaps.append({"service_line": slug, "file": entry.path, "missing": missing})
    return gaps


def analyse(result: CheckResult, grade_max: float = DEFAULT_GRADE_MAX) -> Report:
    """The whole report as plain data: the `report.json` document (docs/report.md)."""
    first_visit = first_visit_gaps(result)
    site = link(result, campaign=False)
    gate = result.gate
    grid = coverage(site)
    topics = clusters(site)
    links = link_graph(site)
    story_data = stories(site)
    reviews = reviews_due(result)
    hard = hard_to_read(result, grade_max)
    summary = {
        "service_lines": len(site.lines),
        "published_guides": len(gate.published("guide")),
        "published_stories": len(gate.published("story")),
        "withheld_stories": len(story_data["withheld"]),
        "coverage_gaps": len(grid["coverage_gaps"]),
        "missing_pillars": sum(1 for c in topics if c["pillar"] is None),
        "thin_clusters": sum(1 for c in topics if c["thin"]),
        "no_inbound_links": len(links["no_inbound_links"]),
        "broken_links": len(links["broken_links"]),
        "consents_expiring_90": len(story_data["consents_expiring"]),
        "reviews_overdue": sum(1 for r in reviews if r["overdue"]),
        "reviews_due_soon": sum(1 for r in reviews if not r["overdue"]),
        "above_reading_grade": len(hard),
        "first_visit_gaps": len(first_visit),
        "errors": len(result.errors),
    }
    return {
        "flywheel_report": REPORT_VERSION,
        "as_of": gate.as_of.isoformat(),
        "summary": summary,
        "stages": list(JOURNEY),
        "service_line_names": {
            line: result.project.service_lines[line].data.name for line in site.lines
        },
        **grid,
        "clusters": topics,
        **links,
        "next_steps": next_steps(site),
        "stories": story_data,
        "quality": {
            "reading_grade_max": grade_max,
            "reviews_due": reviews,
            "above_reading_grade": hard,
            "first_visit_gaps": first_visit,
        },
    }


def add_measures(data: Report, result: CheckResult, root: Path, site_url: str | None) -> None:
    """Add the flywheel dashboard (outcomes, page views, questions) to the report's data, with
    the measurement files' problems by file, line and column (never a cell's content)."""
    from .dashboard import measured

    extra, measures = measured(result, root, site_url)
    data.update(extra)
    data["version"] = REPORT_VERSION
    data["measurement_problems"] = [p.as_dict() for p in measures.problems]
    found = extra["outcomes"]
    data["summary"].update(
        {
            "measurement_files": len(extra["files"]),
            "measurement_errors": sum(p.severity == "error" for p in measures.problems),
            "weeks_measured": len(found["weeks"]),
            "active_campaigns": sum(c["state"] == "active" for c in found["campaigns"]),
            "read_no_step": len(found["read_no_step"]),
            "friction": len(found["friction"]),
            "questions": len(extra["questions"]["questions"]),
            "backlog_questions": len(extra["questions"]["backlog"]),
        }
    )


def check_out_dir(root: Path, out: Path) -> None:
    """Refuse an output folder where it would be published or read as content: the report
    names unpublished work (paths.refuse_published); and one whose `index.html` or
    `report.json` is not an earlier report's: a report replaces only what a report wrote."""
    refuse_published(out, root, "report")
    for name, head in (("index.html", b"<title>Flywheel report: "), ("report.json", b'"measurement_problems"')):
        path = Path(out) / name
        if path.is_symlink() or path.is_dir() or (path.exists() and not _holds(path, head)):
            raise FlywheelError(
                f"refusing to write the report into {out}: its {name} was not written by flywheel report; "
                "choose a new or empty folder"
            )


def _holds(path: Path, marker: bytes) -> bool:
    """Whether the file holds `marker` (a named pipe is refused, not waited on)."""
    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            return marker in handle.read()
    except OSError:
        return False


def _write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)


def write_report(
    result: CheckResult,
    root: Path,
    out: Path,
    grade_max: float = DEFAULT_GRADE_MAX,
    site_name: str | None = None,
    site_url: str | None = None,
) -> Report:
    """Write `index.html` and `report.json` into `out` and return the report's data.

    Refuses (FlywheelError) an `out` inside `site/` or the content folders, and turns a folder
    that cannot be written into a FlywheelError too, never a traceback."""
    check_out_dir(root, out)
    data = analyse(result, grade_max)
    add_measures(data, result, root, site_url)
    settings = site_settings(root)
    html = render_html(data, site_name or settings.name, fictional=settings.fictional)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_if_changed(out / "report.json", json.dumps(data, indent=2, sort_keys=True) + "\n")
        _write_if_changed(out / "index.html", html)
    except OSError as exc:
        raise FlywheelError(f"cannot write the report into {out}: {exc.strerror or exc}") from None
    return data
