"""Campaigns (contract v2): `campaigns/<id>.yml`, validated like every other content type, and
a landing page per active campaign.

A landing page is built only between `starts_on` and `ends_on` (the gate's build date), sits
outside the navigation, is marked `noindex`, lists only what the gate publishes, and its call
to action carries `utm_campaign=<id>` so the practice can tell which campaign filled a slot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .errors import FlywheelError, Problem, did_you_mean, problem
from .gate import Gate
from .link import NextStep, SiteModel, with_campaign
from .project import Entry, Project
from .schema import SLUG_PATTERN, Campaign, CareStep

CAMPAIGNS_DIR = "campaigns"


def campaign_uri(campaign_id: str) -> str:
    """The landing page's source path: served at `campaigns/<id>/`."""
    return f"{CAMPAIGNS_DIR}/{campaign_id}/index.md"


def is_active(campaign: Campaign, as_of: dt.date) -> bool:
    """Built on `as_of`: from `starts_on` to `ends_on`, both days included."""
    return campaign.starts_on <= as_of <= campaign.ends_on


def load_campaigns(project: Project) -> None:
    """Read and check every `campaigns/**/<id>.yml` into `project.campaigns`."""
    from .validate import _check_summary, _yaml_records, build, field_problem

    problems = project.problems
    for campaign_id, doc in _yaml_records(project, CAMPAIGNS_DIR, what="campaign id"):
        campaign = build(Campaign, doc.data, doc, problems)
        if campaign is None:
            continue
        _check_summary(campaign.landing.summary, doc, ("landing", "summary"), problems)
        before = len(problems)
        line = project.service_lines.get(campaign.service_line)
        if line is None:
            problems.append(
                field_problem(
                    "unknown-service-line",
                    doc,
                    ("service_line",),
                    f"no service line '{campaign.service_line}' in service_lines/",
                    hint=did_you_mean(campaign.service_line, project.service_lines),
                )
            )
        elif getattr(line.data.care_steps, campaign.care_step) is None:
            problems.append(
                field_problem(
                    "next-step-unavailable",
                    doc,
                    ("care_step",),
                    f"care_step is '{campaign.care_step}' but service line "
                    f"'{campaign.service_line}' has no {campaign.care_step} care step",
                    hint="use intake or scheduling, or add the step to the service line",
                )
            )
        if campaign.ends_on < campaign.starts_on:
            problems.append(
                field_problem(
                    "campaign-dates",
                    doc,
                    ("ends_on",),
                    f"ends_on {campaign.ends_on} is before starts_on {campaign.starts_on}",
                    hint="a campaign runs from starts_on to ends_on, both days included",
                )
            )
        listed = (
            ("guide", "unknown-guide", campaign.landing.guides, project.guides),
            ("story", "unknown-story-slug", campaign.landing.stories, project.stories),
        )
        for kind, code, slugs, pieces in listed:
            for index, slug in enumerate(slugs):
                if slug not in pieces and project.raw.get(slug, ("",))[0] != kind:
                    problems.append(
                        field_problem(
                            code,
                            doc,
                            ("landing", f"{kind}s" if kind == "guide" else "stories", str(index)),
                            f"no {kind} '{slug}' in content/{'guides' if kind == 'guide' else 'stories'}/",
                            hint=did_you_mean(slug, _slugs(project, kind)),
                        )
                    )
        for index, channel in enumerate(campaign.channels):
            if not SLUG_PATTERN.match(channel):
                problems.append(
                    field_problem(
                        "bad-slug",
                        doc,
                        ("channels", str(index)),
                        f"channel '{channel}' must be lowercase letters, digits and hyphens",
                        hint="it becomes utm_source in the campaign's links, e.g. 'email'",
                    )
                )
        if len(problems) == before:
            project.campaigns[campaign_id] = Entry(campaign_id, campaign, doc)


def _slugs(project: Project, kind: str) -> list[str]:
    return [slug for slug, (k, _, _) in project.raw.items() if k == kind]


# A campaign's channels as the consent scope names them. A story is the patient's to share on
# the channels they allowed: a campaign that runs on email, social media or print lists it only
# when its consent covers each of them. Search and web ads lead to the website itself.
_SCOPE_OF_CHANNEL = {
    "website": "website", "web": "website", "search": "website", "seo": "website", "ads": "website",
    "email": "email", "newsletter": "email",
    "social": "social", "facebook": "social", "instagram": "social", "linkedin": "social",
    "tiktok": "social", "twitter": "social", "x": "social", "youtube": "social", "nextdoor": "social",
    "print": "print", "flyer": "print", "poster": "print", "mailer": "print", "postcard": "print",
}
_SHARED = ("email", "social", "print")  # a channel of another name may be any of these


def scopes_needed(campaign: Campaign) -> list[str]:
    """The consent scopes a story needs to be listed by `campaign`, in the scope's order."""
    needed = set()
    for channel in campaign.channels:
        scope = _SCOPE_OF_CHANNEL.get(channel)
        needed.update(_SHARED if scope is None else {scope})
    return [scope for scope in ("website", *_SHARED) if scope in needed]


def _uncovered(project: Project, gate: Gate, slug: str, campaign: Campaign) -> list[str]:
    """The scopes `campaign` needs that the consent of the published story `slug` lacks."""
    decision = gate.decisions.get(slug)
    record = project.consents.get(decision.consent) if decision is not None and decision.consent else None
    have = set(record.data.scope) if record is not None else set()
    return [scope for scope in scopes_needed(campaign) if scope not in have and scope != "website"]


