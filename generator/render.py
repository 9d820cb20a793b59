"""Stage 5, render: the linked site -> page sources and navigation, with no MkDocs types.

Each page is Markdown with HTML blocks for the page chrome (triage notice, call to action,
notices, JSON-LD). Guide bodies are the content team's Markdown; story bodies are patients'
text and arrive here already sanitized to HTML. Everything else from content is escaped,
including the titles and descriptions handed to the theme: Material prints page titles, nav
titles and meta descriptions as HTML, unescaped, so they leave here as escaped HTML.
"""

from __future__ import annotations

import html
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
from .link import Cluster, NextStep, SiteModel, link, next_step, with_campaign
from .project import Entry
from .sanitize import story_html
from .schema import Guide, Story

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(value: str) -> str:
    """Plain text inside Markdown: HTML-escaped, and Markdown punctuation backslash-escaped."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def html_text(value: str) -> str:
    """Plain text as HTML, for places the theme prints as HTML: titles, nav, meta tags.

    The theme quotes attributes with `"`, so `'` stays as it is, readable in the search index.
    """
    return html.escape(value, quote=False).replace('"', "&quot;")


def tel(phone: str) -> str:
    """A phone number as a `tel:` URL's digits."""
    return re.sub(r"[^0-9+]", "", phone)


def json_ld(data: dict) -> str:
    """JSON for a <script> element: `<`, `>` and `&` are written as \\u escapes, so no text
    can close the element early or change how the browser reads it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def safe_src(url: str | None) -> str | None:
    """A champion photo's address if it is `https:` or site-relative, else nothing."""
    if not url or any(ch in url for ch in "\\\"'<> \t\r\n"):
        return None
    if url.startswith("https://") or (url.startswith("/") and not url.startswith("//")):
        return url
    return None


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The address of a generated page relative to the site root, as MkDocs gives it."""
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def url_between(target_uri: str, source_uri: str, directory_urls: bool = True) -> str:
    """The relative address of one generated page from another, for links written as raw HTML
    (MkDocs rewrites only Markdown links)."""
    target = page_url(target_uri, directory_urls)
    here = page_url(source_uri, directory_urls)
    folder = here.rstrip("/") if directory_urls else posixpath.dirname(here)
    relative = posixpath.relpath(target or ".", folder or ".")
    return relative + "/" if directory_urls and (target.endswith("/") or not target) else relative


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """The Jinja environment of the page templates: autoescaping, strict about names."""
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
    env.filters["html"] = html_text
    env.filters["longdate"] = lambda d: f"{d:%B} {d.day}, {d.year}"
    return env


@dataclass(frozen=True)
class GeneratedPage:
    """One page of the site: where it goes, its Markdown source, and what it is."""

    src_uri: str
    markdown: str
    title: str  # plain text; the nav and the page metadata carry it HTML-escaped
    kind: str  # home | service_line | guide | story | champion
    slug: str
    service_line: str | None = None
    next_step: NextStep | None = None
    published: bool = True
    source: str | None = None  # the content file it comes from, relative to the project
    in_nav: bool = True  # campaign landing pages are reached by their links, not the nav


@dataclass
class RenderedSite:
    """The generated pages and the navigation that lists them."""

    pages: list[GeneratedPage]
    nav: list[Any]  # in the shape of mkdocs.yml's `nav:`

    def page(self, slug: str, kind: str | None = None) -> GeneratedPage | None:
        """The page generated for a slug (and kind), if any."""
        return next(
            (p for p in self.pages if p.slug == slug and (kind is None or p.kind == kind)), None
        )


def campaign_page_meta(title: str, description: str) -> dict[str, str]:
    """Frontmatter of a page kept out of search engines and the site's own search."""
    return {"title": html_text(title), "description": html_text(description)}


def guide_uri(entry: Entry[Guide]) -> str:
    """A pillar is its topic's index page; a cluster guide sits beside it."""
    base = f"{entry.data.service_line}/{entry.data.topic}"
    return f"{base}/index.md" if entry.data.pillar else f"{base}/{entry.id}.md"


def story_uri(entry: Entry[Story]) -> str:
    """Stories keep one address when they move between topics or service lines."""
    return f"stories/{entry.id}.md"


def line_uri(line_slug: str) -> str:
    """A service line's landing page."""
    return f"{line_slug}/index.md"


def champion_uri(champion_id: str) -> str:
    """A champion's page."""
    return f"champions/{champion_id}.md"


def uri_of(entry: Entry) -> str:
    """The page of a guide or story."""
    return guide_uri(entry) if isinstance(entry.data, Guide) else story_uri(entry)


