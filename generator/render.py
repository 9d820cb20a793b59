"""Stage 5, render: the linked site -> page sources and navigation, with no MkDocs types.

Each page is Markdown with HTML blocks for the page chrome (triage notice, call to action,
notices, JSON-LD). Guide bodies are the content team's Markdown; story bodies are patients'
text and arrive here already sanitized to HTML. Everything else from content is escaped.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
import markupsafe

from .check import CheckResult
from .gate import ANONYMOUS_CREDIT
from .link import Cluster, NextStep, SiteModel, link, next_step
from .project import Entry
from .sanitize import story_html
from .schema import Guide, Story

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(value: str) -> str:
    """Plain text inside Markdown: HTML-escaped, and Markdown punctuation backslash-escaped."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def tel(phone: str) -> str:
    return re.sub(r"[^0-9+]", "", phone)


def json_ld(data: dict) -> str:
    """JSON for a <script> element: no '</' can close it early."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda value: markupsafe.Markup(md_text(value))
    env.filters["tel"] = tel
    env.filters["json"] = lambda value: markupsafe.Markup(json.dumps(value, ensure_ascii=False))
    env.filters["longdate"] = lambda d: f"{d:%B} {d.day}, {d.year}"
    return env


@dataclass(frozen=True)
class GeneratedPage:
    """One page of the site: where it goes, its Markdown source, and what it is."""

    src_uri: str
    markdown: str
    title: str
    kind: str  # home | service_line | guide | story | champion
    slug: str
    service_line: str | None = None
    next_step: NextStep | None = None
    published: bool = True


@dataclass
class RenderedSite:
    pages: list[GeneratedPage]
    nav: list[Any]  # in the shape of mkdocs.yml's `nav:`

    def page(self, slug: str, kind: str | None = None) -> GeneratedPage | None:
        return next((p for p in self.pages if p.slug == slug and (kind is None or p.kind == kind)), None)


def guide_uri(entry: Entry[Guide]) -> str:
    base = f"{entry.data.service_line}/{entry.data.topic}"
    return f"{base}/index.md" if entry.data.pillar else f"{base}/{entry.id}.md"


def story_uri(entry: Entry[Story]) -> str:
    return f"stories/{entry.id}.md"


def line_uri(line_slug: str) -> str:
    return f"{line_slug}/index.md"


def champion_uri(champion_id: str) -> str:
    return f"champions/{champion_id}.md"


def uri_of(entry: Entry) -> str:
    return guide_uri(entry) if isinstance(entry.data, Guide) else story_uri(entry)


def _relative(target: str, source: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


class _Renderer:
    def __init__(self, site: SiteModel, site_name: str):
        self.site = site
        self.site_name = site_name
        self.project = site.result.project
        self.env = template_environment()

    def _render(self, template: str, src_uri: str, **context: Any) -> str:
        def rel(target: Any) -> str:
            uri = target if isinstance(target, str) else uri_of(target)
            return _relative(uri, src_uri)

        return self.env.get_template(template).render(site=self.site, rel=rel, **context)

    def _step(self, line_slug: str, wanted: str | None, slug: str) -> NextStep:
        line = self.project.service_lines[line_slug].data
        return next_step(line_slug, line, wanted, slug, self.site.campaign)

    def _triage(self, line_slug: str) -> NextStep | None:
        line = self.project.service_lines[line_slug].data
        return self._step(line_slug, "triage", line_slug) if line.urgent else None

    def guide(self, entry: Entry[Guide], cluster: Cluster) -> GeneratedPage:
        guide, uri = entry.data, guide_uri(entry)
        line = self.project.service_lines[guide.service_line].data
        step = self._step(guide.service_line, guide.next_step, entry.id)
        ld = {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "name": guide.title,
            "description": guide.summary,
            "about": {"@type": "Thing", "name": cluster.title},
            "lastReviewed": guide.reviewed_on.isoformat(),
            "reviewedBy": {"@type": "Person", "name": guide.reviewed_by},
            "audience": {"@type": "PeopleAudience", "audienceType": "Patient"},
        }
        markdown = self._render(
            "guide.md.j2",
            uri,
            guide=guide,
            line=line,
            triage=self._triage(guide.service_line),
            decision=self.site.decision(entry.id),
            jsonld=json_ld(ld),
            body=entry.doc.body.strip() + "\n",
            cluster=cluster,
            read_next=cluster.read_next(entry.id),
            step=step,
        )
        return GeneratedPage(
            uri, markdown, guide.title, "guide", entry.id, guide.service_line, step, self.site.decision(entry.id).published
        )

    def story(self, entry: Entry[Story]) -> GeneratedPage:
        story, uri = entry.data, story_uri(entry)
        line = self.project.service_lines[story.service_line].data
        cluster = self.site.clusters.get((story.service_line, story.topic or ""))
        decision = self.site.decision(entry.id)
        champion = self.project.champions.get(story.champion)
        photo = champion.data.photo if champion is not None and decision.show_photo else None
        step = self._step(story.service_line, story.next_step, entry.id)
        markdown = self._render(
            "story.md.j2",
            uri,
            story=story,
            line=line,
            triage=self._triage(story.service_line),
            decision=decision,
            credit=self.site.credit(entry),
            champion_page=(
                _relative(champion_uri(story.champion), uri).removesuffix(".md") + "/"
                if story.champion in self.site.champions and decision.published and decision.credit != ANONYMOUS_CREDIT
                else None
            ),
            photo=photo,
            body_html=story_html(entry.doc.body),
            pillar=cluster.pillar if cluster else None,
            line_page=_relative(line_uri(story.service_line), uri),
            step=step,
        )
        return GeneratedPage(uri, markdown, story.title, "story", entry.id, story.service_line, step, decision.published)

    def service_line(self, line_slug: str) -> GeneratedPage:
        entry = self.project.service_lines[line_slug]
        uri = line_uri(line_slug)
        topics = [c for (sl, _), c in self.site.clusters.items() if sl == line_slug and c.pillar is not None]
        step = self._step(line_slug, None, line_slug)
        markdown = self._render(
            "service_line.md.j2",
            uri,
            line=entry.data,
            steps=entry.data.care_steps,
            triage=self._triage(line_slug),
            topics=topics,
            stories=self.site.stories_by_line[line_slug],
            step=step,
        )
        return GeneratedPage(uri, markdown, entry.data.name, "service_line", line_slug, line_slug, step)

    def champion(self, champion_id: str, stories: list[Entry[Story]]) -> GeneratedPage:
        champion = self.project.champions[champion_id].data
        uri = champion_uri(champion_id)
        first = stories[0].data
        step = self._step(first.service_line, first.next_step, champion_id)
        markdown = self._render("champion.md.j2", uri, champion=champion, stories=stories, step=step)
        return GeneratedPage(uri, markdown, champion.name, "champion", champion_id, first.service_line, step)

    def home(self) -> GeneratedPage:
        lines = [(self.project.service_lines[s].data, line_uri(s)) for s in self.site.lines]
        published = [s for stories in self.site.stories_by_line.values() for s in stories if self.site.decision(s.id).published]
        featured = sorted(published, key=lambda s: s.id)[:3]
        markdown = self._render("home.md.j2", "index.md", site_name=self.site_name, lines=lines, featured=featured)
        return GeneratedPage("index.md", markdown, self.site_name, "home", "index")


def render_site(result: CheckResult, *, site_name: str = "Our practice", campaign: bool = True, preview: bool = False) -> RenderedSite:
    """Every page of the site and its navigation: service line -> topic -> pages."""
    site = link(result, campaign=campaign, preview=preview)
    renderer = _Renderer(site, site_name)
    pages = [renderer.home()]
    nav: list[Any] = [{"Home": "index.md"}]
    for line_slug in site.lines:
        line_page = renderer.service_line(line_slug)
        pages.append(line_page)
        section: list[Any] = [line_page.src_uri]
        for (sl, _), cluster in site.clusters.items():
            if sl != line_slug:
                continue
            members: list[Any] = []
            for guide in ([cluster.pillar] if cluster.pillar else []) + cluster.guides:
                page = renderer.guide(guide, cluster)
                pages.append(page)
                members.append(page.src_uri if guide is cluster.pillar else {page.title: page.src_uri})
            for story in cluster.stories:
                page = renderer.story(story)
                pages.append(page)
                members.append({page.title: page.src_uri})
            if members:
                section.append({cluster.title: members})
        loose = [s for s in site.stories_by_line[line_slug] if (line_slug, s.data.topic or "") not in site.clusters]
        if loose:
            story_pages = [renderer.story(s) for s in loose]
            pages.extend(story_pages)
            section.append({"Patient stories": [{p.title: p.src_uri} for p in story_pages]})
        nav.append({line_page.title: section})
    if site.champions:
        champion_pages = [renderer.champion(cid, stories) for cid, stories in site.champions.items()]
        pages.extend(champion_pages)
        nav.append({"Our patient champions": [{p.title: p.src_uri} for p in champion_pages]})
    return RenderedSite(pages, nav)
