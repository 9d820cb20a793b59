"""Keep unpublished pieces off published pages.

A guide is the content team's Markdown and may link to anything, including a story the gate
withholds (its slug would be published in the link) or a draft. Every page is filtered after
it is rendered: a link (or image, or any element with an address) that leads to an unpublished
piece is removed with its text, which may name the story, and a warning names the page. Then
the page is searched for any remaining address of a withheld story (a URL typed as text); one
found stops the build rather than publishing it.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import unquote

# An element carrying an address: <a ...>text</a>, or a void/self-closing element (img, source).
_LINKED = re.compile(r"<a\b[^>]*>.*?</a\s*>|<(?:img|source|iframe|link)\b[^>]*>", re.I | re.S)
_ADDRESS = re.compile(r"""\b(?:href|src|srcset|data-src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_SEGMENT_SPLIT = re.compile(r"[/?#\\]")


def _segments(address: str) -> set[str]:
    """The path segments of an address, decoded, without `.md`/`.html`, lower-cased."""
    text = unquote(unquote(address)).casefold()
    return {part.removesuffix(".md").removesuffix(".html") for part in _SEGMENT_SPLIT.split(text) if part}


def strip_unpublished_links(html: str, slugs: frozenset[str]) -> tuple[str, list[str]]:
    """`html` without the elements whose address names one of `slugs`, and the slugs removed."""
    if not slugs:
        return html, []
    removed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        element = match.group(0)
        start_tag = element[: element.find(">") + 1]
        for found in _ADDRESS.finditer(start_tag):
            address = next(g for g in found.groups() if g is not None)
            hit = _segments(address) & slugs
            if hit:
                removed.extend(sorted(hit))
                return ""
        return element

    return _LINKED.sub(replace, html), removed


def story_traces(html: str, story_slugs: frozenset[str]) -> list[str]:
    """Withheld story slugs whose page address still appears anywhere in `html`."""
    if not story_slugs:
        return []
    text = unquote(html).casefold()
    return sorted(slug for slug in story_slugs if re.search(rf"stories/{re.escape(slug)}(?![a-z0-9-])", text))


MIN_QUOTED = 24  # shorter titles and quotes are too likely to occur by chance ("My story")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACE.sub(" ", html_lib.unescape(_TAG.sub(" ", text))).casefold().strip()


def quoted_text_pattern(texts: list[str]) -> re.Pattern[str] | None:
    """One pattern for the titles, summaries and pull quotes of withheld stories that are long
    enough to be theirs alone; None when there are none."""
    needles = sorted({_plain(t) for t in texts if len(_plain(t)) >= MIN_QUOTED}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in needles)) if needles else None


def quoted_traces(html: str, pattern: re.Pattern[str] | None) -> bool:
    """True when the page's text quotes a withheld story's title, summary or pull quote."""
    return pattern is not None and pattern.search(_plain(html)) is not None
