"""The report's two faces: the HTML page (`report.html.j2`) and the terminal summary.

Both read only the plain data `report.analyse` returns, so what the page shows and what
`report.json` says cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .decisions import RULES
from .render import template_environment

DEFAULT_SITE_NAME = "our practice"
SHOWN = 4  # items a terminal line lists before "and N more"


@dataclass(frozen=True)
class SiteSettings:
    """What the report takes from `mkdocs.yml`: the site's name and whether it is made up."""

    name: str
    fictional: bool


def site_settings(root: Path) -> SiteSettings:
    """`site_name` from `<root>/mkdocs.yml`, and whether its description or copyright says the
    practice is fictional (the sample does). A missing or broken file gives the defaults."""
    import yaml

    try:
        config = yaml.load(
            (root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return SiteSettings(DEFAULT_SITE_NAME, False)
    if not isinstance(config, dict):
        return SiteSettings(DEFAULT_SITE_NAME, False)
    name = config.get("site_name")
    about = " ".join(str(config.get(key) or "") for key in ("site_description", "copyright"))
    return SiteSettings(
        name if isinstance(name, str) and name.strip() else DEFAULT_SITE_NAME,
        "fictional" in about.casefold(),
    )


def heat_level(count: int, top: int) -> int:
    """Shade of a heatmap cell: 0 for a gap, else 1 (lightest) to 4 (darkest) relative to the
    fullest cell. Every shade keeps its text at a contrast of at least 4.5:1."""
    if count <= 0:
        return 0
    share = count / max(top, 1)
    return 1 if share <= 0.25 else 2 if share <= 0.5 else 3 if share <= 0.75 else 4


def gap_sentence(name: str, stage: str) -> str:
    """'Sleep medicine has no recover guide.' (stories are the share stage)."""
    if stage == "share":
        return f"{name} has no published story (share)."
    return f"{name} has no published {stage} guide."


def trend_charts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(caption, inline SVG) of the report's trend charts; none without measured weeks."""
    from .charts import line_chart

    found = data.get("outcomes") or {}
    weeks = found.get("weeks") or []
    if not weeks:
        return []
    trend = found["trend"]
    charts = [
        ("Page views per week", line_chart("Page views per week", weeks, {"views": trend["views"]})),
        (
            "Care steps per week: started, completed, attended",
            line_chart(
                "Care steps per week",
                weeks,
                {k: trend[k] for k in ("started", "completed", "attended")},
            ),
        ),
    ]
    if found.get("campaign_trend"):
        charts.append(
            (
                "Care steps started per week, by campaign",
                line_chart("Care steps started per week by campaign", weeks, found["campaign_trend"]),
            )
        )
    return charts


def percent(rate: float | None) -> str:
    """0.2097 -> '21%'; no rate -> '-'."""
    return "-" if rate is None else f"{100 * rate:.0f}%"


def render_html(data: dict[str, Any], site_name: str, fictional: bool = False) -> str:
    """The report page: self-contained HTML with inline CSS and no script."""
    top = max((n for row in data["coverage"].values() for n in row.values()), default=0)
    return (
        template_environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            names=data["service_line_names"],
            site_name=site_name,
            fictional=fictional,
            level=lambda n: heat_level(n, top),
            gap_sentence=gap_sentence,
            rules=RULES,
            charts=trend_charts(data),
            percent=percent,
        )
    )


def _listed(items: list[str], shown: int = SHOWN) -> str:
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more} more" if more > 0 else "")


def _count_line(label: str, count: int, items: str) -> str:
    return f"  {label} ({count}): {items}" if count and items else f"  {label}: {count}"