def listed_stories(project: Project, gate: Gate, campaign: Campaign) -> list[str]:
    """The stories a landing page lists: published, and consented for every channel it runs on."""
    return [slug for slug in campaign.landing.stories
            if gate.is_published(slug) and not _uncovered(project, gate, slug, campaign)]


def campaign_problems(project: Project, gate: Gate) -> list[Problem]:
    """Warnings that need the gate: a campaign not yet ended whose stories are all withheld, or
    a story it lists whose consent does not cover the channels it runs on."""
    found = []
    for campaign_id, entry in sorted(project.campaigns.items()):
        campaign = entry.data
        stories = campaign.landing.stories
        if campaign.ends_on < gate.as_of or not stories:
            continue
        for index, slug in enumerate(stories):
            if gate.is_published(slug) and (missing := _uncovered(project, gate, slug, campaign)):
                found.append(
                    problem(
                        "campaign-story-scope",
                        entry.path,
                        f"campaign '{campaign_id}' runs on {', '.join(campaign.channels)}, and the consent for "
                        f"story '{slug}' does not cover {', '.join(missing)}: its landing page leaves the story out",
                        line=entry.line("landing", "stories", str(index)) or entry.line("landing", "stories"),
                        field="landing.stories",
                        hint="the patient's consent `scope` lists the channels they allowed; ask them before "
                        "adding any, or run the campaign on the channels it covers",
                    )
                )
        if not any(gate.is_published(slug) for slug in stories):
            found.append(
                problem(
                    "campaign-stories-withheld",
                    entry.path,
                    f"campaign '{campaign_id}' lists {len(stories)} story(ies) and the consent gate "
                    "withholds every one: its landing page lists no story",
                    line=entry.line("landing", "stories"),
                    field="landing.stories",
                    hint="list a published story, or see `flywheel check` for why each is withheld",
                )
            )
    return found


@dataclass(frozen=True)
class Landing:
    """What a landing page shows, already gated."""

    campaign_id: str
    campaign: Campaign
    guides: list[Entry]
    stories: list[Entry]
    step: NextStep


def landing(site: SiteModel, campaign_id: str) -> Landing:
    """The landing page's data: only published pieces, in the campaign's order."""
    project, gate = site.result.project, site.result.gate
    campaign = project.campaigns[campaign_id].data
    guides = [project.guides[s] for s in campaign.landing.guides if gate.is_published(s)]
    stories = [project.stories[s] for s in listed_stories(project, gate, campaign)]
    line = project.service_lines[campaign.service_line].data
    step: CareStep = getattr(line.care_steps, campaign.care_step)
    url = step.url
    if url and site.campaign:
        url = with_campaign(url, campaign_id, campaign_id)
    return Landing(
        campaign_id,
        campaign,
        guides,
        stories,
        NextStep(campaign.care_step, step.label, url, step.phone, step.text),
    )


def active_campaigns(project: Project, as_of: dt.date) -> list[str]:
    """Ids of the campaigns whose landing page is built on `as_of`, sorted."""
    return sorted(cid for cid, e in project.campaigns.items() if is_active(e.data, as_of))


def campaign_links(root: Path, project: Project, campaign_id: str, site_url: str | None) -> list[str]:
    """`<channel>  <address>` lines: the landing page tagged for each channel."""
    if campaign_id not in project.campaigns:
        raise FlywheelError(
            [
                problem(
                    "unknown-campaign",
                    CAMPAIGNS_DIR + "/",
                    f"no campaign '{campaign_id}' in {CAMPAIGNS_DIR}/",
                    hint=did_you_mean(campaign_id, project.campaigns)
                    or f"campaigns: {', '.join(sorted(project.campaigns)) or 'none yet'}",
                )
            ]
        )
    if not site_url:
        raise FlywheelError(
            [
                problem(
                    "no-site-url",
                    "mkdocs.yml",
                    "no site_url: campaign links need the site's full address",
                    field="site_url",
                    hint="add e.g. 'site_url: https://www.example.org/' to mkdocs.yml",
                )
            ]
        )
    campaign = project.campaigns[campaign_id].data
    address = site_url.rstrip("/") + "/" + f"{CAMPAIGNS_DIR}/{campaign_id}/"
    lines = []
    width = max((len(c) for c in campaign.channels), default=0)
    for channel in campaign.channels:
        query = urlencode(
            [("utm_source", channel), ("utm_medium", "campaign"), ("utm_campaign", campaign_id)]
        )
        lines.append(f"{channel:<{width}}  {address}?{query}")
    return lines


def campaign_pages(renderer) -> list:
    """The landing page of every campaign active on the build date (render stage).

    `renderer` is render's page renderer; the pages are kept out of the navigation."""
    from .render import GeneratedPage, campaign_page_meta

    site = renderer.site
    project, as_of = site.result.project, site.result.gate.as_of
    pages = []
    for campaign_id in active_campaigns(project, as_of):
        data = landing(site, campaign_id)
        campaign = data.campaign
        uri = campaign_uri(campaign_id)
        markdown = renderer._render(
            "campaign.md.j2",
            uri,
            meta=campaign_page_meta(campaign.landing.title, campaign.landing.summary)
            | renderer._meta("campaign", data.step, renderer._crumbs((campaign.landing.title, None))),
            page=data,
            line=project.service_lines[campaign.service_line].data,
            triage_card=renderer._triage_card(campaign.service_line, None, campaign_id),
        )
        pages.append(
            GeneratedPage(
                uri,
                markdown,
                campaign.landing.title,
                "campaign",
                campaign_id,
                service_line=campaign.service_line,
                next_step=data.step,
                source=project.campaigns[campaign_id].path,
                in_nav=False,
            )
        )
    return pages
