"""`flywheel report`: where the flywheel is weak, as JSON, an HTML page and a terminal summary.

The report names unpublished work (withheld stories by slug, drafts), so it is written to
`report/`, never inside `site/`. It never contains story text: withheld stories appear by
slug and rule only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .check import CheckResult
from .errors import FlywheelError
from .link import link, next_step
from .quality import review_due
from .render import template_environment
from .schema import STAGES, STORY_STAGE

JOURNEY = (*STAGES, STORY_STAGE)
THIN_CLUSTER = 3  # fewer cluster guides than this is thin
EXPIRY_WINDOWS = (30, 60, 90)
_MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
FORBIDDEN_OUTPUTS = ("site", "content", "service_lines", "consent")


def _inbound_links(result: CheckResult) -> dict[str, set[str]]:
    """Which published pieces link to which, from the links written in guide bodies."""
    published = {s for s in result.gate.decisions if result.gate.is_published(s)}
    inbound: dict[str, set[str]] = {slug: set() for slug in published}
    for slug in published:
        entry = result.project.guides.get(slug)
        if entry is None:
            continue
        for target in _MD_LINK.findall(entry.doc.body):
            name = target.split("#")[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".md")
            if name in inbound and name != slug:
                inbound[name].add(slug)
    return inbound


def analyse(result: CheckResult, grade_max: float) -> dict:
    """The report as plain data: the JSON document and what the HTML page shows."""
    project, gate, as_of = result.project, result.gate, result.gate.as_of
    site = link(result, campaign=False)
    lines = site.lines
    coverage = {line: {stage: 0 for stage in JOURNEY} for line in lines}
    for entry in project.guides.values():
        if gate.is_published(entry.id) and entry.data.service_line in coverage:
            coverage[entry.data.service_line][entry.data.stage] += 1
    for entry in project.stories.values():
        if gate.is_published(entry.id) and entry.data.service_line in coverage:
            coverage[entry.data.service_line][STORY_STAGE] += 1
    gaps = [{"service_line": line, "stage": stage} for line in lines for stage in JOURNEY if not coverage[line][stage]]

    clusters = []
    for (line, topic), cluster in site.clusters.items():
        clusters.append(
            {
                "service_line": line,
                "topic": topic,
                "pillar": cluster.pillar.id if cluster.pillar else None,
                "cluster_guides": len(cluster.guides),
                "stories": len(cluster.stories),
                "thin": len(cluster.guides) < THIN_CLUSTER,
            }
        )
    inbound = _inbound_links(result)
    no_inbound = sorted(slug for slug, sources in inbound.items() if not sources)

    next_steps = {line: {"intake": 0, "scheduling": 0, "triage": 0} for line in lines}
    for entry in [*project.guides.values(), *project.stories.values()]:
        line_entry = project.service_lines.get(entry.data.service_line)
        if gate.is_published(entry.id) and line_entry is not None:
            step = next_step(entry.data.service_line, line_entry.data, entry.data.next_step, entry.id, False)
            next_steps[entry.data.service_line][step.kind] += 1

    stories = {line: {"published": 0, "withheld": 0} for line in lines}
    by_rule: Counter[str] = Counter()
    withheld = []
    expiring = []
    for slug, entry in sorted(project.stories.items()):
        decision = gate.decisions[slug]
        counts = stories.setdefault(entry.data.service_line, {"published": 0, "withheld": 0})
        counts["published" if decision.published else "withheld"] += 1
        if decision.published:
            days = (decision.expires_on - as_of).days if decision.expires_on else None
            if days is not None and days <= max(EXPIRY_WINDOWS):
                window = next(w for w in EXPIRY_WINDOWS if days <= w)
                expiring.append(
                    {"story": slug, "consent": decision.consent, "expires_on": decision.expires_on.isoformat(),
                     "days_left": days, "within": window}
                )
        else:
            rules = sorted({rule for rule, _ in decision.reasons})
            by_rule.update(rules)
            withheld.append({"story": slug, "service_line": entry.data.service_line, "rules": rules})

    reviews = []
    for slug, entry in sorted(project.guides.items()):
        line_entry = project.service_lines.get(entry.data.service_line)
        if entry.data.draft or line_entry is None:
            continue
        due = review_due(entry.data.reviewed_on, line_entry.data.review_interval_days)
        days = (due - as_of).days
        if days <= 30:
            reviews.append({"guide": slug, "reviewed_on": entry.data.reviewed_on.isoformat(),
                            "due_on": due.isoformat(), "days_overdue": max(0, -days), "overdue": days < 0})
    hard = [{"slug": slug, "grade": grade} for slug, grade in sorted(result.grades.items()) if grade > grade_max]

    return {
        "flywheel_report": 1,
        "as_of": as_of.isoformat(),
        "summary": {
            "service_lines": len(lines),
            "published_guides": len(gate.published("guide")),
            "published_stories": len(gate.published("story")),
            "withheld_stories": len(withheld),
            "coverage_gaps": len(gaps),
            "missing_pillars": sum(1 for c in clusters if c["pillar"] is None),
            "thin_clusters": sum(1 for c in clusters if c["thin"]),
            "reviews_overdue": sum(1 for r in reviews if r["overdue"]),
            "above_reading_grade": len(hard),
            "errors": len(result.errors),
        },
        "stages": list(JOURNEY),
        "coverage": coverage,
        "coverage_gaps": gaps,
        "clusters": clusters,
        "no_inbound_links": no_inbound,
        "next_steps": next_steps,
        "stories": {
            "by_service_line": stories,
            "withheld": withheld,
            "withheld_by_rule": dict(sorted(by_rule.items())),
            "consents_expiring": sorted(expiring, key=lambda e: (e["days_left"], e["story"])),
        },
        "quality": {"reviews_due": reviews, "reading_grade_max": grade_max, "above_reading_grade": hard},
    }


def summary_text(data: dict, out: Path) -> str:
    s = data["summary"]
    lines = [
        f"Flywheel report as of {data['as_of']}",
        f"  {s['published_guides']} guides and {s['published_stories']} stories published; "
        f"{s['withheld_stories']} stories withheld",
    ]
    if data["coverage_gaps"]:
        lines.append(f"  coverage gaps ({s['coverage_gaps']}):")
        for line, stages in _group_gaps(data["coverage_gaps"]).items():
            lines.append(f"    {line}: no {', '.join(stages)}")
    for cluster in data["clusters"]:
        if cluster["pillar"] is None:
            lines.append(f"  topic {cluster['service_line']}/{cluster['topic']} has no pillar guide")
        elif cluster["thin"]:
            lines.append(f"  thin cluster {cluster['service_line']}/{cluster['topic']}: {cluster['cluster_guides']} cluster guide(s)")
    for rule, count in data["stories"]["withheld_by_rule"].items():
        lines.append(f"  withheld for {rule}: {count}")
    for item in data["stories"]["consents_expiring"]:
        lines.append(f"  consent {item['consent']} ({item['story']}) expires in {item['days_left']} day(s)")
    for review in data["quality"]["reviews_due"]:
        state = f"{review['days_overdue']} day(s) overdue" if review["overdue"] else f"due {review['due_on']}"
        lines.append(f"  medical review of {review['guide']}: {state}")
    for item in data["quality"]["above_reading_grade"]:
        lines.append(f"  {item['slug']} reads at grade {item['grade']}")
    lines.append(f"written: {out / 'index.html'} and {out / 'report.json'}")
    return "\n".join(lines) + "\n"


def _group_gaps(gaps: list[dict]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for gap in gaps:
        grouped.setdefault(gap["service_line"], []).append(gap["stage"])
    return grouped


def _shade(count: int, top: int) -> str:
    if count == 0:
        return "#ffffff"
    level = min(1.0, count / max(top, 1))
    lightness = 92 - int(level * 52)
    return f"hsl(231, 48%, {lightness}%)"


def write_report(result: CheckResult, root: Path, out: Path, grade_max: float, site_name: str) -> dict:
    """Write index.html and report.json into `out`, refusing folders the report must not touch."""
    resolved = out.resolve()
    for name in FORBIDDEN_OUTPUTS:
        if resolved.is_relative_to((root / name).resolve()):
            raise FlywheelError(f"the report names unpublished work and is never written inside {name}/: choose another --out")
    data = analyse(result, grade_max)
    top = max((n for row in data["coverage"].values() for n in row.values()), default=1)
    names = {slug: e.data.name for slug, e in result.project.service_lines.items()}
    html = template_environment().get_template("report.html.j2").render(
        data=data, names=names, site_name=site_name, shade=lambda n: _shade(n, top), dark=lambda n: n / max(top, 1) > 0.55
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out / "index.html").write_text(html, encoding="utf-8")
    return data