def summary_text(data: dict[str, Any], out: Path | str) -> str:
    """The terminal summary: counts, gaps and top issues in 10 to 20 lines."""
    s, stories, quality = data["summary"], data["stories"], data["quality"]
    gaps: dict[str, list[str]] = {}
    for gap in data["coverage_gaps"]:
        gaps.setdefault(gap["service_line"], []).append(gap["stage"])
    missing = [f"{c['service_line']}/{c['topic']}" for c in data["clusters"] if not c["pillar"]]
    thin = [
        f"{c['service_line']}/{c['topic']} ({c['cluster_guides']})"
        for c in data["clusters"]
        if c["thin"]
    ]
    rules = [f"{rule} {n}" for rule, n in stories["withheld_by_rule"].items()]
    published = s["published_guides"] + s["published_stories"]
    steps = [
        f"{line} {row['intake']}/{row['scheduling']}/{row['triage']}"
        for line, row in sorted(data["next_steps"].items())
    ]
    within = stories["expiring_within"]
    lines = [
        f"Flywheel report as of {data['as_of']}",
        (
            f"  published: {s['published_guides']} guides, {s['published_stories']} stories "
            f"in {s['service_lines']} service lines"
        ),
        _count_line("withheld stories", s["withheld_stories"], ", ".join(rules)),
        _count_line(
            "coverage gaps",
            s["coverage_gaps"],
            "; ".join(f"{ln}: {', '.join(st)}" for ln, st in gaps.items()),
        ),
        _count_line("topics without a pillar", len(missing), _listed(missing)),
        _count_line("thin clusters, fewer than 3 cluster guides", len(thin), _listed(thin)),
        f"  pieces no other piece links to in its text: {s['no_inbound_links']} of {published}",
        f"  broken in-content links: {s['broken_links']}",
        f"  next steps intake/scheduling/triage: {_listed(steps, 6)}",
        (
            f"  consents expiring: {within['30']} within 30 days, {within['60']} within 60, "
            f"{within['90']} within 90"
        ),
    ]
    soon = [
        f"{e['consent']} ({e['story']}) in {e['days_left']} days"
        for e in stories["consents_expiring"]
    ]
    if soon:
        lines.append(f"    soonest: {_listed(soon, 2)}")
    overdue = [
        f"{r['guide']} {r['days_overdue']} days" for r in quality["reviews_due"] if r["overdue"]
    ]
    lines.append(_count_line("medical reviews overdue", s["reviews_overdue"], _listed(overdue, 3)))
    lines.append(f"  medical reviews due within 30 days: {s['reviews_due_soon']}")
    hard = [f"{p['slug']} {p['grade']:g}" for p in quality["above_reading_grade"]]
    grade_max = quality["reading_grade_max"]
    if grade_max > 0:
        lines.append(_count_line(f"above reading grade {grade_max:g}", len(hard), _listed(hard, 3)))
    gaps = [f"{g['service_line']} ({', '.join(g['missing'])})" for g in quality["first_visit_gaps"]]
    lines.append(_count_line("service lines without who_for/first_visit", len(gaps), _listed(gaps, 3)))
    found = data.get("outcomes") or {}
    if found.get("weeks"):
        movers = [f"{m['id']} {m['metric']} {m['change']:+g}" for m in found["movers"]]
        lines.append(f"  weeks measured: {len(found['weeks'])}, this week {found['this_week']}; "
                     f"movers: {_listed(movers, 3)}")
        read = [f"{p['page']} ({p['views']} views)" for p in found["read_no_step"]]
        lines.append(_count_line("read often, no care step", len(read), _listed(read, 3)))
        friction = [f"{f['service_line']} {f['care_step']} {percent(f['completed_per_started'])} completed"
                    for f in found["friction"]]
        lines.append(_count_line("steps started but not completed", len(friction), _listed(friction, 3)))
    backlog = (data.get("questions") or {}).get("backlog") or []
    if backlog:
        asked = [f"\"{q['question']}\" ({q['asked']})" for q in backlog]
        lines.append(_count_line("questions no guide answers", len(asked), _listed(asked, 2)))
    if s["errors"]:
        lines.append(
            f"  content errors: {s['errors']} (the report covers what loaded; run flywheel check)"
        )
    lines.append(f"wrote {Path(out) / 'index.html'} and {Path(out) / 'report.json'}")
    return "\n".join(lines) + "\n"
