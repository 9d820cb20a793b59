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
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
import markdown as markdown_lib
import markupsafe

from . import care_cards
from .check import CheckResult
from .forkmap import split, workers
from .gate import ANONYMOUS_CREDIT
from .link import Cluster, NextStep, SiteModel, link, next_step, with_campaign
from .project import Entry
from .schema import CareStep, Guide, Practice, ServiceLine, Story
from .shown import body_html, page_version

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


def relpath(target: str, start: str) -> str:
    """`posixpath.relpath` for the site's own relative addresses, computed from the strings
    alone: the standard one asks the operating system for the working folder twice a call,
    which was a fifth of rendering a 5,000-piece site. Anything unusual goes to it."""
    if target.startswith("/") or start.startswith("/"):
        return posixpath.relpath(target, start)
    to = [part for part in target.split("/") if part not in ("", ".")]
    here = [part for part in start.split("/") if part not in ("", ".")]
    if ".." in to or ".." in here:
        return posixpath.relpath(target, start)
    common = 0
    while common < min(len(to), len(here)) and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def url_between(target_uri: str, source_uri: str, directory_urls: bool = True) -> str:
    """The relative address of one generated page from another, for links written as raw HTML
    (MkDocs rewrites only Markdown links)."""
    target = page_url(target_uri, directory_urls)
    here = page_url(source_uri, directory_urls)
    folder = here.rstrip("/") if directory_urls else posixpath.dirname(here)
    relative = relpath(target or ".", folder or ".")
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
    # Text in raw HTML as Python-Markdown writes text: `&`, `<` and `>` escaped, quotes kept.
    env.filters["text"] = lambda value: markupsafe.Markup(html.escape(value, quote=False))
    env.filters["longdate"] = lambda d: f"{d:%B} {d.day}, {d.year}"
    return env


@dataclass(frozen=True)
class Contact:
    """How to reach the care a card or notice points to: prepared here, printed by templates."""

    label: str
    url: str | None
    phone: str | None
    text: str | None


@dataclass(frozen=True)
class Crumb:
    """One step of a page's breadcrumb trail; the last is the page itself (no url)."""

    title: str
    url: str | None  # site-root-relative page address, as MkDocs' `url` filter takes it


@dataclass(frozen=True)
class GeneratedPage:
    """One page of the site: where it goes, its Markdown source, and what it is."""

    src_uri: str
    markdown: str
    title: str  # plain text; the nav and the page metadata carry it HTML-escaped
    kind: str  # home | service_line | guide | story | champion | stories | champions
    slug: str
    service_line: str | None = None
    next_step: NextStep | None = None
    published: bool = True
    source: str | None = None  # the content file it comes from, relative to the project
    in_nav: bool = True  # campaign landing pages are reached by their links, not the nav
    body_at: tuple[int, int] | None = None  # where a guide's own Markdown is in `markdown`


# Where a guide's own Markdown goes in its page, found after the template ran. Random per
# process: no author can write it into a guide.
_BODY_MARKER = f"\x00fw-body-{secrets.token_hex(8)}\x00"


@dataclass
class RenderedSite:
    """The generated pages and the navigation that lists them."""

    pages: list[GeneratedPage]
    nav: list[Any]  # in the shape of mkdocs.yml's `nav:`
    frame: dict[str, Any] = field(default_factory=dict)  # the practice frame the theme prints
    third_parties: list[str] = field(default_factory=list)  # hosts practice.yml allows

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


def stories_index_uri() -> str:
    """The index of every published story."""
    return "stories/index.md"


def champions_index_uri() -> str:
    """The index of the champions who have a page."""
    return "champions/index.md"


def _relative(target: str, source: str) -> str:
    return relpath(target, posixpath.dirname(source) or ".")


