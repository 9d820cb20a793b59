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


_STORY_ADDRESS = re.compile(r"stories/([a-z0-9][a-z0-9-]*)(?![a-z0-9-])")


def story_traces(html: str, story_slugs: frozenset[str]) -> list[str]:
    """Withheld story slugs whose page address still appears anywhere in `html`: one pass over
    the page, whatever the number of withheld stories."""
    if not story_slugs:
        return []
    found = {slug for slug in _STORY_ADDRESS.findall(unquote(html).casefold()) if slug in story_slugs}
    return sorted(found)


MIN_QUOTED = 24  # shorter titles and quotes are too likely to occur by chance ("My story")
_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[\W_]+")

Quoted = dict[tuple[str, str], list[tuple[str, ...]]]


def _words(text: str) -> list[str]:
    """Lower-case words, punctuation and markup dropped: how a quotation is recognised."""
    return _NOT_WORD.sub(" ", html_lib.unescape(_TAG.sub(" ", text))).casefold().split()


def quoted_index(texts: list[str]) -> Quoted:
    """The titles, summaries and pull quotes of withheld stories that are long enough to be
    theirs alone, indexed by their first two words."""
    index: Quoted = {}
    for text in texts:
        words = tuple(_words(text))
        if len(words) >= 3 and len(" ".join(words)) >= MIN_QUOTED:
            index.setdefault(words[:2], []).append(words)
    return index


def quoted_traces(html: str, index: Quoted) -> bool:
    """True when the page's text quotes one of the indexed texts. One pass over the page's
    words; a candidate is compared in full only where its first two words occur."""
    if not index:
        return False
    words = _words(html)
    for i in range(len(words) - 1):
        for needle in index.get((words[i], words[i + 1]), ()):
            if tuple(words[i : i + len(needle)]) == needle:
                return True
    return False