def _relative(target: str, source: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


class _Renderer:
    def __init__(self, site: SiteModel, site_name: str, site_url: str | None, directory_urls: bool):
        self.site = site
        self.site_name = site_name
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.directory_urls = directory_urls
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
        if self.site_url:
            ld["url"] = self.site_url + page_url(uri, self.directory_urls)
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
            uri,
            markdown,
            guide.title,
            "guide",
            entry.id,
            service_line=guide.service_line,
            next_step=step,
            published=self.site.decision(entry.id).published,
            source=entry.path,
        )

    def story(self, entry: Entry[Story]) -> GeneratedPage:
        story, uri = entry.data, story_uri(entry)
        line = self.project.service_lines[story.service_line].data
        cluster = self.site.clusters.get((story.service_line, story.topic or ""))
        decision = self.site.decision(entry.id)
        champion = self.project.champions.get(story.champion)
        photo = (
            safe_src(champion.data.photo) if champion is not None and decision.show_photo else None
        )
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
                url_between(champion_uri(story.champion), uri, self.directory_urls)
                if story.champion in self.site.champions
                and decision.published
                and decision.credit != ANONYMOUS_CREDIT
                else None
            ),
            photo=photo,
            body_html=story_html(entry.doc.body),
            pillar=cluster.pillar if cluster else None,
            line_page=_relative(line_uri(story.service_line), uri),
            step=step,
        )
        return GeneratedPage(
            uri,
            markdown,
            story.title,
            "story",
            entry.id,
            service_line=story.service_line,
            next_step=step,
            published=decision.published,
            source=entry.path,
        )

    def service_line(self, line_slug: str) -> GeneratedPage:
        entry = self.project.service_lines[line_slug]
        uri = line_uri(line_slug)
        topics = [
            c
            for (sl, _), c in self.site.clusters.items()
            if sl == line_slug and c.pillar is not None
        ]
        step = self._step(line_slug, None, line_slug)
        # The care steps are calls to action too: their links carry the same campaign.
        care_links = [
            (
                s.label,
                with_campaign(s.url, line_slug, line_slug)
                if s.url and self.site.campaign
                else s.url,
                s.phone,
            )
            for s in (entry.data.care_steps.intake, entry.data.care_steps.scheduling)
        ]
        markdown = self._render(
            "service_line.md.j2",
            uri,
            line=entry.data,
            care_links=care_links,
            triage=self._triage(line_slug),
            topics=topics,
            stories=self.site.stories_by_line[line_slug],
            step=step,
        )
        return GeneratedPage(
            uri,
            markdown,
            entry.data.name,
            "service_line",
            line_slug,
            service_line=line_slug,
            next_step=step,
            source=entry.path,
        )

    def champion(self, champion_id: str, stories: list[Entry[Story]]) -> GeneratedPage:
        champion = self.project.champions[champion_id].data
        uri = champion_uri(champion_id)
        first = stories[0].data
        step = self._step(first.service_line, first.next_step, champion_id)
        # The call to action leads into the first story's service line: on an urgent pathway
        # its triage notice comes first, as on every other page that leads there.
        markdown = self._render(
            "champion.md.j2",
            uri,
            champion=champion,
            stories=stories,
            step=step,
            triage=self._triage(first.service_line),
        )
        return GeneratedPage(
            uri,
            markdown,
            champion.name,
            "champion",
            champion_id,
            service_line=first.service_line,
            next_step=step,
            source=self.project.champions[champion_id].path,
        )

    def home(self) -> GeneratedPage:
        lines = [(self.project.service_lines[s].data, line_uri(s)) for s in self.site.lines]
        published = [
            s
            for stories in self.site.stories_by_line.values()
            for s in stories
            if self.site.decision(s.id).published
        ]
        featured = sorted(published, key=lambda s: s.id)[:3]
        markdown = self._render(
            "home.md.j2", "index.md", site_name=self.site_name, lines=lines, featured=featured
        )
        return GeneratedPage("index.md", markdown, self.site_name, "home", "index")


def render_site(
    result: CheckResult,
    *,
    site_name: str = "Our practice",
    site_url: str | None = None,
    directory_urls: bool = True,
    campaign: bool = True,
    preview: bool = False,
) -> RenderedSite:
    """Every page of the site and its navigation: service line -> topic -> pages.

    `site_url` (mkdocs.yml's) makes the guides' structured data carry their address;
    `directory_urls` says how MkDocs addresses pages. Nav titles are HTML-escaped.
    """
    site = link(result, campaign=campaign, preview=preview)
    renderer = _Renderer(site, site_name, site_url, directory_urls)
    esc = html_text
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
                members.append(
                    page.src_uri if guide is cluster.pillar else {esc(page.title): page.src_uri}
                )
            for story in cluster.stories:
                page = renderer.story(story)
                pages.append(page)
                members.append({esc(page.title): page.src_uri})
            if members:
                section.append({esc(cluster.title): members})
        loose = [
            s
            for s in site.stories_by_line[line_slug]
            if (line_slug, s.data.topic or "") not in site.clusters
        ]
        if loose:
            story_pages = [renderer.story(s) for s in loose]
            pages.extend(story_pages)
            section.append({"Patient stories": [{esc(p.title): p.src_uri} for p in story_pages]})
        nav.append({esc(line_page.title): section})
    if site.champions:
        champion_pages = [
            renderer.champion(cid, stories) for cid, stories in site.champions.items()
        ]
        pages.extend(champion_pages)
        nav.append({"Our patient champions": [{esc(p.title): p.src_uri} for p in champion_pages]})
    from .campaigns import campaign_pages  # campaigns builds on this module's renderer

    pages.extend(campaign_pages(renderer))
    return RenderedSite(pages, nav)