SIBLINGS_SHOWN = 8  # other guides a cluster guide lists besides the pillar and the next one
STORIES_SHOWN = 3  # story cards on a cluster guide; the pillar shows every story of the topic
MIN_PARALLEL_PAGES = 400  # below this, forking costs more than rendering on one core (measured)
LEVEL_NAMES = {"emergency": "Emergency", "urgent": "Urgent", "routine": "Non-urgent"}


class _Renderer:
    def __init__(self, site: SiteModel, site_name: str, site_url: str | None, directory_urls: bool):
        self.site = site
        self.site_name = site_name
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.directory_urls = directory_urls
        self.project = site.result.project
        self.practice: Practice | None = (
            self.project.practice.data if self.project.practice is not None else None
        )
        self.env = template_environment()

    # -- helpers ---------------------------------------------------------------------------

    def _render(self, template: str, src_uri: str, **context: Any) -> str:
        def rel(target: Any) -> str:
            uri = target if isinstance(target, str) else uri_of(target)
            return _relative(uri, src_uri)

        def href(target: Any) -> str:
            uri = target if isinstance(target, str) else uri_of(target)
            return url_between(uri, src_uri, self.directory_urls)

        return self.env.get_template(template).render(
            site=self.site, rel=rel, href=href, practice=self.practice, **context
        )

    def _absolute(self, uri: str) -> str | None:
        return self.site_url + page_url(uri, self.directory_urls) if self.site_url else None

    def _line(self, line_slug: str) -> ServiceLine:
        return self.project.service_lines[line_slug].data

    def _triage(self, line_slug: str, topic: str | None = None) -> CareStep | None:
        """The triage step of a page: its topic's own, else its service line's."""
        line = self._line(line_slug)
        own = line.topics[topic].triage if topic and topic in line.topics else None
        return own or line.care_steps.triage

    def _step(self, line_slug: str, wanted: str | None, slug: str, topic: str | None = None) -> NextStep:
        line = self._line(line_slug)
        return next_step(
            line_slug, line, wanted, slug, self.site.campaign, self._triage(line_slug, topic)
        )

    def _practice_step(self) -> NextStep | None:
        if self.practice is None:
            return None
        step = self.practice.next_step
        return NextStep("practice", step.label, step.url, self.practice.phone, None)

    def _link(self, url: str | None, line_slug: str, slug: str) -> str | None:
        return with_campaign(url, line_slug, slug) if url and self.site.campaign else url

    def _contact(self, step: CareStep, line_slug: str, slug: str) -> Contact:
        return Contact(step.label, self._link(step.url, line_slug, slug), step.phone, step.text)

    def _emergency_contact(self, line_slug: str, topic: str | None, slug: str) -> Contact:
        triage = self._triage(line_slug, topic)
        if triage is not None:
            return self._contact(triage, line_slug, slug)
        if self.practice is not None:
            e = self.practice.emergency
            return Contact("Emergency", None, e.phone, e.text)
        return Contact("Emergency", None, "911", "Call 911 or go to the nearest emergency room.")

    def _card_contacts(self, line_slug: str, topic: str | None, slug: str) -> dict[str, Contact]:
        """The contact each card level ends with, from the page's service line."""
        steps = self._line(line_slug).care_steps
        return {
            "emergency": self._emergency_contact(line_slug, topic, slug),
            "urgent": self._contact(steps.urgent or steps.scheduling, line_slug, slug),
            "routine": self._contact(steps.scheduling, line_slug, slug),
        }

    def _triage_card(self, line_slug: str, topic: str | None, slug: str) -> str | None:
        """The triage notice as the page's first emergency card, or None off urgent pathways."""
        triage = self._triage(line_slug, topic)
        if triage is None:
            return None
        contact = Contact(triage.label, self._link(triage.url, line_slug, slug), triage.phone, triage.text)
        html_block = self.env.get_template("care_card.html").render(
            level="emergency",
            level_name=LEVEL_NAMES["emergency"],
            title=triage.label,
            content_html="",
            contact=contact,
            card_id="fw-triage",
            triage=True,
        )
        return "\n".join(line for line in html_block.split("\n") if line.strip())

    def _with_cards(self, body: str, contacts: dict[str, Contact]) -> str:
        count = 0

        def card(block: care_cards.CareCard) -> str:
            nonlocal count
            count += 1
            return self.env.get_template("care_card.html").render(
                level=block.level,
                level_name=LEVEL_NAMES[block.level],
                title=block.title or LEVEL_NAMES[block.level],
                content_html=markupsafe.Markup(markdown_lib.markdown(block.content)),
                contact=contacts[block.level],
                card_id=f"fw-care-{count}",
                triage=False,
            )

        return care_cards.replace(body, card)

    def _meta(self, kind: str, step: NextStep | None, crumbs: list[Crumb], image: str | None = None) -> dict:
        """What the theme prints around the page: header button, breadcrumbs, sharing image.
        Titles are HTML-escaped because the theme prints them as HTML."""
        meta: dict[str, Any] = {"fw_kind": kind}
        if step is not None:
            meta["fw_step"] = {
                "label": html_text(step.label),
                "href": step.url or f"tel:{tel(step.phone or '')}",
                "emergency": step.emergency,
            }
        if crumbs:
            meta["fw_crumbs"] = [{"title": html_text(c.title), "url": c.url} for c in crumbs]
        if image:
            meta["fw_image"] = image
        return meta

    def _crumbs(self, *trail: tuple[str, str | None]) -> list[Crumb]:
        crumbs = [Crumb("Home", "")]
        crumbs += [
            Crumb(title, page_url(uri, self.directory_urls) if uri else None) for title, uri in trail
        ]
        return crumbs

    def _breadcrumb_ld(self, crumbs: list[Crumb], here: str) -> str | None:
        if not self.site_url:
            return None
        items = []
        for position, crumb in enumerate(crumbs, start=1):
            url = self.site_url + (crumb.url if crumb.url is not None else page_url(here, self.directory_urls))
            items.append({"@type": "ListItem", "position": position, "name": crumb.title, "item": url})
        return json_ld(
            {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
        )

    def _story_card(self, entry: Entry[Story]) -> dict:
        """What a listing shows of a story: only what the patient approved and the gate allows."""
        return {
            "entry": entry,
            "quote": entry.data.pull_quote,
            "credit": self.site.credit(entry),
            "line": self._line(entry.data.service_line).name,
        }

    # -- pages -----------------------------------------------------------------------------

    @staticmethod
    def _topic_lists(entry: Entry[Guide], cluster: Cluster) -> dict[str, Any]:
        """What a guide lists of its topic. The pillar, the topic's index, lists every guide
        and story. A cluster guide lists the pillar, the next guide and the few after it, and
        the first stories; when there are more, it links to the pillar for all of them. Every
        page listing every sibling made a topic of n guides cost n² to write and read."""
        if entry.data.pillar or cluster.pillar is None:
            siblings = [g for g in cluster.guides if g.id != entry.id]
            return {"siblings": siblings, "stories": cluster.stories, "more_guides": 0, "more_stories": 0}
        following = cluster.following(entry.id, 1 + SIBLINGS_SHOWN)
        return {
            "siblings": following[1:],
            "stories": cluster.stories[:STORIES_SHOWN],
            "more_guides": max(0, len(cluster.guides) - 1 - len(following)),
            "more_stories": max(0, len(cluster.stories) - STORIES_SHOWN),
        }

    def guide(self, entry: Entry[Guide], cluster: Cluster) -> GeneratedPage:
        guide, uri = entry.data, guide_uri(entry)
        line = self._line(guide.service_line)
        step = self._step(guide.service_line, guide.next_step, entry.id, guide.topic)
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
        line_page = (line.name, line_uri(guide.service_line))
        if guide.pillar:
            crumbs = self._crumbs(line_page, (cluster.title, None))
        else:
            pillar_uri = guide_uri(cluster.pillar) if cluster.pillar else None
            crumbs = self._crumbs(line_page, (cluster.title, pillar_uri), (guide.title, None))
        body = self._with_cards(
            entry.doc.body.strip() + "\n", self._card_contacts(guide.service_line, guide.topic, entry.id)
        )
        markdown = self._render(
            "guide.md.j2",
            uri,
            guide=guide,
            slug=entry.id,
            line=line,
            triage_card=self._triage_card(guide.service_line, guide.topic, entry.id),
            decision=self.site.decision(entry.id),
            jsonld=json_ld(ld),
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("guide", step, crumbs),
            body=_BODY_MARKER,
            cluster=cluster,
            read_next=cluster.read_next(entry.id),
            **self._topic_lists(entry, cluster),
            step=step,
        )
        before, found, after = markdown.partition(_BODY_MARKER)
        body_at = (len(before), len(before) + len(body)) if found and _BODY_MARKER not in after else None
        markdown = before + body + after if body_at else markdown.replace(_BODY_MARKER, body)
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
            body_at=body_at,
        )

    def story(self, entry: Entry[Story]) -> GeneratedPage:
        story, uri = entry.data, story_uri(entry)
        line = self._line(story.service_line)
        cluster = self.site.clusters.get((story.service_line, story.topic or ""))
        decision = self.site.decision(entry.id)
        champion = self.project.champions.get(story.champion)
        photo = (
            safe_src(champion.data.photo) if champion is not None and decision.show_photo else None
        )
        record = self.project.consents.get(story.consent or "")
        approved = page_version(record.data.approved_fingerprint) if decision.published and record is not None else None
        step = self._step(story.service_line, story.next_step, entry.id, story.topic)
        crumbs = self._crumbs(("Patient stories", stories_index_uri()), (story.title, None))
        image = None
        if photo and photo.startswith("https://"):
            image = photo
        elif photo and self.site_url:
            image = self.site_url + photo.lstrip("/")
        markdown = self._render(
            "story.md.j2",
            uri,
            story=story,
            line=line,
            triage_card=self._triage_card(story.service_line, story.topic, entry.id),
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
            approved=approved,
            body_html=body_html(entry, self.project),  # the HTML the consent fingerprint covers
            pillar=cluster.pillar if cluster else None,
            line_page=line_uri(story.service_line),
            stories_index=stories_index_uri(),
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("story", step, crumbs, image),
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
        line, uri = entry.data, line_uri(line_slug)
        topics = [
            (c, line.topics[c.topic].summary or c.pillar.data.summary)
            for (sl, _), c in self.site.clusters.items()
            if sl == line_slug and c.pillar is not None
        ]
        step = self._step(line_slug, None, line_slug)
        # Every care step, most urgent last; their links carry the same campaign as the CTA.
        steps = line.care_steps
        care_links = [
            (name, self._contact(s, line_slug, line_slug))
            for name, s in (
                ("intake", steps.intake),
                ("scheduling", steps.scheduling),
                ("urgent", steps.urgent),
                ("triage", steps.triage),
            )
            if s is not None
        ]
        crumbs = self._crumbs((line.name, None))
        markdown = self._render(
            "service_line.md.j2",
            uri,
            line=line,
            care_links=care_links,
            triage_card=self._triage_card(line_slug, None, line_slug),
            topics=topics,
            stories=[self._story_card(s) for s in self.site.stories_by_line[line_slug]],
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("service_line", step, crumbs),
            step=step,
        )
        return GeneratedPage(
            uri,
            markdown,
            line.name,
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
        step = self._step(first.service_line, first.next_step, champion_id, first.topic)
        crumbs = self._crumbs(("Our patient champions", champions_index_uri()), (champion.name, None))
        # The call to action leads into the first story's service line: on an urgent pathway
        # its triage notice comes first, as on every other page that leads there.
        markdown = self._render(
            "champion.md.j2",
            uri,
            champion=champion,
            stories=[self._story_card(s) for s in stories],
            step=step,
            triage_card=self._triage_card(first.service_line, first.topic, champion_id),
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("champion", step, crumbs),
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

    def _published_stories(self) -> list[Entry[Story]]:
        return sorted(
            (
                s
                for stories in self.site.stories_by_line.values()
                for s in stories
                if self.site.decision(s.id).published or self.site.preview
            ),
            key=lambda s: (s.data.title.casefold(), s.id),
        )

    def stories_index(self) -> GeneratedPage:
        uri = stories_index_uri()
        step = self._practice_step()
        crumbs = self._crumbs(("Patient stories", None))
        markdown = self._render(
            "stories.md.j2",
            uri,
            stories=[self._story_card(s) for s in self._published_stories()],
            step=step,
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("stories", step, crumbs),
        )
        return GeneratedPage(uri, markdown, "Patient stories", "stories", "stories", next_step=step)

    def champions_index(self) -> GeneratedPage:
        uri = champions_index_uri()
        step = self._practice_step()
        crumbs = self._crumbs(("Our patient champions", None))
        champions = [
            (self.project.champions[cid].data, champion_uri(cid), len(stories))
            for cid, stories in self.site.champions.items()
        ]
        markdown = self._render(
            "champions.md.j2",
            uri,
            champions=champions,
            step=step,
            crumbs_ld=self._breadcrumb_ld(crumbs, uri),
            meta=self._meta("champions", step, crumbs),
        )
        return GeneratedPage(
            uri, markdown, "Our patient champions", "champions", "champions", next_step=step
        )

    def home(self) -> GeneratedPage:
        lines = [
            (self._line(s), line_uri(s), self._line(s).who_for) for s in self.site.lines
        ]
        featured = [
            self._story_card(s) for s in self._published_stories() if s.data.pull_quote
        ][:3]
        step = self._practice_step()
        ld = None
        if self.practice is not None:
            data: dict[str, Any] = {
                "@context": "https://schema.org",
                "@type": "MedicalClinic",
                "name": self.practice.name,
                "telephone": self.practice.phone,
                "address": {"@type": "PostalAddress", "streetAddress": self.practice.address},
                "openingHours": self.practice.hours,
                "medicalSpecialty": [self._line(s).name for s in self.site.lines],
            }
            if self.site_url:
                data["url"] = self.site_url
            ld = json_ld(data)
        markdown = self._render(
            "home.md.j2",
            "index.md",
            site_name=self.site_name,
            lines=lines,
            featured=featured,
            story_count=len(self._published_stories()),
            jsonld=ld,
            meta=self._meta("home", step, []),
            step=step,
        )
        return GeneratedPage("index.md", markdown, self.site_name, "home", "index", next_step=step)

    def frame(self) -> dict[str, Any]:
        """The practice frame every page prints (header, footer), 404 included."""
        practice = self.practice
        step = self._practice_step()
        frame: dict[str, Any] = {
            "name": html_text(practice.name if practice else self.site_name),
            "lines": [
                {"name": html_text(self._line(s).name), "url": page_url(line_uri(s), self.directory_urls)}
                for s in self.site.lines
            ],
            "stories_url": page_url(stories_index_uri(), self.directory_urls),
            "champions_url": (
                page_url(champions_index_uri(), self.directory_urls) if self.site.champions else None
            ),
        }
        if practice is not None:
            frame.update(
                phone=html_text(practice.phone),
                tel=tel(practice.phone),
                address=html_text(practice.address),
                hours=html_text(practice.hours),
                emergency={
                    "phone": html_text(practice.emergency.phone),
                    "tel": tel(practice.emergency.phone),
                    "text": html_text(practice.emergency.text),
                },
            )
        if step is not None:
            frame["step"] = self._meta("home", step, [])["fw_step"]
        return frame


def _piece_jobs(site: SiteModel) -> list[tuple[str, Any, Any]]:
    """Every guide (with its cluster) and story the site shows, in navigation order."""
    jobs: list[tuple[str, Any, Any]] = []
    for (line_slug, _), cluster in site.clusters.items():
        if line_slug not in site.lines:
            continue
        jobs += [("guide", guide, cluster) for guide in ([cluster.pillar] if cluster.pillar else []) + cluster.guides]
        jobs += [("story", story, None) for story in cluster.stories]
    for line_slug in site.lines:
        jobs += [("story", s, None) for s in site.stories_by_line[line_slug]
                 if (line_slug, s.data.topic or "") not in site.clusters]
    return jobs


def render_pieces(
    result: CheckResult,
    slugs: set[str],
    *,
    site_name: str = "Our practice",
    site_url: str | None = None,
    directory_urls: bool = True,
    campaign: bool = True,
    preview: bool = False,
) -> dict[str, GeneratedPage]:
    """The pages of the guides and stories in `slugs` that the site shows, exactly as
    `render_site` with the same options renders them (the preview's, rerender.py)."""
    site = link(result, campaign=campaign, preview=preview)
    renderer = _Renderer(site, site_name, site_url, directory_urls)
    return {
        entry.id: renderer.guide(entry, cluster) if kind == "guide" else renderer.story(entry)
        for kind, entry, cluster in _piece_jobs(site)
        if entry.id in slugs
    }


def render_site(
    result: CheckResult,
    *,
    site_name: str = "Our practice",
    site_url: str | None = None,
    directory_urls: bool = True,
    campaign: bool = True,
    preview: bool = False,
    parallel: bool = False,
) -> RenderedSite:
    """Every page of the site, its navigation (service line -> topic -> pages, then the
    stories and champions) and the practice frame the theme prints around each page.

    `site_url` (mkdocs.yml's) makes structured data carry absolute addresses;
    `directory_urls` says how MkDocs addresses pages. Nav titles are HTML-escaped. With
    `parallel` (a build, never the preview server's threads), guides and stories are rendered
    in forked processes when there are many.
    """
    site = link(result, campaign=campaign, preview=preview)
    renderer = _Renderer(site, site_name, site_url, directory_urls)
    esc = html_text
    # Guides and stories are most of the pages: render them first, on every core when there
    # are many (forkmap.py), then lay out the navigation in the same order as before.
    jobs = _piece_jobs(site)

    def render(job: tuple[str, Any, Any]) -> GeneratedPage:
        kind, entry, cluster = job
        return renderer.guide(entry, cluster) if kind == "guide" else renderer.story(entry)

    count = workers(len(jobs), MIN_PARALLEL_PAGES) if parallel else 1
    done = split(jobs, render, count)
    rendered = {id(job[1]): page for job, (page, _logs) in zip(jobs, done)}
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
                page = rendered[id(guide)]
                pages.append(page)
                members.append(
                    page.src_uri if guide is cluster.pillar else {esc(page.title): page.src_uri}
                )
            for story in cluster.stories:
                page = rendered[id(story)]
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
            story_pages = [rendered[id(s)] for s in loose]
            pages.extend(story_pages)
            section.append({"Patient stories": [{esc(p.title): p.src_uri} for p in story_pages]})
        nav.append({esc(line_page.title): section})
    stories_page = renderer.stories_index()
    pages.append(stories_page)
    nav.append({"Patient stories": stories_page.src_uri})
    if site.champions:
        champion_pages = [renderer.champions_index()] + [
            renderer.champion(cid, stories) for cid, stories in site.champions.items()
        ]
        pages.extend(champion_pages)
        nav.append(
            {
                "Our patient champions": [champion_pages[0].src_uri]
                + [{esc(p.title): p.src_uri} for p in champion_pages[1:]]
            }
        )
    from .campaigns import campaign_pages  # campaigns builds on this module's renderer

    pages.extend(campaign_pages(renderer))
    practice = result.project.practice
    allowed = [t.host for t in practice.data.third_parties] if practice is not None else []
    return RenderedSite(pages, nav, renderer.frame(), allowed)
