"""Stage 4, link: published pieces -> topic clusters, listings and resolved next steps.

Only what the gate let through is linked (in preview, everything valid, marked). Every list is
sorted by a stable key so the same content always gives the same site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote_plus, urlencode, urlsplit, urlunsplit

from .check import CheckResult
from .gate import ANONYMOUS_CREDIT, Decision
from .project import Entry
from .schema import STAGES, CareStep, Guide, ServiceLine, Story

_STAGE_ORDER = {stage: i for i, stage in enumerate(STAGES)}


@dataclass(frozen=True)
class NextStep:
    """The one primary call to action of a page."""

    kind: str  # intake | scheduling | triage | practice
    label: str
    url: str | None
    phone: str | None
    text: str | None
    heading: str | None = None  # triage: the step's own label ("Chest pain right now?")

    @property
    def emergency(self) -> bool:
        """A triage step: its button says the number to call and looks like an emergency."""
        return self.kind == "triage"


def with_campaign(url: str, service_line: str, slug: str) -> str:
    """Append campaign parameters so intake can tell which page sent a patient.

    The URL's own query is kept byte for byte (an intake form may need it), except earlier
    `utm_*` parameters, which ours replace; a fragment stays at the end.
    """
    parts = urlsplit(url)
    kept = [
        part
        for part in parts.query.split("&")
        if part and not unquote_plus(part.split("=", 1)[0]).startswith("utm_")
    ]
    campaign = urlencode(
        [
            ("utm_source", "website"),
            ("utm_medium", "cta"),
            ("utm_campaign", service_line),
            ("utm_content", slug),
        ]
    )
    return urlunsplit(parts._replace(query="&".join([*kept, campaign])))


def next_step(
    line_slug: str,
    line: ServiceLine,
    wanted: str | None,
    slug: str,
    campaign: bool,
    triage: CareStep | None = None,
) -> NextStep:
    """The page's next step: `wanted` (its `next_step`) or the line's `default_next_step`,
    with campaign parameters naming the line and the page `slug` when `campaign` is on.

    `triage` is the page's own triage step when its topic declares one. A triage step with a
    phone reads "Call 911", not its label: the button must say what to do."""
    kind = wanted or line.default_next_step
    step: CareStep | None = getattr(line.care_steps, kind)
    if kind == "triage" and triage is not None:
        step = triage
    if step is None or not (step.url or step.phone):
        # Validation rejects a missing step; a triage step with neither URL nor phone cannot be
        # a link (its notice still opens the page). Fall back to intake, which always has a URL.
        kind, step = "intake", line.care_steps.intake
    url = step.url
    if url and campaign:
        url = with_campaign(url, line_slug, slug)
    if kind == "triage" and step.phone:
        return NextStep(kind, f"Call {step.phone}", None, step.phone, step.text, step.label)
    return NextStep(kind, step.label, url, step.phone, step.text)


@dataclass
class Cluster:
    """One topic of one service line: its pillar, cluster guides and related stories."""

    service_line: str
    topic: str
    title: str
    pillar: Entry[Guide] | None
    guides: list[Entry[Guide]] = field(default_factory=list)  # cluster guides, pillar excluded
    stories: list[Entry[Story]] = field(default_factory=list)
    _positions: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def read_next(self, slug: str) -> Entry[Guide] | None:
        """The sibling after `slug` among the cluster guides, wrapping around."""
        following = self.following(slug, 1)
        return following[0] if following else None

    def following(self, slug: str, count: int) -> list[Entry[Guide]]:
        """Up to `count` cluster guides after `slug`, in reading order, wrapping around."""
        if self._positions is None or len(self._positions) != len(self.guides):
            self._positions = {g.id: n for n, g in enumerate(self.guides)}
        at = self._positions.get(slug)
        if at is None:
            return []
        total = len(self.guides)
        return [self.guides[(at + step) % total] for step in range(1, min(count, total - 1) + 1)]


@dataclass
class SiteModel:
    """Everything the renderer needs, in render order."""

    result: CheckResult
    campaign: bool
    preview: bool
    lines: list[str]
    clusters: dict[tuple[str, str], Cluster]
    stories_by_line: dict[str, list[Entry[Story]]]
    champions: dict[str, list[Entry[Story]]]  # champions who get a page -> their stories

    def decision(self, slug: str) -> Decision:
        """The gate's decision for a piece."""
        return self.result.gate.decisions[slug]

    def credit(self, story: Entry[Story]) -> str:
        """How the story's champion is credited: only what the consent allows."""
        decision = self.decision(story.id)
        if decision.credit:
            return decision.credit
        return ANONYMOUS_CREDIT  # preview of a withheld story: never a name without consent


def _guide_key(entry: Entry[Guide]) -> tuple:
    return (_STAGE_ORDER.get(entry.data.stage, 99), entry.data.title.casefold(), entry.id)


def _story_key(entry: Entry[Story]) -> tuple:
    return (entry.data.title.casefold(), entry.id)


def link(result: CheckResult, *, campaign: bool = True, preview: bool = False) -> SiteModel:
    """Arrange the pieces the gate published (in preview: every valid piece) into the site."""
    project, gate = result.project, result.gate

    def shown(slug: str) -> bool:
        return preview or gate.is_published(slug)

    lines = sorted(
        project.service_lines, key=lambda s: (project.service_lines[s].data.name.casefold(), s)
    )
    clusters: dict[tuple[str, str], Cluster] = {}
    for line_slug in lines:
        for topic_slug, topic in sorted(project.service_lines[line_slug].data.topics.items()):
            clusters[(line_slug, topic_slug)] = Cluster(line_slug, topic_slug, topic.title, None)
    for entry in sorted(project.guides.values(), key=_guide_key):
        cluster = clusters.get((entry.data.service_line, entry.data.topic))
        if cluster is None or not shown(entry.id):
            continue
        if entry.data.pillar and cluster.pillar is None:
            cluster.pillar = entry
        else:
            cluster.guides.append(entry)
    stories_by_line: dict[str, list[Entry[Story]]] = {line: [] for line in lines}
    champions: dict[str, list[Entry[Story]]] = {}
    for entry in sorted(project.stories.values(), key=_story_key):
        story = entry.data
        if story.service_line not in stories_by_line or not shown(entry.id):
            continue
        stories_by_line[story.service_line].append(entry)
        cluster = clusters.get((story.service_line, story.topic or ""))
        if cluster is not None:
            cluster.stories.append(entry)
        decision = gate.decisions[entry.id]
        if (
            decision.published
            and decision.credit != ANONYMOUS_CREDIT
            and story.champion in project.champions
        ):
            champions.setdefault(story.champion, []).append(entry)
    # A champion page would link their stories together: only when every story names them.
    for champion_id in list(champions):
        all_theirs = [
            e
            for e in project.stories.values()
            if e.data.champion == champion_id and gate.is_published(e.id)
        ]
        if any(gate.decisions[e.id].credit == ANONYMOUS_CREDIT for e in all_theirs):
            del champions[champion_id]
    return SiteModel(
        result, campaign, preview, lines, clusters, stories_by_line, dict(sorted(champions.items()))
    )
