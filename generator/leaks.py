"""Keep unpublished pieces off published pages.

A guide is the content team's Markdown and may link to anything, including a story the gate
withholds (its slug would be published in the link) or a draft. Every page is filtered after
it is rendered: a link (or image, or any element with an address) that leads to an unpublished
piece is removed with its text, which may name the story, and a warning names the page. Then
the page is searched for any remaining address of a withheld story (a URL typed as text); one
found stops the build rather than publishing it, as does a page quoting a withheld story: its
title, summary or pull quote, or a run of twelve words from its text.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import functools
import hashlib
import html as html_lib
import io
import itertools
import lzma
import os
import posixpath
import re
import tarfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from .load import open_regular

if TYPE_CHECKING:
    from .check import CheckResult

# An element carrying an address: <a ...>text</a>, or a void/self-closing element (img, source).
_LINKED = re.compile(r"<a\b[^>]*>.*?</a\s*>|<(?:img|source|iframe|link)\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ADDRESS = re.compile(r"""\b(?:href|src|srcset|data-src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"[/?#\\]")


# Characters a reader never sees (Unicode's default-ignorable code points: soft hyphen, zero
# widths, joiners, direction marks, variation selectors, tags, invisible fillers). Left in, they
# would hide a withheld story's address or words from the checks, not from the reader.
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def decoded(text: str) -> str:
    """`text` as a browser ends up reading it: character references (`a-r&#97;cing`) and
    percent escapes (`a-r%61cing`) decoded, each twice, whichever came first, and characters
    nobody sees dropped (`a-rac&shy;ing`)."""
    for _ in range(2):
        if "&" not in text and "%" not in text:
            break
        text = unquote(html_lib.unescape(text))
    return text if text.isascii() else _IGNORABLE.sub("", text)


# Punctuation common in pages (Material's and Flywheel's own templates, typeset text): never part
# of a word or an address, never changed by NFKC into one, and not invisible. Read as the spaces
# they are to every check here, they leave most pages ASCII, which the checks read at C speed.
_MARKS = ("\u2014", "\u2013", "\u00b7", "\u2019", "\u2018", "\u201c", "\u201d", "\u2022", "\u00a9", "\u00a0")


def _without_marks(text: str) -> str:
    if text.isascii():
        return text
    for mark in _MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    return text


_MARKDOWN_TARGET = re.compile(
    r"\]\(\s*<?([^)\s>]*)"  # [text](target)
    r"|^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)"  # [ref]: target
    r"|<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>",  # <scheme:target>
    re.MULTILINE,
)


def link_targets(markdown: str) -> list[str]:
    """Every address a Markdown page links to or loads: inline and reference links, autolinks
    and the addresses in its raw HTML."""
    found = [next(g for g in m.groups() if g is not None) for m in _MARKDOWN_TARGET.finditer(markdown)]
    return found + [next(g for g in m.groups() if g is not None) for m in _ADDRESS.finditer(markdown)]


def segments(address: str) -> set[str]:
    """The path segments of an address, decoded, without `.md`/`.html`, lower-cased."""
    text = decoded(address).translate(_URL_INVISIBLE).casefold()
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
            hit = segments(address) & slugs
            if hit:
                removed.extend(sorted(hit))
                return ""
        return element

    return _LINKED.sub(replace, html), removed


_URL_INVISIBLE = {9: None, 10: None, 13: None}  # tab, line feed, carriage return: a URL parser drops them

# A browser reads `stories/./<slug>`, `stories//<slug>` and a backslash as `stories/<slug>`.
_STORY_ADDRESS = re.compile(r"stories(?:[/\\]\.?)*[/\\]([a-z0-9][a-z0-9-]*)(?![a-z0-9-])")


def story_traces(html: str, story_slugs: frozenset[str], depth: int = 0, shown: bool = False) -> list[str]:
    """Withheld story slugs whose page address still appears anywhere in `html`: one pass over
    the page, whatever the number of withheld stories. `shown`: `html` is a page as shown
    already (`_as_shown`), read as it is (stop 48's red team: read as shown again, a closed
    `details` or a right-to-left paragraph was shown again and again, to a RecursionError or,
    the text doubling each time, all memory)."""
    if not story_slugs:
        return []
    text = decoded(_without_marks(html))
    text = text.lower() if text.isascii() else text.casefold()  # the same, for ASCII
    found = set(_STORY_ADDRESS.findall(text))
    if "stories" in text:
        # A browser removes tabs and line breaks from an address (`href="stories/a-rac&#10;ing-heart/"`).
        found.update(_STORY_ADDRESS.findall(text.translate(_URL_INVISIBLE)))
    if "<" in text and "stories" in text:  # `stories/a-rac<b>ing</b>-heart/` reads as one address
        found.update(_STORY_ADDRESS.findall(_INLINE_TAG_LOWER.sub("", text)))  # lower case already
        if _EMBEDDED_TAG.search(text):  # `stories/a-rac<img alt="">ing-heart/`
            found.update(_STORY_ADDRESS.findall(_EMBEDDED_JOINED.sub("", text)))
    if shown:
        return sorted(found & story_slugs)
    as_shown, carried = _hidden_and_carried(html)
    if as_shown is not None:  # `stories/a-rac<span hidden>x</span>ing-heart`
        found.update(story_traces(as_shown, story_slugs, depth, shown=True))
    for inner in carried:  # too deep to read, or unreadable, a document counts as every address
        found.update(story_traces(inner, story_slugs, depth + 1)
                     if depth < _DATA_DEPTH and inner != UNREADABLE_DOCUMENT else story_slugs)
    return sorted(found & story_slugs)


# Markup that keeps what it holds from the reader's eyes: the `hidden` attribute; a `style` (a
# display of none, a font size of 0, text moved off the page: too many ways to list, so any);
# templates; what a browser that runs scripts and plays media shows instead (`noscript`,
# `object`, `video`, `audio`, `canvas`, `iframe`); ruby's annotations (`rt`, `rp`); SVG and
# MathML, which can draw text out of sight. Text hidden inside a quotation stops no reader.
# And Flywheel's own classes that hide (flywheel.css), which a guide may use as any template does.
# And what a browser's own stylesheet never shows in a page's body (stop 48's red team: a filler
# word in each kept a quotation from being read whole): a second `title`, `datalist`, `noembed`,
# `noframes`, a `dialog` not open, a `popover` not shown, `script` and `style`; and what a closed
# `details` holds beside its summary (`_as_shown`).
_HIDES = (
    "[hidden], [style], template, noscript, rt, rp, svg, math, object, video, audio, canvas, iframe, "
    ".fw-visually-hidden, .fw-print-only, "
    "title, datalist, noembed, noframes, dialog:not([open]), [popover], script, style"
)
_OWN_CLASSES = ("fw-visually-hidden", "fw-print-only")
# Where Flywheel's templates hide words themselves: the header's phone link, a care card's
# heading (its level) and a next step's address for print, each matched whole (in a lower-case
# copy of the page). Anywhere else, such a class is read as markup that hides.
_OWN_HIDDEN = re.compile(
    r'<a class="fw-header__phone" href="tel:[^"<>]*"><span class="fw-visually-hidden">call us on </span>'
    r'[\d\s().+-]*</a>'
    r'|<h2 class="fw-care-card__heading" id="[^"<>]*"><span class="fw-visually-hidden">'
    r'|<div class="fw-next-step[^"<>]*" data-fw-next-step="[^"<>]*"><p class="fw-next-step__intro">[^<]*</p>'
    r'<a class="md-button md-button--primary fw-cta" [^<>]*>[^<]*</a>'
    r'(?: <span class="fw-next-step__phone">or call <a href="tel:[^"<>]*">[^<]*</a></span>)?'
    r'<span class="fw-print-only"> [^<]*</span></div>'
)
# Markup that shows its text backwards: `<bdo dir="rtl">nalp ydaets</bdo>` reads "steady plan";
# a `bdo` with no `dir` takes its parent's direction, and `isolate-override` overrides as
# `bidi-override` does (stop 48's red team). Read backwards as well, whatever its direction.
_REVERSES = '[style*="override" i], bdo'
_HIDING_TAG = re.compile(
    r"<(?:t(?:emplate|ext)|noscript|r[tp]|foreignobject|math|object|video|audio|canvas|iframe|bdo"
    r"|datalist|noembed|noframes|dialog|details|summary|caption|tfoot|style)\b"
    r"|</t(?:body|r)\s*>\s*<thead\b"
)  # every alternative starts with "<", which the engine skips to: 0.01 ms a page
_RIGHT_TO_LEFT = re.compile(r"dir\s*=\s*[\"']?(?:rtl|auto)")  # looked for where "rtl" or "auto" is
_SPACE = " \t\n\r\f"
# A table's text the parser moves out of it, before it (`<table>text<tr>`): the reader sees it
# there, not where it is written (stop 48's red team). In a lower-case copy.
_FOSTERED = re.compile(
    r"(?:<t(?:able|body|head|foot|r)\b[^>]*>|</(?:t[dhr]|tbody|thead|tfoot|caption|colgroup)\s*>)\s*"
    r"(?:[^<\s]|<(?!/|t[dhr]\b|tbody|thead|tfoot|caption|colgroup|col\b|script|template|style|!--))"
)
_HIDING_ATTRIBUTES = (re.compile(r"hidden(?=[\s=/>])"), re.compile(r"style(?=[\s=/>])"),
                      re.compile(r"popover(?=[\s=/>])"))
# The right-to-left override character shows what follows it backwards, up to the character
# that pops it, the next tag or the end of the line.
_OVERRIDE_REFERENCE = re.compile(r"&#(?:x0*202e|0*8238)(?![\da-f])|&rlo;")
_OVERRIDDEN = re.compile("\u202e([^\u202a-\u202e\u2066-\u2069<>\n]*)")


@functools.lru_cache(maxsize=2)  # a page is read for quotations, then for addresses
def _hidden_and_carried(html: str) -> tuple[str | None, list[str]]:
    """`html` as shown (`_as_shown`) or None when it hides nothing, and the documents it carries
    (`data_documents`): one lower-case copy of the page tells where to look for either."""
    low = html.lower()  # tag and attribute names, and `data:`, are read regardless of case
    # `data:` written with character references (`&#100;ata:`, `data&colon;`) is one too.
    carries = _DATA_URI_LOWER.search(low) or _DATA_REFERENCE.search(low)
    return (_as_shown(html) if _may_hide(low) else None), (data_documents(html) if carries else [])


def _script_in_text(low: str) -> bool:
    """Whether a script stands inside running text (a letter right before or after it), where a
    word inside it would cut a quotation (stop 48): every page has its own scripts, between
    tags. Found with `str.find`, at a page's few scripts only."""
    at = low.find("<script")
    while at != -1:
        if low[max(0, at - 64) : at].rstrip(_SPACE)[-1:] not in ("", ">"):
            return True
        end = low.find("</script", at)
        if end == -1:
            return False
        after = low.find(">", end) + 1
        if after and low[after : after + 64].lstrip(_SPACE)[:1] not in ("", "<"):
            return True
        at = low.find("<script", after)
    return False


def _may_hide(low: str) -> bool:
    """Whether the page (lower case) may hold markup of `_HIDES` or `_REVERSES`: one of its tags
    (or SVG's `text`), `hidden` or `style` as the name of an attribute, or the right-to-left
    override (as a character, or a character reference)."""
    if _HIDING_TAG.search(low) or "\u202e" in low or _OVERRIDE_REFERENCE.search(low) or _FOSTERED.search(low):
        return True
    if ("rtl" in low or "auto" in low) and _RIGHT_TO_LEFT.search(low) or _script_in_text(low):
        return True
    if low.count("<title") > ("<head" in low):  # a title beside the page's own
        return True
    own = sum(low.count(name) for name in _OWN_CLASSES)
    if own and own > len(_OWN_HIDDEN.findall(low)):
        return True
    for pattern in _HIDING_ATTRIBUTES:
        opened = closed = read = -1  # the last `<` and `>` before the match, looked for once
        for match in pattern.finditer(low):
            at = match.start()
            opened, closed = max(opened, low.rfind("<", read + 1, at)), max(closed, low.rfind(">", read + 1, at))
            read = at
            if at and low[at - 1] in " \t\n\r\f\"'/" and opened > closed:  # a name inside a tag
                return True
    return False


def _as_shown(html: str) -> str | None:
    """`html` as a reader sees it, read as a browser parses it (lexbor): without the elements of
    `_HIDES` and what they hold, and with the text of `_REVERSES` and `_OVERRIDDEN` the right way
    round. None when there is none of these."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    # In the order a browser draws it first (`_in_shown_order`), read as a second text where a
    # style moved something: the elements `[style]` are all hidden below, and one that moves
    # its text without hiding any would be read only as it is written.
    moved = _in_shown_order(tree)
    ordered = tree.html if moved == "styled" else None
    reversing = {node.mem_id for node in tree.css(_REVERSES)}
    styled = _styled_by_the_page(tree)  # before its `style` elements go, with the rest of _HIDES
    hidden = [node for node in tree.css(_HIDES) if node.mem_id not in reversing]
    for node in hidden:
        node.decompose()
    for node in styled:
        node.decompose()
    hidden += styled
    closed = tree.css("details:not([open])")
    for node in closed:  # all but its first summary
        kept = False
        for child in list(node.iter(include_text=True)):
            if child.tag == "summary" and not kept:
                kept = True
            else:
                child.decompose()
    reversed_nodes = tree.css(_REVERSES)  # now without what they hid
    for node in reversed_nodes:
        node.replace_with(node.text(deep=True)[::-1])
    shown = (tree.html or "") + (f"\n<hr>\n{ordered}" if ordered else "")
    if "\u202e" in shown:
        return _OVERRIDDEN.sub(lambda match: match.group(1)[::-1], shown)
    fostered = "<t" in (low := html.lower()) and bool(_FOSTERED.search(low))
    return shown if hidden or closed or moved or reversed_nodes or fostered else None


# What a page's own stylesheet may do to an element without hiding or moving its text: any other
# declaration (`display: none`, `font-size: 0`, `color: transparent`, a position...) is read as
# hiding what the rule selects (stop 48's second red team: `<style>.f{display:none}</style>` in a
# static page, and a filler in `<span class="f">` after every few words of a passage).
_HARMLESS_DECLARATION = re.compile(
    r"\s*(?:(?:font-weight|font-style|font-family|text-decoration(?:-line|-style|-thickness)?|text-align|cursor"
    r"|list-style(?:-type|-position)?|border(?:-[a-z-]+)?|outline(?:-[a-z-]+)?|padding(?:-[a-z]+)?"
    r"|margin(?:-[a-z]+)?)\s*:[^;:-]*"
    r"|(?:color|background(?:-color)?)\s*:(?![^;]*transparent)(?![^;]*rgba?\([^)]*,\s*0(?:\.0*)?\s*\))[^;]*)\s*\Z",
    re.IGNORECASE,
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _styled_by_the_page(tree) -> list:
    """The elements a rule of the page's own `style` elements selects whose declarations are
    not all `_HARMLESS_DECLARATION`s: read as hidden, as an element with a `style` is. A
    selector lexbor cannot use (`::after`, `:hover`) is read without its pseudo part."""
    found: dict[int, object] = {}
    for style in tree.css("style"):
        for selectors, body in _RULE.findall(_CSS_COMMENT.sub("", style.text())):
            if all(_HARMLESS_DECLARATION.match(part) for part in body.split(";") if part.strip()):
                continue
            for selector in selectors.split(","):
                selector = selector.split("::")[0].split(":")[0].strip()
                if not selector or selector.startswith("@"):
                    continue
                try:
                    found.update((node.mem_id, node) for node in tree.css(selector))
                except Exception:  # noqa: BLE001, S112 - a selector lexbor cannot read: read as it is
                    continue
    return [node for node in found.values() if node.tag not in ("html", "body", "head")]


_ORDER = re.compile(r"(?:^|[;\s])order\s*:\s*([+-]?\d{1,9})", re.IGNORECASE)


def _in_shown_order(tree) -> str | None:
    """Put the parts of `tree` a browser draws in another order than they are written in the
    order they are drawn (stop 48's red team: a quotation in two halves written second half
    first): a table's caption and head first and its foot last, a `details`' summary first, the
    children of a flex box whose style reverses it, or orders them, or of an element written
    right to left (a table's cells too) the other way round or in their `order`: "styled" when a
    style moved any, "moved" when only markup did, else None. Grid areas, floats and positions
    can draw text in any order and are not read (a guide may not use them: `active_content`)."""
    moved = None
    for table in tree.css("table"):
        parts = [node for node in table.iter() if node.tag in ("caption", "colgroup", "thead", "tbody", "tr", "tfoot")]
        rank = {"caption": 0, "colgroup": 1, "thead": 2, "tfoot": 4}
        shown = sorted(parts, key=lambda node: rank.get(node.tag, 3))
        if shown != parts:
            _rewrite(table, shown)
            moved = "moved"
    for details in tree.css("details"):
        children = list(details.iter(include_text=True))
        first = next((index for index, node in enumerate(children) if node.tag == "summary"), 0)
        if first:
            _rewrite(details, [children[first], *children[:first], *children[first + 1 :]])
            moved = moved or "moved"
    # `dir="auto"` takes the direction of its first strong letter (a right-to-left mark will
    # do): read as right to left too (stop 48's second red team).
    boxes = tree.css('[style*="reverse" i], [dir="rtl" i], [dir="auto" i], [style*="rtl" i]')
    for box in reversed(boxes):  # innermost first: an outer box's rewrite copies the inner one as turned
        if box.tag not in _TABLE_PARTS:
            _rewrite(box, list(box.iter(include_text=True))[::-1])
            moved = "styled"
    if boxes:
        for row in tree.css("tr"):
            if _right_to_left(row):  # once, whichever of its ancestors sets the direction
                _rewrite(row, list(row.iter(include_text=True))[::-1])
                moved = "styled"
    for parent in {node.parent.mem_id: node.parent for node in tree.css('[style*="order" i]') if node.parent}.values():
        children = list(parent.iter(include_text=True))
        ranks = [int(found.group(1)) if (found := _ORDER.search(node.attributes.get("style") or "")) else 0
                 for node in children]
        if ranks != sorted(ranks):
            _rewrite(parent, [node for _, _, node in sorted(zip(ranks, range(len(children)), children))])
            moved = "styled"
    return moved


_TABLE_PARTS = frozenset({"table", "caption", "colgroup", "thead", "tbody", "tfoot", "tr"})
_DIRECTION = re.compile(r"(?:^|[;\s])direction\s*:\s*(rtl|ltr)", re.IGNORECASE)


def _right_to_left(node) -> bool:
    """Whether `node` is laid out right to left: the nearest of it and its ancestors (256 at
    most) whose `dir` or style sets a direction says so."""
    for _ in range(256):
        if node is None:
            return False
        attributes = node.attributes
        if "dir" in attributes:
            return (attributes["dir"] or "").strip().lower() in ("rtl", "auto")
        if (found := _DIRECTION.search(attributes.get("style") or "")) is not None:
            return found.group(1).lower() == "rtl"
        node = node.parent
    return False


def _rewrite(parent, children: list) -> None:
    """Give `parent` `children` (its own) in this order, a space between each two."""
    for child in children:
        parent.insert_child(child)
        parent.insert_child(" ")
    for child in children:
        child.decompose()


_DATA_DEPTH = 3  # documents inside documents read this deep; deeper, they count as a trace
# An address's payload ends at its quote, a tag, or the next `data:`: a payload as written is
# text, so the next address in it is read beside it, not inside it. Read inside, each was a
# document one level deeper: four object keys in a row in a minified script
# (`{data:a,dataTransfer:n,...}`, `onLoadedData:null,`) were a document nested too deep, which
# counts as every withheld story's address, and Decap CMS's and mermaid's bundles were left off
# the site (stop 50's helper H); and a second base64 address after the first one's `)`
# (`url(data:...;base64,AAAA),url(data:...;base64,...)`) was never decoded at all. Depth now
# counts only the documents that decoding made. Only an address cuts it, `data:` with its media
# type and comma, where the next match starts, so every character of a payload is in one:
# the words "data: " alone cut a percent-encoded payload, and the address it carried past them
# was never read (stop 50's red team J).
_DATA_URI = re.compile(r"data:([^,\s\"'<>()]{0,200}),((?:[^\"'<>d]|d(?!ata:[^,\s\"'<>()]{0,200},))*)", re.IGNORECASE)
_BASE64_PART = re.compile(r"[A-Za-z0-9+/=\s]*")
# A reference to a letter of "data" or to ":" (decimal or hexadecimal, leading zeros allowed).
_DATA_REFERENCE = re.compile(r"&#(?:0*(?:100|97|116|58)(?!\d)|x0*(?:64|61|74|3a)(?![\da-f]))|&colon;")
_DATA_URI_LOWER = re.compile(r"data:[^,\s\"'<>()]{0,200},")  # in a lower-case copy: found at C speed


# What `data_documents` gives for a `data:` address whose bytes cannot be read (an encrypted PDF,
# a 7z, a file packed too deep): a static file so made is left out of the site, and such a
# document counts as a quotation and as every withheld story's address (rt11: a guide's
# download link to an encrypted handout titled as a revoked story was published).
UNREADABLE_DOCUMENT = "\0unreadable document\0"


def data_documents(html: str) -> list[str]:
    """The text of every `data:` address in `html` whose bytes are text (`carried_document`): an
    SVG, HTML or plain text shown in an image, a frame or a CSS background, however it is encoded
    (base64 or percent escapes, character references around it), packed or not; for one that
    cannot be read, UNREADABLE_DOCUMENT."""
    found = []
    for data in data_payloads(html):
        try:
            inner = carried_document(data)
        except Unreadable:
            found.append(UNREADABLE_DOCUMENT)
            continue
        if inner is not None:
            found.append(inner)
    return found


def data_payloads(html: str) -> list[bytes]:
    """The bytes of every `data:` address in `html`, decoded from base64 or percent escapes
    (character references around it read first). One pass: each address ends at its quote, a
    tag or the next address, and its media type is bounded, so no text is read twice."""
    text = html_lib.unescape(html) if "&" in html else html
    found = []
    for match in _DATA_URI.finditer(text):
        meta, payload = match.groups()
        try:
            if meta.lower().endswith(";base64"):  # up to what base64 cannot hold (`)` in CSS)
                payload = _BASE64_PART.match(payload).group()
                data = base64.b64decode(re.sub(r"[^A-Za-z0-9+/]", "", payload) + "==", validate=False)
            else:
                data = unquote_to_bytes(payload)
        except (ValueError, binascii.Error):
            continue
        found.append(data)
    return found


MIN_QUOTED = 24  # shorter titles and quotes are too likely to occur by chance ("My story")
# What an HTML5 parser (a browser's, lexbor's) reads as a tag: `<` before a letter, `/`, `!` or
# `?`. Before anything else (`atrial < fibrillation and ... thinner.>`) `<` is text, and so is what
# follows it: read as a tag, the words were dropped (stop 47's red team).
# A tag's attributes run to the first `>` outside a quoted value: `<x title="a>b">` is one tag to
# a browser, and read as ending at its first `>`, it cut `rac<x title="a>b">ing` into two words
# for the checks only (stop 47's second red team). Possessive: a tag never closed is no tag here,
# and its text is read (a browser hides it; reading more is the safe side).
_ATTRIBUTES = r"""(?:=\s*"[^"]*"|=\s*'[^']*'|[^>])*+"""


class _Tags:
    """A pattern of tags, each ending with `>`, applied only up to the text's last `>` where a
    `<` follows it. Past it, each `<` would be tried against the rest of the text and fail, so
    `<a<a<a...` with no `>` took time growing with its square: 0.8 s at 8,000 tags, minutes at
    100,000 (stop 48). The part read is followed by a quote of each kind the rest holds, so that
    a quoted value running past the last `>` still closes, and its tag still fails, as in the
    whole text. A text with no `<` after its last `>` (every page) is read whole, uncopied."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)

    @staticmethod
    def _cut(text: str) -> tuple[str, str, int] | None:
        """The part of `text` tags may be in, the rest, and how many quotes end the part; None
        when the rest holds no `<`, and the whole text may be read as it is."""
        end = text.rfind(">") + 1
        if text.find("<", end) == -1:
            return None
        rest = text[end:]
        quotes = "'" * ("'" in rest) + '"' * ('"' in rest)
        return text[:end] + quotes, rest, len(quotes)

    def sub(self, replacement: str, text: str) -> str:
        if (cut := self._cut(text)) is None:
            return self.pattern.sub(replacement, text)
        part, rest, quotes = cut
        done = self.pattern.sub(replacement, part)
        return (done[:-quotes] if quotes else done) + rest

    def split(self, text: str) -> list[str]:
        if (cut := self._cut(text)) is None:
            return self.pattern.split(text)
        part, rest, quotes = cut
        parts = self.pattern.split(part)
        parts[-1] = (parts[-1][:-quotes] if quotes else parts[-1]) + rest
        return parts

    def search(self, text: str) -> re.Match | None:
        return self.pattern.search(text if (cut := self._cut(text)) is None else cut[0])


_TAG = _Tags(rf"<(?:[A-Za-z/]{_ATTRIBUTES}|[!?][^>]*)>")


def _names(names: str) -> str:
    """A pattern matching exactly one of `names` (space-separated), written as a tree of their
    letters, so that a tag's name is told apart in a few steps, whatever the number of names."""
    tree: dict = {}
    for name in names.split():
        node = tree
        for letter in name:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(letter) + pattern(child) for letter, child in sorted(node.items()) if letter]
        if "" in node:
            branches.append("")
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"

    return pattern(tree)


# Inline elements (and comments) sit inside a word without parting it: `rac<em>ing</em>`,
# `rac<wbr>ing` and `rac<!-- -->ing` all read "racing"; so do a name HTML does not define
# (`rac<x-a>ing</x-a>`: a custom element is inline), an end tag nothing opened (`rac</x>ing`: the
# parser drops it) and what the parser reads as a comment (`<!>`, `<?x>`, `</ x>`). These were read
# as parting words, a browser and Material's search index showed them whole, and a guide published
# a withheld story with every word so cut (stop 47's red team). What parts words is the name of an
# element HTML, SVG or MathML defines that is not inline: a paragraph, a cell, a list item, a line
# break, an image, a control (`_PARTING`). Matched without regard to case only in a text holding a
# tag in capitals (Material writes none).
_INLINE_NAMES = (
    "a abbr acronym b bdi bdo big blink cite code data del dfn em font i ins kbd label mark nobr output q "
    "rb rtc ruby s samp small span strike strong sub sup time tt tspan u var wbr"
)
# Defined elements that a browser shows as a box, a picture, a line break or nothing at all
# between two letters, or drops where they stand (`<body>` inside a paragraph), and SVG's and
# MathML's, which are unknown, and so inline, outside `<svg>` and `<math>`: read as parting words,
# and, where a page holds one, read again as parting none (`rac<img alt="">ing`, `rac<br>ing`,
# `rac<button></button>ing`, `rac<text>ing` read "racing" to a reader too).
_EMBEDDED_NAMES = (
    "applet area audio base basefont bgsound body br button canvas datalist embed frame head html iframe "
    "image img input keygen link map marquee math meta meter noembed noframes noscript object param picture "
    "progress rp rt script select slot source style svg template textarea title track video "
    "altglyph annotation annotation-xml circle clippath defs desc ellipse filter foreignobject g line "
    "lineargradient marker mask menclose merror metadata mfrac mi mmultiscripts mn mo mover mpadded mphantom "
    "mroot mrow ms mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr munder munderover path pattern "
    "polygon polyline radialgradient rect semantics stop switch symbol text textpath use view"
)
# Elements a browser always shows as a block, a list item or a table's part: words part at them.
_BLOCK_NAMES = (
    "address article aside blockquote caption center col colgroup dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr legend li listing main menu nav "
    "ol optgroup option p plaintext pre search section summary table tbody td tfoot th thead tr ul xmp"
)


def _joining_tag(parting: str, flags: int) -> _Tags:
    """Every tag that parts no word, given the names that do."""
    return _Tags(rf"<(?:!--.*?--|[!?][^>]*|/(?![A-Za-z])[^>]*|/?(?!{parting}(?=[\s/>]))[A-Za-z]{_ATTRIBUTES})>",
                 re.DOTALL | flags)


_PARTING = _names(f"{_EMBEDDED_NAMES} {_BLOCK_NAMES}")
_INLINE_TAG = _joining_tag(f"(?i:{_PARTING})", 0)
_INLINE_TAG_LOWER = _joining_tag(_PARTING, 0)
# The second reading, where a page holds an element of _EMBEDDED_NAMES: only blocks part words.
_EMBEDDED_TAG = _Tags(rf"</?(?i:{_names(_EMBEDDED_NAMES)})(?=[\s/>]){_ATTRIBUTES}>")
_EMBEDDED_JOINED = _joining_tag(f"(?i:{_names(_BLOCK_NAMES)})", 0)
_CAPITAL_TAG = re.compile(r"</?[A-Z]")


def _without_inline_tags(text: str) -> str:
    """`text` without the tags that part no word (`_INLINE_TAG`)."""
    return (_INLINE_TAG if _CAPITAL_TAG.search(text) else _INLINE_TAG_LOWER).sub("", text)


_NOT_WORD = re.compile(r"[\W_]+")

@dataclass(frozen=True)
class Quoted:
    """What a page must not quote: whole texts (titles, summaries, pull quotes) by their first
    two words, and runs of PASSAGE_WORDS words from story text, looked up as a set with the
    pairs that start them. Every page is read once, whatever the number of withheld stories:
    a list of runs per word pair grew with the site and made a 50,000-piece build quadratic."""

    texts: dict[tuple[str, str], list[tuple[str, ...]]] = field(default_factory=dict)
    runs: frozenset[tuple[str, ...]] = frozenset()
    heads: frozenset[tuple[str, str, str]] = frozenset()  # the first three words of each text
    # Texts too short to be the story's alone in running text ("Back to the workshop"): each is
    # looked for only as a whole (`_shows_whole`), by its number of words and its first two.
    short: dict[int, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    short_heads: frozenset[tuple[str, str]] = frozenset()
    short_keys: frozenset[str] = frozenset()  # the rarest word of each (`_rarity`)
    vocabulary: frozenset[str] = frozenset()  # every word of the runs and of `texts`
    # Full names of champions no published story credits (`unconsented_names`), looked for
    # anywhere, however short, by their number of words: a patient's name is theirs alone.
    names: dict[int, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    # The first and last word of each such name with one word between them ("Daniel J. Okafor",
    # "Daniel James Okafor"): `names` holds the other ways people write a name (`_name_forms`).
    name_gaps: frozenset[tuple[str, str]] = frozenset()
    # `sha256:<hex>` of each champion photo no published story may show (`unconsented_photo_digests`):
    # a page carrying the picture itself as a `data:` address shows it as its file would (rt7).
    pictures: frozenset[str] = frozenset()
    # What only a consent record holds (`consent_secrets`): its e-sign reference and the hex of
    # its approved fingerprint, as words ("esign/8120" is "esign 8120"), looked for anywhere in a
    # page by their number of words, as names are (rt7). A pattern of every record's values,
    # searched in every page as written and as read, cost 22 ms a page at 200 records.
    secrets: dict[int, frozenset[tuple[str, ...]]] = field(default_factory=dict)
    # Every text, name and secret above with its words run together ("aracingheartandasteadyplan"),
    # looked for in the letters of a page's words spaced letter by letter (`_spaced`, rt8).
    joined: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.texts or self.runs or self.short or self.names or self.pictures or self.secrets)


@functools.cache
def _look_alikes() -> dict[int, str]:
    """Letters of other scripts that look like a Latin letter (Cyrillic `а`, Greek `Ο`), each
    with that letter, from Unicode's confusables data (confusable_homoglyphs ships it), as a
    `str.translate` table. An upper-case look-alike of `l` (Cyrillic `І`, Greek `Ι`) stands for
    `I`, as a reader takes it."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for char, similar in confusables_data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        latin = next((e["c"] for e in similar if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalpha()), None)
        if latin is not None:
            table[ord(char)] = "I" if latin == "l" and char.isupper() else latin
    # Letters the confusables data leaves out and NFKC does not fold, which a reader reads at a
    # glance (rt8): small capitals (`ᴀ ʀᴀᴄɪɴɢ ʜᴇᴀʀᴛ`, as "fancy text" generators write them),
    # and letters in black circles and squares (`🅐`, `🅰`). Only the blocks holding them are named.
    for code in (*range(0x250, 0x2B0), *range(0x1D00, 0x1D80), *range(0xA720, 0xA800), *range(0x1DF00, 0x1E000),
                 *range(0x1F150, 0x1F190), *range(0x1F1E6, 0x1F200)):
        name = unicodedata.name(chr(code), "")
        for prefix in _LETTER_NAMES:
            if name.startswith(prefix) and len(letter := name[len(prefix):]) == 1:
                table.setdefault(code, letter)
    # "Fancy text" generators' alphabets (rt9), which the confusables data reads in part or not
    # at all: each letter as the generator writes it, over the one it stands for.
    fancy: dict[int, str] = {}
    for letters in _FANCY_ALPHABETS:
        for latin, char in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", letters, strict=True):
            if char != latin:  # and as NFKC leaves it, which `as_seen` reads (`ﻮ` is `و`)
                for form in {char, unicodedata.normalize("NFKC", char)} - {latin}:
                    if len(form) == 1:
                        fancy.setdefault(ord(form), latin)
    table.update(fancy)
    # Letters that look like punctuation (stop 49's red team): `ʼ` (U+02BC, what a Ukrainian
    # keyboard types for an apostrophe), Lisu's `ꓹ` and `ꓸ` for a comma and a full stop. As
    # letters they joined the words beside them ("donʼt" was one word, "don't" two), and a
    # quotation with every comma so typed had no run of twelve words. Each is read as the first
    # character of the punctuation it looks like, one for one, so positions in the text hold.
    for char, similar in confusables_data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha() or ord(char) in table:
            continue
        mark = next((e["c"] for e in similar if e["c"].isascii() and e["c"].strip()
                     and not any(c.isalnum() for c in e["c"])), None)
        if mark is not None:
            table[ord(char)] = '"' if mark == "''" else mark[0]
    return table


_LETTER_NAMES = ("LATIN LETTER SMALL CAPITAL ", "LATIN CAPITAL LETTER SMALL CAPITAL ",
                 "NEGATIVE CIRCLED LATIN CAPITAL LETTER ", "NEGATIVE SQUARED LATIN CAPITAL LETTER ",
                 "REGIONAL INDICATOR SYMBOL LETTER ")
# A to Z as "fancy text" generators write them (what is pasted from social posts): Canadian
# syllabics, CJK strokes, Thai, Yi, currency signs, faux Cyrillic, stroked letters, Braille. Where two
# alphabets give one character two letters, the first here wins: currency's `ł` is read `i`, as
# a reader of `₳Ɽ₳₵ł₦₲` takes it, and the stroked alphabet's capital `Ł` is still `L`; `Ŧ` is
# `T` (the Thai-like alphabet's `f` is left out).
_FANCY_ALPHABETS = (
    "\u15e9\u15f7\u1455\u15eaE\u15b4G\u157cI\u148dK\u14aa\u15f0\u144eO\u146d\u146b\u1587\u1515T\u144c\u142f\u15ef\u166dY\u1614",
    "\u5342\u4e43\u531a\u15ea\u4e47\u5343\u13b6\u5344\u4e28\uff8c\u049c\u3125\u722a\u51e0\u3116\u5369\u024a\u5c3a\u4e02\u3112"
    "\u3129\u142f\u5c71\u4e42\u311a\u4e59",
    "\u0e04\u0e52\u03c2\u0e54\u0454F\ufeee\u0452\u0e40\u05df\u043a\u026d\u0e53\u0e20\u0e4f\u05e7\u1ee3\u0433\u0e23\u0547"
    "\u0e22\u05e9\u0e2c\u05d0\u05e5\u0579",
    "\ua34f\ua303\ua3f3\ua037\ua3c2\ua387\ua045\ua00d\ua024\ua4bb\ua018\ua492\ua3ad\ua224\ua0a6\u1598\ua1b0\ua2ea\ua31a\ua4c4"
    "\ua00e\ua4a6\ua150\ua267\ua329\ua074",
    "\ua34f\ua303\ua253\ua038\ua35f\ua387\ua045\ua0c5\ua024\ua4bb\ua018\ua492\ua3ad\ua224\ua0a6\u1598\ua1b0\ua2ea\ua31a\ua2d6"
    "\ua00e\ua4a6\ua150\ua267\ua329\ua074",
    "\u20b3\u0e3f\u20b5\u0110\u0246\u20a3\u20b2\u2c67\u0142J\u20ad\u2c60\u20a5\u20a6\u00d8\u20b1Q\u2c64\u20b4\u20ae\u0244V\u20a9"
    "\u04fe\u024e\u2c6b",
    "\u039bB\u1103D\u03a3FG\u0389IJK\u1102M\u041f\u04e8PQ\u042f\u01a7\u01ac\u0426V\u0429XYZ",
    "\u023a\u0243\u023b\u0110\u0246F\u01e4\u0126\u0197\u0248\ua740\u0141MN\u00d8\u2c63\ua756\u024cS\u0166\u1d7eVWX\u024e\u01b5",
    "\u2c65\u0180\u023c\u0111\u0247F\u01e5\u0127\u0268\u0249\ua741\u0142MN\u00f8\u1d7d\ua757\u024dS\u0167\u0289VWX\u024f\u01b6",
    # Braille's letters (grade 1), which a Braille display, and anyone with its table, reads.
    "\u2801\u2803\u2809\u2819\u2811\u280b\u281b\u2813\u280a\u281a\u2805\u2807\u280d\u281d\u2815\u280f\u281f\u2817\u280e\u281e"
    "\u2825\u2827\u283a\u282d\u283d\u2835",
)


@functools.cache
def _look_alike_letters() -> frozenset[str]:
    return frozenset(map(chr, _look_alikes()))


def as_seen(text: str) -> str:
    """`text` as a reader takes it: characters nobody sees dropped, compatibility forms folded
    (NFKC: fullwidth `Ｒａｃｉｎｇ`, ligatures, superscripts read as the letters they show) and
    letters of other scripts read as the Latin letters they look like (`rаcing` with a
    Cyrillic `а`), case kept. Line breaks stay where they were. The table is applied only to
    text holding such a letter (a set lookup per character, 0.04 ms a page; the translation
    itself costs 0.25 ms)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", _IGNORABLE.sub("", text))
    if "ł" in text:  # Polish "ł" beside a lower-case letter is an "l", whatever currency's fancy alphabet says
        text = _STROKED_L.sub("l", text)
    if not text.isascii() and not _look_alike_letters().isdisjoint(text):
        text = text.translate(_look_alikes())
    return text


# The one letter of a Latin alphabet that the look-alike table reads as another: "₳Ɽ₳₵ł₦₲"
# reads "ł" as "I", and so "Michał" was "michai" and never the "Michal" a guide typed on a
# keyboard without it (found by scan v42's helper). In a word, beside a lower-case letter, it is
# an "l"; alone among fancy letters, still an "I".
_STROKED_L = re.compile(r"(?<=[a-z])ł|ł(?=[a-z])")


# ASCII letters and digits kept, upper case lowered, every other ASCII character a space: what
# `_NOT_WORD` and `casefold` make of ASCII text, as one bytes.translate.
_ASCII_WORDS = bytes(
    c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(128)
) + bytes(range(128, 256))


def _words(text: str) -> list[str]:
    """Lower-case words, punctuation and markup dropped, read `as_seen`: how a quotation is
    recognised."""
    if "<" in text:
        text = _TAG.sub(" ", _without_inline_tags(text))
    return _split(_as_read(text))


_EMBEDDED_MARK = "\0"  # where an element of _EMBEDDED_NAMES was, in `_readings`


def _readings(text: str) -> tuple[list[str], list[str] | None, bool]:
    """`_words(text)`, and the words read with the elements of _EMBEDDED_NAMES and the characters
    of `_dot_like` parting none either, where the page holds one and that reading gives other
    words (else None), made from one reading of the text: every page MkDocs writes holds an
    element of the kind (`<meta>`, `<input>`), and in few does one stand inside a word, so the
    second reading costs a split, not a reading. The third value: whether a `_dot_like`
    character stood in the text (`_letters_quote` reads such a page once more)."""
    embedded = "<" in text and _EMBEDDED_TAG.search(text) is not None
    if embedded:
        read = _as_read(_TAG.sub(" ", _EMBEDDED_TAG.sub(_EMBEDDED_MARK, _without_inline_tags(text))))
    else:
        read = _as_read(_TAG.sub(" ", _without_inline_tags(text)) if "<" in text else text)
    dots = not read.isascii() and _dot_like().search(read) is not None
    if not embedded and not dots:
        return _split(read), None, False
    words = _split(read.replace(_EMBEDDED_MARK, " ") if embedded else read)
    together = read.replace(_EMBEDDED_MARK, "") if embedded else read
    joined = _split(_dot_like().sub("", together) if dots else together, dots=False)
    return words, (joined if joined != words else None), dots


_LETTERS_KEY = 12  # letters of a run that key it in `_letter_runs`: a run of twelve words has as many
# A middle dot inside a word, as a dictionary parts syllables (`hosp·ital`): punctuation, so it
# parts the word for every reading, and a quotation with one in every few words was no run of
# twelve (stop 49's third red team). Such a page is read by its letters too.
_MIDDLE_DOT = re.compile("[\u00b7\u0387\u2022\u2027\u2219\u22c5\u2e31\u30fb\uff65](?<=[^\\W\\d_].)(?=[^\\W\\d_])")


def _letters_due(text: str, dots: bool) -> bool:
    """Whether a reading of `text` is read by its letters too (`_letters_quote`): it held a
    `_dot_like` character (`dots`, from `_readings`), or a middle dot stands inside a word."""
    return dots or (not text.isascii() and _MIDDLE_DOT.search(text) is not None)


def _letter_runs(index: Quoted) -> dict[str, list[str]]:
    """Each run of `index` with its words run together, by its first _LETTERS_KEY letters;
    made once an index, for the first page that needs it."""
    table = index.__dict__.get("_letter_runs")
    if table is None:
        table = {}
        for run in index.runs:
            joined = "".join(run)
            table.setdefault(joined[:_LETTERS_KEY], []).append(joined)
        object.__setattr__(index, "_letter_runs", table)
    return table


def _letters_quote(words: list[str], index: Quoted) -> bool:
    """Whether the letters of `words` (a page read with `_dot_like` characters as spaces), run
    together, hold a run of twelve story words or a whole text of the index, starting where one
    of them starts. A dot-like letter both between words and inside them (`Atˑtheˑhospˑital`)
    cut every run as a space and joined every word as nothing (stop 49's third red team); a
    quotation's first word starts where a word of the page does, whatever parts the rest."""
    letters = "".join(words)
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word)
    table = _letter_runs(index) if index.runs else {}
    for start in starts:
        runs = table.get(letters[start:start + _LETTERS_KEY])
        if runs and any(letters.startswith(run, start) for run in runs):
            return True
    first = set(starts)
    for text in index.joined:  # titles, summaries, pull quotes, names, secrets, run together
        if len(text) < _LETTERS_KEY:
            continue
        at = letters.find(text)
        while at != -1:
            if at in first:
                return True
            at = letters.find(text, at + 1)
    return False


def _as_read(text: str) -> str:
    """Text without its tags, as a reader reads it: references decoded, marks as spaces,
    `as_seen` (a Hangul filler kept, as `_dot_like` reads it), `&` read "and"."""
    text = _without_marks(html_lib.unescape(text))
    if not text.isascii() and _HANGUL_FILLERS.search(text):
        text = _HANGUL_FILLERS.sub(_FILLER, text)
    text = as_seen(text)
    if "&" in text:  # "A racing heart & a steady plan" is read "and" (rt7)
        text = text.replace("&", " and ")
    return text


# A Hangul filler is a letter that shows nothing, or a blank, or a box, by the font: `as_seen`
# drops it (words either side run together), and a browser showed words apart (stop 49's
# second red team). Read as a modifier letter that shows a dot, which `_dot_like` reads both ways.
_HANGUL_FILLERS = re.compile("[\u115f\u1160\u3164\uffa0]")
_FILLER = "\u02d1"


@functools.cache
def _dot_like() -> re.Pattern:
    """Letters and digits a reader takes for punctuation or a space between words, which the
    page readings read as joining the words beside them: modifier letters that NFKC leaves as
    they are (`ˌ`, `ˑ`), and letters and digits of other scripts that Unicode's confusables data
    gives as punctuation of any script (`ᐧ` a middle dot, Arabic-Indic `٠` a full stop).
    `"The·doctor·explained"` with each dot one of these was one word; a browser showed three
    (stop 49's second red team). A page holding one is read with them as spaces (`_split`) and
    again with them as nothing (`_readings`), since one inside a word is read through by a
    reader too; the look-alikes of ASCII punctuation are that punctuation already (`as_seen`)."""
    from confusable_homoglyphs.confusables import confusables_data

    word = re.compile(r"\w")
    found = {chr(code) for code in range(0x80, 0x30000)
             if unicodedata.category(chr(code)) == "Lm" and unicodedata.normalize("NFKC", chr(code)) == chr(code)}
    for char, similar in confusables_data.items():
        if len(char) == 1 and not char.isascii() and word.match(char) and any(
                e["c"].strip() and not any(c.isalnum() for c in e["c"]) for e in similar):
            found.add(char)
    found -= set(_look_alikes())  # read as the punctuation they look like
    # Dots the confusables data leaves out: Arabic-Indic zero (drawn as a dot), Arabic's baseline
    # round dot, Canadian syllabics' raised dot, Duployan's high and low dots.
    found.update("\u0660\u0887\u18df\U0001bc84\U0001bc94", _FILLER)
    return re.compile("[" + "".join(re.escape(char) for char in sorted(found)) + "]")


def _split(text: str, dots: bool = True) -> list[str]:
    """`_as_read` text's lower-case words; with `dots`, `_dot_like` characters part words."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    if dots:
        text = _dot_like().sub(" ", text)
    # Accents go too, however typed: NFKC joins a letter and its accent into one letter (`á`),
    # which read as another word (rt7: `Fínding ánswers` passed for the title); NFD parts them.
    if not unicodedata.is_normalized("NFD", text):  # a quick check: most pages hold no such letter
        text = unicodedata.normalize("NFD", text)
    return _NOT_WORD.sub(" ", _combining().sub("", text)).casefold().split()


@functools.cache
def _combining() -> re.Pattern:
    """Marks drawn on or around the letter before them (Unicode's nonspacing and enclosing marks)
    that NFKC joins to none: `ra\u0336cing` (struck through), `ra\u0489cing`, stacked accents.
    The reader still reads the letter, so words are read without them (on both sides of every
    comparison: a story's texts are read by `_words` too)."""
    ranges, start = [], None
    for code in range(0x300, 0x20000):
        mark = unicodedata.category(chr(code)) in ("Mn", "Me")
        if mark and start is None:
            start = code
        elif not mark and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]")


PASSAGE_WORDS = 12  # this many words in a row from a story's text is a quotation, not chance
_STRETCH = re.compile(b"\x01{%d,}" % PASSAGE_WORDS)


def passages(bodies: list[str], shown: list[str]) -> list[tuple[str, ...]]:
    """Every run of PASSAGE_WORDS words in `bodies` (the text of withheld stories), less the
    runs that `shown` (what published stories show, under their own consent) holds too: a
    guide that pastes a paragraph of a withheld story publishes the patient's words as surely
    as the story's page would."""
    runs: set[tuple[str, ...]] = set()
    for text in bodies:
        for words in _and_without_numbers(_words(text)):
            runs.update(_each_run(words))
    for text in shown if runs else ():
        for words in _and_without_numbers(_words(text)):
            runs.difference_update(_each_run(words))
    return sorted(runs)


def _and_without_numbers(words: list[str]) -> list[list[str]]:
    """`words`, and, where they hold a digit, the words without their digits: how a page read
    past its footnote markers (`_past_markers`) is compared with a story's own numbers."""
    if not any(map(_HAS_DIGIT.search, words)):
        return [words]
    return [words, _without_digits(" ".join(words)).split()]


# Footnote markers typed into a quotation (stop 51's red team L): `live<sup>1</sup> with`,
# `live¹ with`, `live [1] with`, `live1 with`, `[sic]`, `<kbd>1</kbd>`. A reader reads past them;
# to the check each was a word, and one in every ten words left no run of twelve, nor a title
# whole, so a guide published a withheld story's passages and a revoked one's title with exit 0.
_DIGITS = re.compile(r"\d+")
_HAS_DIGIT = re.compile(r"\d")
_ALONE = re.compile(b"(?<=\x01)\x00(?=\x01)")
_KEEP = bytes([1, 1, 0]) + bytes(253)  # `marked` as `itertools.compress` reads it: 2 is a word dropped


def _without_digits(text: str) -> str:
    """`text` without its digits (ASCII text, as most pages are, in one C call)."""
    if text.isascii():
        return text.encode("ascii").translate(None, b"0123456789").decode("ascii")
    return _DIGITS.sub("", text)


def _past_markers(words: list[str], index: Quoted) -> bool:
    """Whether `words`, read past footnote markers, hold a name, a text or a run of `index`:
    every digit dropped (`_and_without_numbers` reads the stories so too) for all three, and for
    runs also a word no withheld text or run holds where it stands alone between two that do
    (`[sic]`, `[ibid]`). Only runs: twelve words of a story in its order with such words between
    are its passage, while a title with one word dropped is often a guide's own ("Living with
    atrial fibrillation and a daily blood thinner", found by stop 51's red team M). A marker
    that is itself a word of the stories (`(a)` in a site whose stories say "a") is read as a
    word, as it is written; a marker in markup (`<sup>b</sup>`) is dropped by `_without_markers`."""
    text = " ".join(words)
    numbered = _HAS_DIGIT.search(text) is not None
    if numbered:
        words = _without_digits(text).split()
        if _holds_name(words, index) or _holds_text(words, index):
            return True
    if not index.runs:
        return False
    among = bytes(map(index.vocabulary.__contains__, words))
    marked = _ALONE.sub(b"\x02", among)  # each such word, one byte for one, in C
    if marked == among:
        return numbered and _holds_run(words, index, among)
    kept = list(itertools.compress(words, marked.translate(_KEEP)))
    return _holds_run(kept, index, marked.replace(b"\x02", b""))


def _each_run(words: list[str]):
    """Every run of PASSAGE_WORDS words in `words`, as tuples made in C."""
    return zip(*(words[k:] for k in range(PASSAGE_WORDS)))


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return set(_each_run(words))


def _is_long(words: tuple[str, ...]) -> bool:
    """Whether a text is long enough to be a withheld story's alone wherever it is written."""
    return len(words) >= 3 and len(" ".join(words)) >= MIN_QUOTED


def _rarity(word: str) -> tuple[bool, int]:
    """How rarely a word occurs by chance, roughly: a number ("Story 79"), then a longer word."""
    return any(ch.isdigit() for ch in word), len(word)


def quoted_index(texts: list[str], runs: list[tuple[str, ...]] = (), names: list[str] = (),
                 pictures=(), secrets=(), initials=()) -> Quoted:
    """The titles, summaries and pull quotes of withheld stories (those long enough to be theirs
    alone anywhere, the shorter ones of two words or more as a whole), the runs of words
    from their text (`passages`), and the full names no published story credits (anywhere),
    with `initials` (`unconsented_initials`: "p kumar", "priya k") looked for as "P. Kumar",
    "Kumar, P.", "P. S. Kumar" and "Priya K."."""
    index: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    short: dict[int, set[tuple[str, ...]]] = {}
    named: dict[int, set[tuple[str, ...]]] = {}
    for text in texts:
        words = tuple(_words(text))
        if _is_long(words):
            for form in _and_without_numbers(list(words)):
                if len(form) >= 3:
                    index.setdefault(tuple(form[:2]), []).append(tuple(form))
        elif len(words) >= 2:
            short.setdefault(len(words), set()).add(words)
    gaps = set()
    for name in names:
        if len(words := tuple(_words(name))) >= 2:
            for form in _name_forms(words) | _double_surname_forms(name, words):
                named.setdefault(len(form), set()).add(form)
            gaps.add((words[0], words[-1]))
    for initial in initials:
        if len(words := tuple(_words(initial))) == 2:
            named.setdefault(2, set()).update({words, words[::-1]})
            if len(words[0]) == 1:  # "P. S. Kumar"; not "Priya and K. Jones"
                gaps.add(words)
    secret: dict[int, set[tuple[str, ...]]] = {}
    for value in secrets:  # with a digit: an e-sign reference spelt in words ("on paper") is words
        if (words := tuple(_words(value))) and any(ch.isdigit() for ch in value):
            secret.setdefault(len(words), set()).add(words)
    return Quoted(
        index,
        frozenset(runs),
        frozenset(text[:3] for needles in index.values() for text in needles),
        {n: frozenset(found) for n, found in short.items()},
        frozenset(words[:2] for found in short.values() for words in found),
        frozenset(max(words, key=_rarity) for found in short.values() for words in found),
        frozenset(itertools.chain.from_iterable(runs)) | frozenset(itertools.chain.from_iterable(
            words for needles in index.values() for words in needles)),
        {n: frozenset(found) for n, found in named.items()},
        frozenset(gaps),
        frozenset(pictures),
        {n: frozenset(found) for n, found in secret.items()},
        frozenset("".join(words) for found in (index.values(), short.values(), named.values(), secret.values())
                  for group in found for words in group),
    )


def _name_forms(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A full name as people write it (rt8: "Okafor, Daniel" and "Daniel J. Okafor" published
    the name of a champion whose story was revoked, with a passing build): as it is, surname
    first, first and last names alone (without a middle name). A name with a word between its
    first and last is `Quoted.name_gaps`. An initial for the first name ("D. Okafor") is looked
    for apart (`unconsented_initials`)."""
    first, last = words[0], words[-1]
    return {words, (last, *words[:-1]), (first, last), (last, first)}


def _double_surname_forms(name: str, words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A hyphenated surname written as one of its parts ("Priya Kumar" for "Priya Kumar-Shah",
    "Maria Lopez" for "Maria Lopez-Garcia"), as people shorten it (rt9): the first name with
    each part, either way round. Only where the name's last word holds a hyphen."""
    last = name.split()[-1] if name.split() else ""
    if "-" not in last:
        return set()
    parts = [part for part in (tuple(_words(piece)) for piece in last.split("-")) if len(part) == 1]
    return {form for (part,) in parts for form in ((words[0], part), (part, words[0]))}


# What a page shows as a whole, where a short title is a reference to the story, not chance:
# the text between two tags (a link's, emphasis, a heading, a list item), an attribute's value, a
# comment, and in any of those a quotation or, in Markdown (an export's pages), emphasis and a
# link's text. One pattern a kind, so that a quotation inside another is read too.
_WHOLE = tuple(re.compile(pattern) for pattern in (
    r'"([^"]+)"|\u201c([^\u201c\u201d]+)\u201d|\u00ab([^\u00ab\u00bb]+)\u00bb',
    r"'([^']+)'|\u2018([^\u2018\u2019]+)\u2019",
    r"\*{1,2}([^*\n]+)\*{1,2}|(?<!\w)_{1,2}([^_\n]+)_{1,2}|\[([^\]\n]+)\]",
))


_INLINE_MARK = "\ue000"  # where an inline tag was, in `_segments`
_APART = re.compile(r"<(?:br|img|input)\b[^>]*>", re.IGNORECASE)


def _segments(html: str, embedded: bool = False):
    """The texts a reader sees whole, read as `_words` reads them: each block's (the text
    between two tags other than inline ones: a paragraph, a heading, a list item), and each
    inline element's in it (a run of inline tags between two letters parts no word:
    `rac<em>ing</em>` is one text). With `embedded`, the elements of _EMBEDDED_NAMES part none
    either, as in `_readings`' second reading."""
    pattern = _EMBEDDED_JOINED if embedded else _INLINE_TAG if _CAPITAL_TAG.search(html) else _INLINE_TAG_LOWER
    for block in _TAG.split(pattern.sub(_INLINE_MARK, html)):
        if _INLINE_MARK not in block:
            yield block
            continue
        yield block.replace(_INLINE_MARK, "")
        parts = block.split(_INLINE_MARK)
        current = parts[0]
        for part in parts[1:]:
            if not part:
                continue  # a run of inline tags
            if current[-1:].isalnum() and part[:1].isalnum():
                current += part
            else:
                yield current
                current = part
        yield current


def _units(html: str, embedded: bool = False):
    """Every text `html` shows as a whole, and every quotation, emphasis or link text in one
    (`_WHOLE`): each block's and inline element's text (`_segments`), each attribute's value
    and each comment (`_raw_markup`)."""
    # A line break, an image or a control between two words shows them apart, as a space does:
    # `## Back to the<br>workshop` is a heading showing the title whole (stop 51's red team M;
    # each element ended a text, so the heading was two). Read once more with each a space,
    # only on a page holding one (and only past `_shows_whole`'s checks: few pages get here).
    spaced = (_segments(_APART.sub(" ", html), embedded) if _APART.search(html) else ())
    for segment in (*_segments(html, embedded), *spaced, *_raw_markup(html)):
        yield segment
        text = html_lib.unescape(segment) if "&" in segment else segment
        for pattern in _WHOLE:
            for match in pattern.finditer(text):
                yield next(group for group in match.groups() if group is not None)


def _shows_whole(html: str, word_lists: tuple[list[str], ...], index: Quoted, embedded: bool = False) -> bool:
    """Whether the page shows a short text of `index` as a whole (`_units`). Read only where
    `word_lists` (the page's words and its markup's) hold one of those texts in a row, found in
    C: most pages never do."""
    if all(index.short_keys.isdisjoint(words) for words in word_lists):
        return False
    if all(index.short_heads.isdisjoint(itertools.pairwise(words)) for words in word_lists):
        return False
    if not any(
        not found.isdisjoint(zip(*(words[k:] for k in range(n))))
        for words in word_lists
        for n, found in index.short.items()
    ):
        return False
    for unit in _units(html, embedded):
        words = tuple(_words(unit))
        if words in index.short.get(len(words), ()):
            return True
    return False


# Text a page carries outside its text: every attribute's value (alternative text, a tooltip, what
# a screen reader announces, a meta description; a `data-` attribute that a script or the
# practice's CSS shows, or that anyone reads in the page source) and every comment. Every value,
# however short, in the page's order: a quotation cut into values of a few words each is read as
# the run it is. The pattern starts at "=", which the regex engine finds fast.
_VALUE = re.compile(r"""=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")  # quotes kept: they read as spaces
_COMMENT = re.compile(r"<!--(.*?)(?:-->|\Z)", re.DOTALL)


def _markup(html: str) -> tuple[list[str], list[str]]:
    """The values of the page's attributes, and the text of its comments, as written."""
    comments = [match.group(1) for match in _COMMENT.finditer(html)] if "<!--" in html else []
    return _VALUE.findall(html), comments


def _markup_text(html: str) -> str:
    """The values of the page's attributes and the text of its comments (`_markup`): published
    with the page, though not between its tags. Each is shown as it is written, so a `<` in it
    starts no tag (`alt="<A racing heart...>"` is read, not dropped as one); comments are read a
    second time with their tags dropped (`<!-- A racing <b>heart</b>... -->`), last."""
    values, comments = _markup(html)
    text = " \n ".join([" \n ".join(values), *comments]).replace("<", " ")
    return text + " \n " + " \n ".join(comments) if comments else text


def _raw_markup(html: str) -> list[str]:
    """The page's attribute values and comments (`_markup`), each `<` in them read as a space."""
    values, comments = _markup(html)
    return [text.replace("<", " ") for text in (*values, *comments)]


def quoted_traces(html: str, index: Quoted) -> bool:
    """True when the page quotes one of the indexed texts or runs: in its text, or in its
    attributes' values and comments (`alt="..."`, `title`, `aria-label`, a meta description,
    `data-*`, `<!-- -->`), read apart from the text so that a quotation running across an inline
    tag is still one; or shows a short text of the index as a whole (`_shows_whole`)."""
    if not index:
        return False
    return _quoted(html, index, depth=0) or ((plain := _without_markers(html)) is not None
                                             and _quoted(plain, index, depth=0))


# Footnote markers in markup, each read as nothing (stop 51's red teams L and M): a superscript
# or subscript element of a few characters (`months<sup>a</sup>`, a footnote's `<sup
# id="fnref:1"><a ...>1</a></sup>`), a link to a place in the page whose text is a number or a
# letter (`racing<a href="#n1">b</a>`), and a number, a letter, `sic` or `ibid` in square
# brackets (not round ones: every page's own scripts hold `(0)` and `(e)`).
# Markup parts no word (`rac<em>ing</em>` is "racing"), so a letter so typed onto a word made it
# another word, and a short title with one after it was no longer shown whole.
_SUP_OR_SUB = re.compile(r"<(su[bp])\b[^>]*>(?:[^<]|<(?!/?su[bp]\b)[^>]*>){0,160}?</\1\s*>", re.IGNORECASE)
_SUP_OR_SUB_OPEN = re.compile(r"<[sS][uU][bBpP]")  # found by its "<" (a literal first: fast)
_BRACKETED = re.compile(r"\[(?:\d{1,3}|[a-zA-Z]|sic|ibid\.?)\]", re.IGNORECASE)
_SHORT_LINK_END = re.compile(r">\s{0,3}(?:\d{1,3}|[a-zA-Z])\s{0,3}</[aA]\s*>")
_NOTE_LINK = re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"']?#[^>]*$", re.IGNORECASE)


@functools.cache
def _marker_characters() -> re.Pattern:
    """Superscript and subscript characters (`¹`, `ᵃ`, `ª`, `₂`): NFKC reads each as the digit or
    letter it shows, which a marker typed onto a word joined to it."""
    ranges: list[list[int]] = []
    for code in range(0xA0, 0x20000):
        if unicodedata.decomposition(chr(code)).startswith(("<super>", "<sub>")):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    # As ranges: a class of each character one by one cost 1 ms a page, as ranges 0.05 ms.
    return re.compile("[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges) + "]")


def _without_markers(html: str) -> str | None:
    """`html` without its footnote markers, or None where it has none: most pages have none,
    and are read once. Each kind is looked for by what starts it, in C: a pattern of all
    three, run over every page, cost 0.4 ms a page."""
    plain = _SUP_OR_SUB.sub(" ", html) if _SUP_OR_SUB_OPEN.search(html) else html
    if "[" in plain:
        plain = _BRACKETED.sub(" ", plain)
    cuts = []
    for end in _SHORT_LINK_END.finditer(plain):
        start = plain.rfind("<", 0, end.start())
        if start >= 0 and _NOTE_LINK.match(plain, start, end.start()):
            cuts.append((start, end.end()))
    for start, stop in reversed(cuts):
        plain = plain[:start] + " " + plain[stop:]
    # Each such character has a compatibility form, so a page NFKC leaves as it is holds none
    # (a quick check in C; the class searched over a page cost 0.2 ms).
    if not plain.isascii() and not unicodedata.is_normalized("NFKC", plain):
        plain = _marker_characters().sub(" ", plain)
    # And typed as a character reference (`racing&#x1d43;`), which the readings decode.
    if "&" in plain and _MARKER_REFERENCE.search(plain):
        plain = _MARKER_REFERENCE.sub(_unless_marker, plain)
    return plain if plain != html else None


_MARKER_REFERENCE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|sup[123]|ord[fm]);?")


def _unless_marker(reference: re.Match) -> str:
    """A character reference, or a space where it stands for a superscript or subscript."""
    return " " if _marker_characters().fullmatch(html_lib.unescape(reference.group())) else reference.group()


def _quoted(html: str, index: Quoted, depth: int) -> bool:
    words, joined, dots = _readings(html)
    if _quotes(words, index):
        return True
    if _letters_due(html, dots) and _letters_quote(words, index):
        return True
    # Read again with images, controls, line breaks and the elements a browser drops or hides
    # parting no word (`_EMBEDDED_NAMES`), where that reads other words.
    if joined is not None and (_quotes(joined, index) or (
            index.short and _shows_whole(html, (joined,), index, embedded=True))):
        return True
    markup = _markup_text(html)
    marked = _words(markup) if markup else []
    if marked and _quotes(marked, index):
        return True
    # An address's percent escapes (`?q=A%20racing%20heart...`, `?name=Priya%20Kumar`) are
    # shown decoded, by the status bar, the address bar and the search engine linked to, and
    # read as other words ("20racing") they hid a quotation (rt8). The values and comments
    # holding a `%` are read again decoded, in the page's order: no page of the 1,000-piece
    # benchmark has one, and a footer's `mailto:?subject=Hello%20there` costs its own length.
    if "%" in markup:
        escaped = " \n ".join(part for part in markup.split(" \n ") if "%" in part)
        if _quotes(_words(decoded(escaped)), index):
            return True
    if index.short and _shows_whole(html, (words, marked), index):
        return True
    # Text written with a script's or a stylesheet's escapes (`"\u0041 racing heart..."` in a
    # JSON file or JSON-LD, `\41 ` in CSS) is shown decoded by whatever reads it: read again so,
    # only where a backslash stands (no page of the 1,000-piece benchmark has one) (rt8).
    if "\\" in html and (unescaped := _unescaped(html)) is not None:
        if _quotes(_words(unescaped), index) or _quotes(_words(_markup_text(unescaped)), index):
            return True
    # A word hyphenated across a line (`rac-` at a line's end, `ing` on the next, as text is
    # copied from a PDF) reads as the word (rt9): the page is read again with such cuts joined,
    # where a hyphen follows a letter and a space or a line break follows it (found in C).
    if depth >= 0 and (joined := _cuts_joined(html)) is not None and _quoted(joined, index, -1):
        return True
    # Upside-down text (`uɐld ʎpɐǝʇs ɐ`, turned letters, and the line read backwards, as
    # generators write it) is read turned the right way up, in both orders (rt9). Only a page
    # whose words hold a turned letter: most hold none but ASCII.
    if (turned := _turned_readings(html, words)) and any(_quotes(_words(text), index) for text in turned):
        return True
    # What a reader sees once the markup that hides text has hidden it: `A racing<span hidden>
    # x</span> heart` reads "A racing heart". Only its text is read again (its values and
    # comments are those read above, less some).
    shown, carried = _hidden_and_carried(html)
    if shown is not None:
        shown_words, shown_joined, shown_dots = _readings(shown)
        if _letters_due(shown, shown_dots) and _letters_quote(shown_words, index):
            return True
        if _quotes(shown_words, index) or (
                index.short and _shows_whole(shown, (shown_words,), index)):
            return True
        if shown_joined is not None and _quotes(shown_joined, index):
            return True
    if index.pictures and carried_picture(html, index.pictures):
        return True
    if index.secrets and _secret_escaped(html, markup, index.secrets):
        return True
    # A document carried inside the page (`data:image/svg+xml;base64,...`): a browser shows it.
    # Nested deeper than _DATA_DEPTH, such a document is not read, and so counts as a quotation;
    # so does one that cannot be read (rt11).
    return bool(carried) and (depth >= _DATA_DEPTH or any(text == UNREADABLE_DOCUMENT or _quoted(text, index, max(depth, 0) + 1)
                                                          for text in carried))


_CUT = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?:[ \t\r\n]+(?:<(?i:br)\s*/?>[ \t\r\n]*)?|<(?i:br)\s*/?>[ \t\r\n]*)"
                  r"(?=[^\W\d_])")


def _cuts_joined(html: str) -> str | None:
    """`html` with every word hyphenated across a line joined (`rac-\ning` read `racing`), or
    None when it has no such cut. Hyphens before a space or a line break are found with
    `str.find` (a title's " - " is the one most pages have; a tab or a carriage return is looked
    for only where the page has one, found by memchr), and the pattern is run only where a letter
    stands before one: run over every page, it cost 0.14 ms a page."""
    for hyphen in ("-", "\u2010", "\u2011"):
        if hyphen not in html:
            continue
        for after in (" ", "\n", "<", "\r", "\t"):  # "<": a line break typed as markup, `<br>`
            if after in " \n<" or after in html:
                mark = hyphen + after
                at = html.find(mark)
                while at > 0:
                    if html[at - 1].isalpha() and (after != "<" or html[at + 2 : at + 4].lower() == "br"):
                        joined = _CUT.sub("", html)
                        return joined if joined != html else None
                    at = html.find(mark, at + 2)
    return None


# Turned letters as upside-down text generators write them, each with the letter it stands for
# read the right way up; `n` and `u`, `p` and `d`, `b` and `q`, `M` and `W` change places.
_TURNED = str.maketrans(
    "\u0250\u0254\u01dd\u025f\u0183\u1d77\u0265\u0131\u1d09\u027e\u029e\u05df\u026f\u0279\u0287\u028c\u028d\u028e"
    "\u2200\u0186\u15e1\u018e\u2132\u2141\u017f\ua4d8\u02e5\u2142\u0500\u1d1a\u22a5\ua4d5\u2229\u039b\u2144"
    "nudpbqMW",
    "acefgghiijklmrtvwy" "ACDEFGJKLLPRTTUVY" "unpdqbWM",
)
_TURNED_LETTERS = re.compile("[\u0250\u0254\u01dd\u025f\u0183\u1d77\u0265\u1d09\u027e\u029e\u026f\u0279\u0287\u028c\u028d"
                             "\u028e\u2200\u0186\u15e1\u018e\u2132\u2141\ua4d8\u02e5\u2142\u0500\u1d1a\u22a5\ua4d5\u2229\u2144]")


# Mirrored letters as mirror-text generators write them (and the line read backwards), each with
# the letter it shows in a mirror; `b` and `d`, `p` and `q` change places.
_MIRRORED = str.maketrans(
    "\u0252\u0254\u0258\u0287\u01eb\u029c\u029e\u1d0e\u027f\u01a8\u0248\u03b3"
    "\u15fa\u0186\u15e1\u018e\ua7fb\u13ae\u2143\u0376\ua7fc\u03d8\u042f\u01a7"
    "bdpq",
    "aceFghknrsty" "BCDEFGLNPQRS" "dbqp",
)
_MIRRORED_LETTERS = re.compile("[\u0252\u0258\u027f\u01a8\u1d0e\ua7fb\ua7fc]")


def _two_in_a_word(letters: re.Pattern) -> re.Pattern:
    """Two of `letters` in one word of a `_words` text: upside-down or mirrored words hold
    several. One alone is a range's end in Material's lunr language files (`ø-ʸ`), whose four
    readings cost 12 ms a file."""
    one = letters.pattern
    return re.compile(f"{one}[^ ]*{one}")


# Each way a page may be written that a reader reads another way round, with the letters (as
# `_words` leaves them) that only it uses, two in a word.
_READ_ROUND = ((_two_in_a_word(_TURNED_LETTERS), _TURNED), (_two_in_a_word(_MIRRORED_LETTERS), _MIRRORED))


def _turned_readings(html: str, words: list[str]) -> tuple[str, ...]:
    """The page's text turned the right way up, or read in a mirror, in its order and
    backwards, when one of its words (`_words`, already made) holds two letters only
    upside-down or mirrored text uses; else nothing."""
    text = " ".join(words)
    if text.isascii():
        return ()
    tables = [table for letters, table in _READ_ROUND if letters.search(text)]
    if not tables:
        return ()
    plain = html_lib.unescape(_TAG.sub(" ", _without_inline_tags(html))) + " \n " + _markup_text(html)
    readings = []
    for table in tables:
        turned = plain.translate(table)
        readings += [turned, turned[::-1]]
    return tuple(readings)


# JavaScript's and JSON's `\uXXXX`, `\u{X...}` and `\xXX`, and CSS's `\X...` (one to six hex
# digits, and one space after them, which is part of the escape).
_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-9a-fA-F]{1,6})[ \t\n]?)")


def _unescaped(text: str) -> str | None:
    """`text` with its script and stylesheet escapes decoded (`_ESCAPE`), or None when it has
    none. A code point no character has, or a surrogate (JSON writes a letter beyond the first
    plane as two), is read as a space: the words around it are still read."""
    if not _ESCAPE.search(text):
        return None

    def char(match: re.Match[str]) -> str:
        code = int(next(group for group in match.groups() if group is not None), 16)
        return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else " "

    return _ESCAPE.sub(char, text)


def shows_secret(html: str, secrets: dict[int, frozenset[tuple[str, ...]]]) -> bool:
    """Whether `html` shows what only a consent record holds (`consent_secrets`, as
    `Quoted.secrets`) in its text or its markup: which of the reasons `quoted_traces` found is
    this one (`_quotes` looks for them with the names, on every page)."""
    markup = _markup_text(html)
    return (any(_holds(words, secrets) for words in (_words(html), _words(markup) if markup else []))
            or _secret_escaped(html, markup, secrets))


def _secret_escaped(html: str, markup: str, secrets: dict[int, frozenset[tuple[str, ...]]]) -> bool:
    """A consent record's value written with percent escapes (`/f/esign%2F8120`, `%65sign`),
    which `_words` reads as other words: read again decoded, only where a `%` stands."""
    return "%" in html and any(_holds(_words(decoded(text)), secrets) for text in (html, markup) if "%" in text)


def _holds(words: list[str], groups: dict[int, frozenset[tuple[str, ...]]]) -> bool:
    """Whether `words` hold one of `groups`' word tuples (kept by their number of words). The
    tuples of a page's words are made only where it holds the first word of one: most pages
    hold none, and looking their words up costs a fifth of making them (`_first_words`)."""
    return any(not _first_words(found).isdisjoint(words) and not found.isdisjoint(zip(*(words[k:] for k in range(n))))
               for n, found in groups.items())


@functools.lru_cache(maxsize=64)
def _first_words(tuples: frozenset[tuple[str, ...]]) -> frozenset[str]:
    """The first word of each of `tuples`: a page that holds none holds none of them. Kept for
    each index's groups (a frozenset keeps its hash, so finding it again costs no hashing)."""
    return frozenset(words[0] for words in tuples)


def consent_secrets(result: CheckResult) -> list[str]:
    """The e-sign reference (six characters or more) and the approved fingerprint's hex of every
    consent record: consent records are never published (a copy of one is left out), but a
    copy included into a guide (`pymdownx.snippets`), or its values pasted, published a revoked
    story's record (rt7)."""
    found = set()
    for entry in result.project.consents.values():
        ref, fingerprint = entry.data.form_ref, entry.data.approved_fingerprint
        if isinstance(ref, str) and len(ref.strip()) >= 6:
            found.add(ref.strip())
        if isinstance(fingerprint, str) and len(hexpart := fingerprint.rpartition(":")[2]) >= 32:
            found.add(hexpart)
    return sorted(found)


def carried_picture(html: str, pictures: frozenset[str]) -> bool:
    """Whether `html` carries, as a `data:` address, a picture whose `sha256:<hex>` is one of
    `pictures` (an `<img>` pasted with the photo inside it, or one `pymdownx.b64` inlined)."""
    low = html.lower()
    if not (_DATA_URI_LOWER.search(low) or _DATA_REFERENCE.search(low)):
        return False
    for data in data_payloads(html):
        leaves = [data]
        if _packing(data) not in (None, "unpackable") or zipfile.is_zipfile(io.BytesIO(data)) or data[257:262] == b"ustar":
            try:  # a download of the photo packed (`data:application/zip;base64,...`)
                leaves = _leaves(data, [GZIP_READ_MAX], 0)
            except (Unreadable, OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, tarfile.TarError,
                    NotImplementedError, RuntimeError, ValueError):
                pass
        if any(f"sha256:{hashlib.sha256(leaf).hexdigest()}" in pictures for leaf in leaves):
            return True
    return False


def _quotes(words: list[str], index: Quoted) -> bool:
    """Whether `words` hold a name, a secret, a run or a text of `index`, as they are or read
    past footnote markers (`_past_markers`): the page's runs of words are made and looked up
    in C, and a text is compared in full only where its first two words occur, on a page
    holding its first three. Every reading of a page is compared here, so every one is read
    past markers (a percent-encoded `[1]` too)."""
    if _holds(words, index.secrets) or _holds_name(words, index):
        return True
    if index.joined and _spaced(words, index.joined):
        return True
    return _holds_run(words, index) or _holds_text(words, index) or _past_markers(words, index)


def _holds_name(words: list[str], index: Quoted) -> bool:
    """Whether `words` hold a full name of `index`, or its first and last with a word between."""
    return _holds(words, index.names) or bool(index.name_gaps) and not index.name_gaps.isdisjoint(zip(words, words[2:]))


def _holds_run(words: list[str], index: Quoted, among: bytes | None = None) -> bool:
    """Whether `words` hold a run of `index` (`among`: which of them are words of the index,
    where the caller has it). Every run of PASSAGE_WORDS words in the page, made and looked up
    in C, in the stretches of the page whose every word is one of the runs' (found in C too):
    Material's markup, the navigation and most of a guide's own words are none of a story's."""
    if not index.runs:
        return False
    if among is None:
        among = bytes(map(index.vocabulary.__contains__, words))
    return any(not index.runs.isdisjoint(_each_run(words[stretch.start() : stretch.end()]))
               for stretch in _STRETCH.finditer(among))


def _holds_text(words: list[str], index: Quoted) -> bool:
    """Whether `words` hold a text of `index`. A text is compared only where its first three
    words stand (texts have three or more), found in C: where the page holds the first word of
    one, each of its word triples is looked up, and the positions of those that begin a text
    are read from the bytes made."""
    if _first_words(index.heads).isdisjoint(words):
        return False
    begins = bytes(map(index.heads.__contains__, zip(words, words[1:], words[2:])))
    at = begins.find(1)
    while at >= 0:
        for needle in index.texts.get((words[at], words[at + 1]), ()):
            if tuple(words[at : at + len(needle)]) == needle:
                return True
        at = begins.find(1, at + 1)
    return False

SPACED_LETTERS = 4  # this many one-letter words in a row are one word spaced out, not chance
_SPACED = re.compile(b"\x01{%d,}" % SPACED_LETTERS)
_ONE_LETTER = frozenset("abcdefghijklmnopqrstuvwxyz")  # as `_words` leaves them; digits are SVG paths' runs
_AROUND_RUN = 64  # words read on each side of a spaced run: more than any title, summary or bio holds


def _spaced(words: list[str], joined: frozenset[str]) -> bool:
    """Whether `words` spell one of `joined` letter by letter: "R a c i n g  h e a r t" (or
    `R·a·c·i·n·g`, `R-a-c-i-n-g`, a heading letter-spaced by hand) reads "racing heart" to anyone,
    and read as words it was twenty-six words of one letter (rt8). Each run of SPACED_LETTERS
    one-letter words or more is read with its letters run together, as are the texts, and one
    that holds a whole text, name or secret is a quotation. Runs are found in C; most pages
    have none."""
    single = bytes(map(_ONE_LETTER.__contains__, words))
    if b"\x01" * SPACED_LETTERS not in single:
        return False
    for run in _SPACED.finditer(single):
        # The words around the run too, run together with it ("A r a c i n g heart, and a
        # steady plan"); a text found there counts only where it takes letters from the run.
        start, end = max(0, run.start() - _AROUND_RUN), run.end() + _AROUND_RUN
        before = len("".join(words[start : run.start()]))
        after = before + len("".join(words[run.start() : run.end()]))
        letters = "".join(words[start:end])
        for text in joined:
            at = letters.find(text, max(0, before - len(text) + 1), after + len(text) - 1)
            if at >= 0:
                return True
    return False


def _story_texts(result: CheckResult, body: bool):
    """(slug, published, texts) for every story file: its title, summary and pull quote as
    written, its champion's bio (the story's page shows it: a withheld story's champion is
    known by it, rt7; a published story of the champion shows it legitimately), and with
    `body` its text first."""
    champions = result.project.champions
    for slug, (kind, doc, data) in result.project.raw.items():
        if kind == "story":
            texts = [v for k in ("title", "summary", "pull_quote") if isinstance(v := data.get(k), str)]
            owner = data.get("champion")
            if isinstance(owner, str) and (champion := champions.get(owner)) is not None and champion.data.bio:
                texts.append(champion.data.bio)
            yield slug, result.gate.is_published(slug), [doc.body, *texts] if body else texts


def withheld_texts(result: CheckResult) -> list[str]:
    """Titles, summaries and pull quotes of every story the gate does not publish, less any
    that a published story shares word for word (the site shows those legitimately), and less
    a short one that is the title of a guide, service line or topic (the site's own)."""
    # The bios of a champions file that cannot be used are withheld (its stories are), less a
    # bio a published story shows.
    withheld, published = set(unusable_champion_values(result, "bio")), set()
    for _slug, is_published, texts in _story_texts(result, body=False):
        (published if is_published else withheld).update(texts)
    own = {tuple(_words(title)) for title in _own_titles(result)}
    kept = withheld - published
    return sorted(text for text in kept if _is_long(words := tuple(_words(text))) or words not in own)


def _own_titles(result: CheckResult):
    """The titles the site shows of its own pieces and sections: a guide's only where the gate
    publishes it (rt9: a draft guide titled as a withheld story's short title, never shown,
    turned off the look-out for that title, and a guide naming the story by it was published)."""
    project = result.project
    for slug, (kind, _doc, data) in project.raw.items():
        if kind == "guide" and isinstance(title := data.get("title"), str) and result.gate.is_published(slug):
            yield title
    for entry in project.service_lines.values():
        yield entry.data.name
        yield from (topic.title for topic in entry.data.topics.values())


def withheld_passages(result: CheckResult) -> list[tuple[str, ...]]:
    """Runs of words from the text of every story the gate does not publish, less those a
    published story shows too (`passages`)."""
    bodies, shown = [], []
    for _slug, is_published, texts in _story_texts(result, body=True):
        (shown if is_published else bodies).extend(texts)
    return passages(bodies, shown)


def withheld_quoted(result: CheckResult) -> Quoted:
    """What no page may quote of the stories the gate does not publish (`quoted_index`)."""
    return quoted_index(withheld_texts(result), withheld_passages(result), unconsented_names(result),
                        unconsented_photo_digests(result), consent_secrets(result), unconsented_initials(result))


_CHAMPION_LINE = re.compile(r"""^[ \t]*(?:-[ \t]+)?["']?(name|bio|photo)["']?[ \t]*:[ \t]*(.*)$""", re.MULTILINE)
_CHAMPION_FLOW = re.compile(r"""[{,][ \t]*["']?(name|bio|photo)["']?[ \t]*:[ \t]*([^,}\n]*)""")


def unusable_champion_values(result: CheckResult, key: str) -> list[str]:
    """Every `key` ("name", "bio" or "photo") that content/champions.yml holds when part of it cannot be
    used: read as YAML where it parses, and line by line where it does not (`name: ...`, flow
    mappings too). A file with a YAML error, a key twice or one entry the schema refuses loaded
    no champion of it, so every story of theirs was withheld, but no page check knew their
    names or bios: a failed build in CI's fresh checkout published a guide naming a champion
    whose story has no consent (rt8). Loaded champions' values are among them; a published
    story's credit and bio are taken off by the callers, as ever."""
    text, committed = result.project.unusable_champions, result.project.committed_champions
    if not text and not committed:
        return []
    found = set()
    try:
        import yaml

        parsed = yaml.safe_load(text) if text else None
    except (yaml.YAMLError, RecursionError, ValueError):
        parsed = None
    if isinstance(parsed, dict):
        found.update(entry[key] for entry in parsed.values() if isinstance(entry, dict) and isinstance(entry.get(key), str))
    # And the lines every commit added to the file (rt9): a champion deleted from it since, while
    # her story stays withheld, or a guide still names her, is read there, line by line.
    text = f"{text}\n{committed}" if committed else text
    for pattern in (_CHAMPION_LINE, _CHAMPION_FLOW):
        for which, value in pattern.findall(text):
            value = value.split(" #", 1)[0].strip()
            if value.endswith(",") and value[:1] in "\"'":  # a JSON line's (rt9)
                value = value[:-1].rstrip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            if which == key and value and value not in (">", ">-", "|", "|-"):
                found.add(value)
    return sorted(found)


def unconsented_names(result: CheckResult) -> list[str]:
    """Champions' display names of two words or more that no published story credits: a guide
    naming the patient of a withheld story ("-- Priya Kumar") published the name, since the
    checks compared pages with stories' words only (red team rt4). A first name alone is too
    common to be anyone's."""
    gate = result.gate
    credited = {d.credit for d in gate.decisions.values() if d.kind == "story" and d.published}
    names = {entry.data.name for entry in result.project.champions.values()}
    names.update(unusable_champion_values(result, "name"))
    return sorted(name for name in names if name not in credited and len(_words(name)) >= 2)


# Words of one letter in running text, which an initial would be read as: "a Walker", "I Walker",
# "Sam's Walker", "don't", "I'd", "I'm", "o'clock". A name whose first name starts with one of
# these is not looked for by its initial.
_NOT_INITIALS = frozenset("adimost")


def _initial_forms(name: str) -> set[tuple[str, str]]:
    """A name of two words or more with its first name as an initial ("p kumar") and with its
    surname as one ("priya k", as testimonials sign), where the initial is no word of one letter."""
    words = _words(name)
    if len(words) < 2:
        return set()
    first, last = words[0], words[-1]
    forms = set()
    if first[0].isalpha() and first[0] not in _NOT_INITIALS and len(first) > 1:
        forms.add((first[0], last))
    if last[0].isalpha() and last[0] not in _NOT_INITIALS and len(last) > 1:
        forms.add((first, last[0]))
    return forms


def unconsented_initials(result: CheckResult) -> list[str]:
    """Each name of `unconsented_names` with its first name as an initial ("p kumar") or its
    surname as one ("priya k"): a guide thanking "P. Kumar", "Kumar, P." or "P. S. Kumar", or
    quoting a patient signed "Priya K.", publishes the name of a patient whose story is
    withheld as surely as her full name (rt9). Not where the site shows someone else so (a
    reviewer "P. Kumar, MD", or a published story's credit), nor with an initial that is a word
    of one letter (`_NOT_INITIALS`)."""
    from .gate import reviewer_names

    gate = result.gate
    shown = {d.credit for d in gate.decisions.values() if d.kind == "story" and d.published and d.credit}
    shown.update(reviewer_names(result.project))
    others = {form for name in shown for form in _initial_forms(name)}
    others.update((words[0], words[-1]) for name in shown if len(words := _words(name)) >= 2)  # "P. Kumar, MD"
    forms = {form for name in unconsented_names(result) for form in _initial_forms(name)}
    return sorted(" ".join(form) for form in forms - others)


def quoted_by_story(result: CheckResult, index: Quoted) -> dict[str, Quoted]:
    """`index` (`withheld_quoted`'s) split by the withheld story each text and run comes from,
    to name the stories a text quotes once `quoted_traces` has found that it quotes one (a
    champion's name, for each withheld story of the champion)."""
    metas, names = set(withheld_texts(result)), set(unconsented_names(result))
    initials = unconsented_initials(result)
    champions = result.project.champions
    split = {}
    for slug, is_published, (body, *meta) in _story_texts(result, body=True):
        if not is_published:
            own = {run for text in (body, *meta) for run in _runs(_words(text))} & index.runs
            owner = result.project.raw[slug][2].get("champion")
            champion = champions.get(owner) if isinstance(owner, str) else None
            name = [champion.data.name] if champion is not None and champion.data.name in names else []
            initial = [form for form in initials if name and tuple(form.split()) in _initial_forms(name[0])]
            split[slug] = quoted_index([text for text in meta if text in metas], sorted(own), name, initials=initial)
    return split


def unconsented_photo_digests(result: CheckResult) -> dict[str, str]:
    """`sha256:<hex>` of the file of each champion photo no published story may show, with its
    champion (`unconsented_photos`, by the picture's bytes): a copy of the picture under another
    name, for a guide, is the same picture (red team rt4). A picture a published story shows
    under its own consent is never among them."""
    from .shown import photo_digest

    project, gate = result.project, result.gate
    shown = {
        project.stories[d.slug].data.champion
        for d in gate.decisions.values()
        if d.kind == "story" and d.published and d.show_photo and d.slug in project.stories
    }
    found, allowed = {}, set()
    for champion_id, entry in project.champions.items():
        if photo := entry.data.photo:
            digest = photo_digest(photo, project)
            if digest.startswith("sha256:"):
                if champion_id in shown:
                    allowed.add(digest)
                else:
                    found[digest] = champion_id
    for photo in _former_photos(result):
        digest = photo_digest(photo, project)
        if digest.startswith("sha256:"):
            found.setdefault(digest, FORMER_CHAMPION)
    for _, digest, who in _withheld_linked_media(result):
        found.setdefault(digest, who)
    return {digest: champion for digest, champion in found.items() if digest not in allowed}


FORMER_CHAMPION = "a champion the champions file no longer gives this photo"


def _former_photos(result: CheckResult) -> list[str]:
    """Photo addresses the champions file gave a champion in a commit, or gives where it cannot
    be used, that no champion of the file gives now: a champion deleted, or given another photo,
    when her consent was revoked, left the old picture published (stop 48's red team). One a
    champion gives now is judged by that champion's consent."""
    current = {entry.data.photo for entry in result.project.champions.values() if entry.data.photo}
    return [photo for photo in unusable_champion_values(result, "photo") if photo not in current]


def _withheld_linked_media(result: CheckResult) -> list[tuple[str, str, str]]:
    """Each picture, video or recording on the site that a withheld story's body links to and
    no published story links to, and whose name no published guide's text holds (rt13): its
    address, `sha256:<hex>` of its file and whose it is ("maria-l (linked from withheld story
    finding-answers)"). The patient's own pictures, attached to a story they revoked, stayed on
    the site, as their photo did before rt4. A file a published page may still link to stays
    (a guide shares handouts; pictures and recordings only, since those are the patient's)."""
    project, gate = result.project, result.gate
    if project.withheld_media is None or project.withheld_media[0] is not gate:
        project.withheld_media = (gate, _linked_media_of(result))
    return project.withheld_media[1]


def _linked_media_of(result: CheckResult) -> list[tuple[str, str, str]]:
    """`_withheld_linked_media`, worked out."""
    from .shown import linked_addresses, photo_digest

    project, gate = result.project, result.gate
    withheld: dict[str, str] = {}
    published: set[str] = set()
    for decision in gate.decisions.values():
        story = project.stories.get(decision.slug) if decision.kind == "story" else None
        if story is None:
            continue
        for link in linked_addresses(story, project):
            if not urlsplit(link).path.casefold().endswith(_PICTURE_SUFFIXES + _MOVIE_SUFFIXES + _RECORDING_SUFFIXES):
                continue
            if decision.published:
                published.add(link)
            else:
                withheld.setdefault(link, story.id)
    if not withheld:
        return []
    guides = [e.doc.body for e in project.guides.values() if gate.is_published(e.id)]
    found = []
    for link, slug in withheld.items():
        name = posixpath.basename(urlsplit(link).path)
        # As typed in the guide (case kept: joining and case-folding every guide's text cost
        # 76 ms a call at 4,000 guides; looking for a name in each, 8 ms).
        if link in published or any(name in body or decoded(name) in body for body in guides):
            continue
        if (digest := photo_digest(link, project)).startswith("sha256:"):
            found.append((link, digest, f"{project.stories[slug].data.champion} (linked from withheld story {slug})"))
    return found


def unconsented_photos(result: CheckResult, site_url: str | None = None) -> dict[str, str]:
    """Champion photos kept in the site's static files that no published story may show (no
    `photo` consent in force), as docs_dir-relative paths, normalised and case-folded (a
    case-insensitive disk serves `IMG/Ana.jpg` for `img/ana.jpg`), each with its champion. A
    photo given as an address on the site's own host (`site_url`) is one of its files too, and so
    is one on any host: without site_url, the site's own host is not known."""
    project, gate = result.project, result.gate
    shown = {
        project.stories[d.slug].data.champion
        for d in gate.decisions.values()
        if d.kind == "story" and d.published and d.show_photo and d.slug in project.stories
    }
    found = {}
    for champion_id, entry in project.champions.items():
        photo = entry.data.photo
        if not photo or champion_id in shown:
            continue
        # An address on another host may still be this site's own, under a host mkdocs.yml does
        # not give (no site_url, or the preview's): the file at its path stays off too (rt4).
        path = photo_site_path(photo, site_url) or photo_site_path(photo, photo)
        if path:
            found[path.casefold()] = champion_id
    shown_paths = {
        path.casefold()
        for champion_id in shown
        if (photo := project.champions[champion_id].data.photo) and (path := photo_site_path(photo, site_url))
    }
    for photo in _former_photos(result):
        path = photo_site_path(photo, site_url) or photo_site_path(photo, photo)
        if path and path.casefold() not in shown_paths:
            found.setdefault(path.casefold(), FORMER_CHAMPION)
    for link, _, who in _withheld_linked_media(result):
        if (path := photo_site_path(link, site_url)) and path.casefold() not in shown_paths:
            found.setdefault(path.casefold(), who)
    return found


def photo_site_path(photo: str, site_url: str | None = None) -> str | None:
    """The docs_dir-relative path of the site file a champion photo's address names
    (normalised, so it never leaves the site), or None for a file on another host. An
    address on the site's own host (`site_url`) is one of its files too."""
    if photo.startswith(("http://", "https://", "//")):
        try:
            own = urlsplit(site_url) if site_url else None
            address = urlsplit(photo if not photo.startswith("//") else "https:" + photo)
        except ValueError:  # `https://[cdn...`: no browser loads it (the schema refuses it too)
            return None
        if own is None or (address.hostname or "").casefold() != (own.hostname or "").casefold():
            return None  # another host's file: not in this site
        base = own.path.rstrip("/") + "/"
        photo = address.path[len(base) - 1:] if address.path.startswith(base) else address.path
    path = posixpath.normpath("/" + decoded(photo.split("?")[0].split("#")[0]).replace("\\", "/"))
    return path.lstrip("/")


# Static files are copied to the site as they are. Whether one is text is read from its bytes,
# never from its name: a browser shows `.xhtml`, `.vtt`, `.tsv` or a file of no known kind as text,
# and a text file written in UTF-16 (with its byte order mark) as the words it holds.
SNIFF_BYTES = 8192  # a NUL byte in this many is a binary file (images, fonts, PDFs), as git reads it
GZIP_READ_MAX = 64 * 1024 * 1024  # what a `.gz` or `.svgz` file may unpack to and still be checked
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


class Unreadable(Exception):
    """A file whose text cannot be had (not readable, or packed beyond GZIP_READ_MAX)."""


def file_text(path: Path) -> str | None:
    """The text a browser shows of the file at `path`: the whole file, read from its byte order
    mark (UTF-8, UTF-16, UTF-32) or as UTF-8, a compressed file unpacked first (a server may send
    a gzip as the text it holds, and anyone who downloads a packed file unpacks it: `unpacked`);
    for a binary file, the runs of words it carries (`carried_text`), and the text of every
    member when it is (or ends in) a zip. Raises Unreadable, for a named pipe or a device too
    (`load.open_regular`: opening one waited for a writer forever), and for a file packed in a
    way Flywheel cannot unpack (7z, RAR, zstd, Brotli: any `.br` or `.zst` file, an encrypted zip) or beyond GZIP_READ_MAX."""
    if path.name.lower().endswith(_SIDECARS):
        raise Unreadable(path)
    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            data = handle.read(SNIFF_BYTES)
            if _packing(data) is not None:
                return "\n".join(_unpacked_texts(data + handle.read(), [GZIP_READ_MAX], 0))
            if _is_pdf(data):  # read whole: its streams are unpacked (`_pdf_text`)
                data += handle.read(GZIP_READ_MAX + 1 - len(data))
                if len(data) > GZIP_READ_MAX:
                    raise Unreadable(path)
            if not any(data.startswith(bom) for bom, _ in _BOMS) and b"\0" in data[:SNIFF_BYTES]:
                text = _carried_in(handle, data)
                if data[4:8] == b"ftyp":  # MP4, M4A, MOV: tags may follow gigabytes of media
                    text += "\n" + _metadata_texts(_mp4_metadata(handle))
                elif data[:4] in (b"RIFF", b"FORM"):  # WAV, AVI, AIFF: so may theirs (rt11)
                    text += "\n" + _metadata_texts(_riff_metadata(handle))
                elif data[:4] == _EBML:  # WebM, MKV: tags usually follow the media (rt11)
                    text += "\n" + _metadata_texts(_ebml_metadata(handle))
            else:
                data += handle.read()
                text = bytes_text(data)
                if text is not None and (decoded := _decoded_readings(path.name, data, text)):
                    text = "\n".join([text, *decoded])
            members = _zip_texts(handle, [GZIP_READ_MAX], 0)
    except (OSError, zlib.error) as error:
        raise Unreadable(path) from error
    return "\n".join([text or "", *members]) if members else text


# Text files whose app shows their text decoded (stop 48's red team: each published a withheld
# story read as other words): a calendar's or a contact card's lines folded anywhere, a space or
# tab starting each continuation (RFC 5545, 6350); a mail or a saved web page (MHTML), whose parts
# are in base64 or quoted-printable; RTF, whose escapes (`\'61`) and groups (`ra{\b0 cing}`)
# cut words. Each is read a second time as its app shows it.
_FOLDED_SUFFIXES = (".ics", ".ical", ".icalendar", ".ifb", ".vcs", ".vcf", ".vcard")
_MIME_SUFFIXES = (".eml", ".mht", ".mhtml", ".mime", ".nws")
_MIME_HEADER = re.compile(rb"^(?:mime-version|content-type|content-transfer-encoding)[ \t]*:", re.IGNORECASE | re.MULTILINE)
_UNFOLD = re.compile(r"\r?\n[ \t]")
# RTF's hidden text: from `\v` to `\v0` or the end of its group (stop 48's second red team).
_RTF_HIDDEN = re.compile(r"\\v(?![a-z0-9])[^{}]*?(?=\\v0(?![0-9])|[{}])")


def _decoded_readings(name: str, data: bytes, text: str) -> list[str]:
    """The text of the file named `name` (its bytes and its text) as its app shows it, where
    that differs from the text: unfolded, its MIME parts decoded, its RTF read (`striprtf`).
    Raises Unreadable for a MIME part that cannot be read (as `file_text` does)."""
    low, head = name.casefold(), data[:SNIFF_BYTES]
    found = []
    if ("\n " in text or "\n\t" in text or "=\n" in text or "=\r\n" in text) and (
            low.endswith(_FOLDED_SUFFIXES) or b"BEGIN:V" in head.upper()):
        unfolded = _UNFOLD.sub("", text)
        found.append(unfolded)
        if "quoted-printable" in unfolded.casefold():  # vCard 2.1's and vCalendar 1.0's values
            import quopri

            found.append(quopri.decodestring(unfolded.encode("utf-8", "replace")).decode("utf-8", "replace"))
    if low.endswith(_MIME_SUFFIXES) or _MIME_HEADER.search(head):
        found += _mime_texts(data)
    if head.lstrip()[:5] == b"{\\rtf":
        from striprtf.striprtf import rtf_to_text

        try:
            found.append(rtf_to_text(text, errors="replace"))
            if _RTF_HIDDEN.search(text):  # `{\v zq}`: hidden text a word processor does not show
                found.append(rtf_to_text(_RTF_HIDDEN.sub("", text), errors="replace"))
        except Exception as error:  # whatever a malformed file makes it raise: unreadable
            raise Unreadable(name) from error
    found += _blob_texts(text)
    return found


# A text file that carries an encoded file (stop 49's red teams: `base64 story.md > story.b64`,
# the same indented, framed by `begin-base64` as `uuencode -m` writes it, or inside a JSON
# string; classic uuencode; base32, base85 and hex; rot13): the tool that decodes it gives the
# story back. Read decoded where the text allows: every run of 64 characters or more of
# base64's alphabet (lines of it, however indented, count as one run), the whole text when it
# has no space, uuencode's lines between `begin` and `end`, and the text turned by rot13.
_BLOB_MIN = 24
_BASE64_RUN = re.compile(r"(?:[A-Za-z0-9+/_-]{64,}={0,2})|(?:^[ \t]*[A-Za-z0-9+/_-]{8,}={0,2}[ \t]*(?:\r?\n|\Z)){3,}",
                         re.MULTILINE)
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}[ :]){31,}[0-9a-fA-F]{2}")  # `xxd -p`'s bytes spaced, as `xxd -r -p` reads them
_UUENCODED = re.compile(r"^begin [0-7]{3,4} [^\n]*\n(.*?)^end\s*$", re.MULTILINE | re.DOTALL)
_BASE85_MAX = 1 << 20  # Python's base85 decoders read a character at a time: a 22 MB file took 40 s
_BLOB_DEPTH = 3  # base64 of base64 of rot13: each decoding is read again, this deep


def _blob_texts(text: str, depth: int = 0) -> list[str]:
    """What the encodings `text` carries hold (the comment above), each decoded reading read as
    `file_text` reads a file when it is text, packed or a document a reader opens (a zip, a
    PDF), and read again for what it carries in turn; random bytes a decoding gives by chance
    are not read (a long slug is base64's alphabet too: its bytes, read as text, made a 1.3 MB
    file's every reading leave the ASCII path, ten times the cost: stop 49's third red team)."""
    import base64
    import binascii
    import codecs

    runs = ["".join(match.group().split()) for match in _BASE64_RUN.finditer(text)]
    runs += [re.sub(r"[ :]", "", match.group()) for match in _HEX_RUN.finditer(text)]
    compact = "".join(text.split()) if len(text) >= _BLOB_MIN and " " not in text.strip() else None
    decoded: list[bytes] = []
    for run in dict.fromkeys([*runs, *([compact] if compact else [])]):
        for decode in (
            lambda t: base64.b64decode(t + "=" * (-len(t) % 4), validate=True),
            lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)) if re.fullmatch(r"[\w-]+=*", t) else b"",
            lambda t: base64.b32decode(t.upper() + "=" * (-len(t) % 8)),
            bytes.fromhex,
        ):
            try:
                decoded.append(decode(run))
            except (ValueError, binascii.Error):
                pass
    if compact and len(compact) <= _BASE85_MAX:
        for decode in (base64.b85decode, lambda t: base64.a85decode(t, adobe=True) if t.startswith("<~") else b""):
            try:
                decoded.append(decode(compact))
            except (ValueError, binascii.Error):
                pass
    for match in _UUENCODED.finditer(text):
        lines = []
        for line in match.group(1).splitlines():
            try:
                lines.append(binascii.a2b_uu(line))
            except binascii.Error:
                break
        decoded.append(b"".join(lines))
    # Not a web page's (every page of site/ is read so when a withdrawal looks for what to take off).
    page = "<html" in text[:1024].lower() or "<!doctype" in text[:1024].lower()
    texts = [codecs.decode(text, "rot13")] if not page else []
    for data in decoded:
        if not data or not _readable(data):
            continue
        try:
            found = _unpacked_texts(data, [GZIP_READ_MAX], 1)
        except Unreadable:  # a packing that cannot be read: the file stays, read as it is written
            continue
        texts += found
        if depth < _BLOB_DEPTH:
            texts += [inner for one in found for inner in _blob_texts(one, depth + 1)]
    return texts


def _readable(data: bytes) -> bool:
    """Whether decoded bytes are what a reader opens: text (UTF-8 without a fault, or from a
    byte order mark: PowerShell's base64 is of UTF-16), something packed, a zip or a PDF."""
    if _packing(data) is not None or data[:2] == b"PK" or _is_pdf(data):
        return True
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return True
    try:
        head = data[:2048].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < 2044:  # not a character cut at the end of the sample
            return False
        head = data[: error.start].decode("utf-8")
    return bool(head) and sum(ch.isprintable() or ch in "\n\r\t" for ch in head) >= 0.95 * len(head)


def _mime_texts(data: bytes) -> list[str]:
    """Every header and part of the mail or MHTML file `data`, decoded as a mail program or a
    browser decodes them (Python's `email`): encoded words, base64, quoted-printable, the part's
    character set; a part that is not text read as a `data:` document is."""
    import email
    import email.policy

    texts = []
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        for part in message.walk():
            texts += [str(value) for value in part.values()]
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if not payload:
                continue
            if part.get_content_maintype() == "text":
                try:
                    texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
                except LookupError:
                    texts.append(payload.decode("utf-8", "replace"))
            elif (inner := carried_document(payload)) is not None:
                texts.append(inner)
    except Unreadable:
        raise
    except Exception as error:  # a malformed message, whatever `email` raises: unreadable
        raise Unreadable("a MIME part") from error
    return texts


# Packed files a reader unpacks with the tools every system has. A gzip, bzip2 or xz file may
# hold several streams one after another (each is unpacked, as gunzip does); a zlib stream's
# header is two bytes that a text rarely starts with, and one that does not unpack is read as
# it is. 7z, RAR and zstd files cannot be unpacked here, so they cannot be checked.
_UNPACKABLE = (b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07", b"\x28\xb5\x2f\xfd",
               # LZ4 (frame and legacy), lzip, lzop, compress's `.Z` and pack's `.z` (stop 49's
               # red team: a `.lz4` of a withheld story was published, its words cut by lengths).
               b"\x04\x22\x4d\x18", b"\x02\x21\x4c\x18", b"LZIP", b"\x89LZO\x00", b"\x1f\x9d", b"\x1f\x1e")
# A Brotli file has no mark to know it by and Python cannot unpack one without a package
# Flywheel does not install; a server that serves precompressed files (nginx's `brotli_static`,
# Caddy's `precompressed br`) sends `page.html.br` in place of `page.html` to every browser that
# accepts it (all of them do), which shows it unpacked (rt10). So a file so named cannot be checked;
# nor can one named as a zstd file (`precompressed zstd`): zstd's mark may follow a skippable frame.
_SIDECARS = (".br", ".zst")
_PACK_DEPTH = 4  # a file packed deeper than this (a gzip of a gzip of ...) cannot be checked


def _packing(data: bytes) -> str | None:
    """How `data` is packed, by its first bytes: "gzip", "bzip2", "xz", "zlib", "unpackable" or None."""
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:3] == b"BZh" and data[3:4].isdigit():
        return "bzip2"
    if data[:6] == b"\xfd7zXZ\x00":
        return "xz"
    # The legacy `.lzma` ("LZMA alone") has no mark, only its header: a properties byte (0x5D from
    # every tool's default), a power-of-two dictionary size and the unpacked size or all ones
    # (stop 49's red team: `lzma -c story.md` was published). Bytes a text does not start with.
    if _lzma_alone(data):
        return "lzma"
    if len(data) > 1 and data[0] == 0x78 and (data[0] << 8 | data[1]) % 31 == 0:
        return "zlib"
    if data.startswith(_UNPACKABLE) or (data[1:4] == b"\x2a\x4d\x18" and data[0] & 0xF0 == 0x50):
        return "unpackable"  # 7z, RAR, zstd, and zstd's skippable frame (any zstd reader skips it)
    return None


def _lzma_alone(data: bytes) -> bool:
    """Whether `data` starts with a header of the legacy `.lzma` format as liblzma accepts it (any
    `--lzma1=` options: stop 49's second red team's `lc=4` and 4 KiB dictionary were published):
    a properties byte below 225, a dictionary of 2^n or 2^n + 2^(n-1) bytes, and an unpacked size
    below 256 GiB or unknown. A text has no such NUL bytes; the other kinds' marks come first."""
    if len(data) < 13 or data[0] >= 225:
        return False
    dictionary, size = int.from_bytes(data[1:5], "little"), int.from_bytes(data[5:13], "little")
    top = 1 << (dictionary.bit_length() - 1) if dictionary else 0
    return (dictionary >= 4096 and dictionary in (top, top | top >> 1)
            and (size < 1 << 38 or size == (1 << 64) - 1))


def _decompressor(kind: str):
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "zlib":
        return zlib.decompressobj()
    if kind == "lzma":
        return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE)
    return bz2.BZ2Decompressor() if kind == "bzip2" else lzma.LZMADecompressor()


def _streams(data: bytes, kind: str, budget: list[int]) -> list[bytes]:
    """Every stream of `kind` packed one after another in `data`, unpacked (what follows the
    last one as it is), within `budget` bytes in all; Unreadable beyond."""
    out = []
    while data:
        unpack = _decompressor(kind)
        chunk = unpack.decompress(data, budget[0] + 1)
        pending = getattr(unpack, "unconsumed_tail", b"") or not getattr(unpack, "needs_input", True)
        if len(chunk) > budget[0] or (pending and not unpack.eof):
            raise Unreadable(kind)
        budget[0] -= len(chunk)
        out.append(chunk)
        if not unpack.eof:  # cut short: what it unpacked is what a reader gets
            break
        data = unpack.unused_data
        if _packing(data) != kind:
            if data.strip(b"\0"):
                out.append(data)
            break
    return out


def _unpacked_texts(data: bytes, budget: list[int], depth: int) -> list[str]:
    """The texts `data` holds once unpacked (`_packing`, zips included), each read as
    `file_text` reads a file."""
    kind = _packing(data)
    if kind == "unpackable" or (kind is not None and depth >= _PACK_DEPTH):
        raise Unreadable(kind)
    if kind is not None:
        try:
            parts = _streams(data, kind, budget)
        except (zlib.error, OSError, EOFError, lzma.LZMAError):
            if kind != "zlib":
                raise Unreadable(kind) from None
        else:
            texts = [text for part in parts for text in _unpacked_texts(part, budget, depth + 1)]
            if kind != "zlib":
                return texts
            # A text may start with the two bytes of a zlib header ("x^"): read as it is too.
            return texts + [bytes_text(data) or carried_text(data)]
    text = bytes_text(data)
    texts = [carried_text(data) if text is None else text]
    return texts + _zip_texts(io.BytesIO(data), budget, depth)


def _zip_texts(handle, budget: list[int], depth: int) -> list[str]:
    """The texts of every member of the zip `handle` holds or ends in (a `.docx`, `.epub` or
    `.xlsx` is one; so is a picture with a zip appended), each unpacked as `_unpacked_texts`
    reads it, and its name and comment, and the archive's comment (rt11: `unzip` prints it, and
    archive managers show both); [] when it holds none."""
    try:
        if not zipfile.is_zipfile(handle):
            return []
        texts = []
        with zipfile.ZipFile(handle) as archive:
            if archive.comment:
                texts.append(archive.comment.decode("utf-8", "replace"))
            for info in archive.infolist():
                texts.append(info.filename)
                if info.comment:
                    texts.append(info.comment.decode("utf-8", "replace"))
                if info.is_dir():
                    continue
                if info.flag_bits & 1 or depth >= _PACK_DEPTH:  # encrypted, or too deep to read
                    raise Unreadable(info.filename)
                with archive.open(info) as member:
                    data = member.read(budget[0] + 1)
                if len(data) > budget[0]:
                    raise Unreadable(info.filename)
                budget[0] -= len(data)
                member_texts = _unpacked_texts(data, budget, depth + 1)
                texts += member_texts
                if info.filename.lower().endswith(".xml"):
                    texts += [shown for text in member_texts if text and (shown := office_text(text))]
        return texts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            EOFError, zlib.error, lzma.LZMAError, OSError, ValueError) as error:
        raise Unreadable("zip") from error


# A word processor's document (a `.docx`, `.pptx`, `.xlsx`'s shared strings, an `.odt`) keeps a
# paragraph's text in runs, one element each (`<w:t>A rac</w:t></w:r><w:r><w:t>ing heart</w:t>`:
# Word starts a run wherever formatting, a spelling mark or an edit's id changes, inside a word
# too); the reader sees the runs of a paragraph as one line. Read as markup, each tag parted a
# word (rt11: a handout whose title was cut so read as "rac ing").
_OFFICE_PARAGRAPH = re.compile(r"<(w|a|x):(p|si)\b[^>]*>(.*?)</\1:\2>", re.DOTALL)
_OFFICE_RUN = re.compile(r"<(?:w|a|x):t\b[^>]*>([^<]*)</(?:w|a|x):t>")
_ODF_SPAN = re.compile(r"</?text:(?:span|a|bookmark[^ >]*|soft-page-break|change[^ >]*)\b[^>]*>")


def office_text(xml: str) -> str | None:
    """The text of an Office or OpenDocument part as its reader shows it: the runs (`<w:t>`,
    PowerPoint's `<a:t>`, Excel's `<x:t>`) of each paragraph joined, a line each; an ODF part
    with its inline elements (`text:span`, links, bookmarks) taken out. None for other XML."""
    if "<w:t" in xml or "<a:t" in xml or "<x:t" in xml:
        return "\n".join("".join(_OFFICE_RUN.findall(match.group(3))) for match in _OFFICE_PARAGRAPH.finditer(xml))
    if "<text:" in xml:
        return _ODF_SPAN.sub("", xml)
    return None


def photo_held(path: Path, pictures: dict[str, str], *, whole: bool = True) -> str | None:
    """The champion whose photo `path` is, or holds packed (`packed_digests`: `patients.zip`,
    under any name), among `pictures` (`unconsented_photo_digests`), else None. With `whole`
    False the file's own bytes are not hashed (a caller that knows its size is no photo's)."""
    if not pictures:
        return None
    from .shown import file_digest

    if whole and (champion := pictures.get(file_digest(path) or "")):
        return champion
    return next((pictures[digest] for digest in packed_digests(path) if digest in pictures), None)


def packed_digests(path: Path) -> list[str]:
    """`sha256:<hex>` of every file a packed file or an archive at `path` holds once unpacked
    (gzip, bzip2, xz and zlib streams, zip and tar members, nested up to _PACK_DEPTH, within
    GZIP_READ_MAX), or [] for a file that is neither: a champion's photo in `patients.zip` is
    the photo (rt7). What cannot be unpacked is left to `file_text`, which refuses it."""
    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if _packing(head) in (None, "unpackable") and not zipfile.is_zipfile(handle) and head[257:262] != b"ustar":
                return []
            handle.seek(0)
            data = handle.read()
        return [f"sha256:{hashlib.sha256(leaf).hexdigest()}" for leaf in _leaves(data, [GZIP_READ_MAX], 0)]
    except (Unreadable, OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, tarfile.TarError,
            NotImplementedError, RuntimeError, ValueError):
        return []


def _leaves(data: bytes, budget: list[int], depth: int) -> list[bytes]:
    """`data` and what it holds, unpacked (`packed_digests`)."""
    if depth >= _PACK_DEPTH:
        return [data]
    kind = _packing(data)
    if kind not in (None, "unpackable"):
        try:
            parts = _streams(data, kind, budget)
        except (zlib.error, OSError, EOFError, lzma.LZMAError):
            parts = None
        if parts is not None:
            return [data, *(leaf for part in parts for leaf in _leaves(part, budget, depth + 1))]
    leaves, members = [data], []
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.is_dir() and not info.flag_bits & 1:
                    with archive.open(info) as member:
                        members.append(member.read(budget[0] + 1))
    elif data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for info in archive.getmembers():
                if info.isfile() and (member := archive.extractfile(info)) is not None:
                    members.append(member.read(budget[0] + 1))
    for member in members:
        if len(member) > budget[0]:
            break
        budget[0] -= len(member)
        leaves += _leaves(member, budget, depth + 1)
    return leaves


def archive_names(path: Path) -> list[str]:
    """The names of the files a zip or a tar (packed or not) at `path` holds, or []: a member
    named for a withheld story is the file so named, once unpacked (rt7: a PDF, whose words no
    check reads, inside `stories.zip`). Raises Unreadable for an archive that cannot be listed."""
    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            if zipfile.is_zipfile(handle):
                with zipfile.ZipFile(handle) as archive:
                    return archive.namelist()
            handle.seek(0)
            head = handle.read(SNIFF_BYTES)
            if _packing(head) not in (None, "gzip", "bzip2", "xz") or not _may_be_tar(head):
                return []
            handle.seek(0)
            try:
                with tarfile.open(fileobj=handle, mode="r:*") as archive:
                    return archive.getnames()
            except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError):
                return []  # a packed file that holds no tar (`notes.txt.gz`): its text is read
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
        raise Unreadable(path) from error


def _may_be_tar(head: bytes) -> bool:
    """Whether a file starting with `head` may be a tar: packed (a `.tar.gz` is read to tell), or
    with the mark of a tar's first header."""
    return _packing(head) is not None or head[257:262] == b"ustar"


def carried_document(data: bytes) -> str | None:
    """The text a reader gets from `data` carried in a page (a `data:` address): as
    `bytes_text` reads it, and unpacked when it is a packed file or a zip; None when it is
    binary and holds no text. Raises Unreadable as `file_text` does."""
    if _packing(data) is None and not zipfile.is_zipfile(io.BytesIO(data)):
        return bytes_text(data)
    return "\n".join(_unpacked_texts(data, [GZIP_READ_MAX], 0))


# Three words or more in a row, in a file read as binary. A NUL byte makes a file binary, but
# one typed in front of a story's text, a tar of it or a zip that stores it uncompressed keeps
# the text as it is, for anyone who downloads the file (red team rt4); UTF-16 without a byte
# order mark is the same text with a NUL after each letter. Compressed data, images and fonts
# hold such runs rarely, and only short ones; each run is read with the bytes around it.
# A run starts where a word starts (the look-behind): tried from each letter of a long word, the
# run was read again to the word's end from each of them, and a PDF whose packed stream spells
# a megabyte of `U` (a decompression bomb of zeros does) took hours to read (pdfcmp).
_WORD_RUN = re.compile(rb"(?<![A-Za-z])[A-Za-z]+(?:[ \t\r\n,.;:!?'\"()-]{1,3}[A-Za-z]+){2,}")
_AROUND = 240  # bytes read on each side of a run: accented letters and curly quotes break runs
_CHUNK = 8 * 1024 * 1024


def _carried_in(handle, head: bytes) -> str:
    """`carried_text` of a binary file read from `handle` after its first bytes `head`, a chunk
    at a time (a video may be larger than memory should hold), chunks overlapping."""
    parts, data = [], head + handle.read(_CHUNK)
    while True:
        parts.append(carried_text(data))
        more = handle.read(_CHUNK)
        if not more:
            return "\n".join(part for part in parts if part)
        data = data[-4 * _AROUND:] + more


_PNG = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT = (b"tEXt", b"iTXt", b"zTXt", b"eXIf")
_METADATA_MAX = 1024 * 1024  # a picture's metadata read this far; a larger segment is read in part
_TIFF_HEADERS = (b"II*\0\x08\0\0\0", b"MM\0*\0\0\0\x08")  # EXIF's, its first directory at byte 8


def _png_unpacked(kind: bytes, chunk: bytes) -> list[bytes]:
    """The text of a compressed PNG text chunk: `zTXt` (keyword, NUL, method, data) or `iTXt`
    with its flag set (keyword, NUL, flag, method, language, NUL, keyword translated, NUL, data)."""
    if kind == b"zTXt" and b"\0" in chunk:
        packed = chunk[chunk.index(b"\0") + 2 :]
    elif kind == b"iTXt" and chunk.count(b"\0") >= 4 and chunk[chunk.index(b"\0") + 1] == 1:
        packed = chunk.split(b"\0", 4)[-1]
    else:
        return []
    try:
        return [zlib.decompressobj().decompress(packed, _METADATA_MAX)]
    except zlib.error:
        return []


def _png_chunks(data: bytes, at: int) -> Iterator[tuple[bytes, bytes]]:
    """(type, data) of each chunk of the PNG starting at `at` in `data`, walked by their
    lengths to its end (`IEND`: text chunks may follow the picture's data)."""
    at += 8
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + size]
        if kind == b"IEND":
            return
        at += 12 + size


def _png_texts(data: bytes, at: int) -> list[bytes]:
    """The text chunks of the PNG starting at `at` in `data` (zTXt and compressed iTXt
    unpacked)."""
    found: list[bytes] = []
    for kind, chunk in _png_chunks(data, at):
        if sum(map(len, found)) >= _METADATA_MAX:
            break
        if kind in _PNG_TEXT:
            found += [chunk, *_png_unpacked(kind, chunk)]
    return found


def _tiff_numbers(data: bytes, at: int) -> Callable[[int, int], int]:
    """`number(offset, size)`: the unsigned number of `size` bytes at `offset` from the TIFF
    header at `at` in `data`, in the byte order the header names ("II" little-endian, "MM" big)."""
    order = "little" if data[at : at + 2] == b"II" else "big"

    def number(offset: int, size: int) -> int:
        return int.from_bytes(data[at + offset : at + offset + size], order)

    return number


def _tiff_headers(data: bytes) -> Iterator[int]:
    """Where a TIFF header with its first directory right after it (EXIF's: eight bytes no
    compressed data holds by chance) starts in `data`, four at most of each byte order."""
    for mark in _TIFF_HEADERS:
        at, seen = data.find(mark), 0
        while at >= 0 and seen < 4:
            yield at
            at, seen = data.find(mark, at + 8), seen + 1


_FONTS = (b"\0\1\0\0", b"OTTO", b"true", b"wOFF", b"wOF2")
_FONT_TABLES_MAX = 256  # tables read in one font: a real one has a few dozen


def _font_names(data: bytes) -> list[bytes]:
    """The strings of a TrueType, OpenType, WOFF or WOFF2 font's `name` table, and a WOFF's or
    WOFF2's metadata block, as UTF-8 (`picture_metadata`'s comment)."""
    if data[:4] == b"wOF2":
        return _woff2_names(data)
    woff = data[:4] == b"wOFF"
    count = int.from_bytes(data[12:14] if woff else data[4:6], "big")
    found = []
    for index in range(min(count, _FONT_TABLES_MAX)):
        at = 44 + 20 * index if woff else 12 + 16 * index
        entry = data[at : at + (20 if woff else 16)]
        if entry[:4] != b"name":
            continue
        offset, size = int.from_bytes(entry[4:8] if woff else entry[8:12], "big"), int.from_bytes(entry[8:12] if woff else entry[12:16], "big")
        table = data[offset : offset + min(size, _METADATA_MAX)]
        if woff and size < int.from_bytes(entry[12:16], "big"):
            table = _inflated(table)
        found.append(_name_strings(table))
    if woff and (size := int.from_bytes(data[28:32], "big")):
        offset = int.from_bytes(data[24:28], "big")
        found.append(_inflated(data[offset : offset + min(size, _METADATA_MAX)]))
    return found


def _inflated(packed: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(packed, _METADATA_MAX)
    except zlib.error:
        return packed


# WOFF2 (rt13): the tables are packed together in one Brotli stream after a directory whose
# entries name a table by its index in the format's list of known tags (the `name` table is 5)
# or by the tag itself (index 63), and give its length, or its transformed length where the
# table is transformed (`glyf` and `loca` unless their transform version is 3, any other table
# unless it is 0). https://www.w3.org/TR/WOFF2/
_WOFF2_NAME, _WOFF2_GLYF_LOCA, _WOFF2_OWN_TAG = 5, (10, 11), 63
_WOFF2_UNPACKED_MAX = GZIP_READ_MAX  # how far a WOFF2's tables are unpacked to reach its names


def _woff2_names(data: bytes) -> list[bytes]:
    """The strings of a WOFF2 font's `name` tables (one a font of a collection) and its
    metadata block, each unpacked with Brotli as far as it needs. A directory that cannot be
    read gives what was read before it."""
    count, packed_size = int.from_bytes(data[12:14], "big"), int.from_bytes(data[20:24], "big")
    names, at, offset = [], 48, 0
    try:
        for _ in range(min(count, _FONT_TABLES_MAX)):
            flags, at = data[at], at + 1
            index = flags & 0x3F
            tag = data[at : at + 4] if index == _WOFF2_OWN_TAG else None
            at += 4 if tag is not None else 0
            length, at = _uint_base128(data, at)
            glyf_or_loca = index in _WOFF2_GLYF_LOCA or tag in (b"glyf", b"loca")
            if (flags >> 6) != (3 if glyf_or_loca else 0):
                length, at = _uint_base128(data, at)
            if index == _WOFF2_NAME or tag == b"name":
                names.append((offset, length))
            offset += length
        if data[4:8] == b"ttcf":  # a collection: its fonts' lists of tables come before the stream
            fonts, at = _uint_255(data, at + 4)
            for _ in range(min(fonts, _FONT_TABLES_MAX)):
                tables, at = _uint_255(data, at)
                at += 4
                for _ in range(min(tables, _FONT_TABLES_MAX)):
                    _, at = _uint_255(data, at)
    except IndexError:
        names = []  # where the stream starts is not known: only the metadata is read
    found = []
    names = [(start, size) for start, size in names if start < _WOFF2_UNPACKED_MAX]
    if names:
        end = min(max(start + size for start, size in names), _WOFF2_UNPACKED_MAX)
        tables = _unbrotli(data[at : at + packed_size], end)
        found += [_name_strings(tables[begin : begin + min(size, _METADATA_MAX)]) for begin, size in names]
    size, start = int.from_bytes(data[32:36], "big"), int.from_bytes(data[28:32], "big")
    if size and start:
        found.append(_unbrotli(data[start : start + min(size, _METADATA_MAX)], _METADATA_MAX))
    return found


def _uint_base128(data: bytes, at: int) -> tuple[int, int]:
    """WOFF2's UIntBase128 at `at` (at most five bytes, seven bits each), and where it ends."""
    value = 0
    for end in range(at, at + 5):
        value = (value << 7) | (data[end] & 0x7F)
        if not data[end] & 0x80:
            return value, end + 1
    raise IndexError("a UIntBase128 longer than five bytes")


def _uint_255(data: bytes, at: int) -> tuple[int, int]:
    """WOFF2's 255UInt16 at `at`, and where it ends."""
    code = data[at]
    if code == 253:
        return int.from_bytes(data[at + 1 : at + 3], "big"), at + 3
    if code in (254, 255):
        return data[at + 1] + (506 if code == 254 else 253), at + 2
    return code, at + 1


def _unbrotli(packed: bytes, size: int) -> bytes:
    """The first `size` bytes `packed` unpacks to with Brotli, or fewer where it ends or breaks
    first: a font's tables are read only as far as its names, and never past `size` (a stream
    of a few bytes can unpack to gigabytes)."""
    import brotli  # loaded only when a WOFF2 or its metadata is read

    out, unpack = bytearray(), brotli.Decompressor()
    try:
        out += unpack.process(packed, output_buffer_limit=size)
        while len(out) < size and not unpack.is_finished() and not unpack.can_accept_more_data():
            if not (more := unpack.process(b"", output_buffer_limit=size - len(out))):
                break
            out += more
    except brotli.error:
        pass
    return bytes(out[:size])


def _name_strings(table: bytes) -> bytes:
    """A `name` table's strings, each decoded as its platform writes it (UTF-16 big-endian for
    Unicode and Windows, Mac Roman read as Latin-1 for Macintosh), one a line."""
    count, start = int.from_bytes(table[2:4], "big"), int.from_bytes(table[4:6], "big")
    out = []
    for index in range(min(count, 1024)):
        record = table[6 + 12 * index : 18 + 12 * index]
        if len(record) < 12:
            break
        platform, size, offset = int.from_bytes(record[:2], "big"), int.from_bytes(record[8:10], "big"), int.from_bytes(record[10:12], "big")
        raw = table[start + offset : start + offset + size]
        out.append(raw.decode("latin-1") if platform == 1 else raw.decode("utf-16-be", "replace"))
    return "\n".join(out).encode("utf-8")


def picture_metadata(data: bytes) -> str:
    """The text a picture's or a recording's metadata carries, which any viewer's "info" shows:
    a JPEG's APPn segments (EXIF, XMP, IPTC), a PNG's text chunks and EXIF (zTXt and compressed
    iTXt unpacked), a WebP's EXIF and XMP chunks, an MP3's ID3 tags, FLAC's and Ogg's comments,
    an MP4's `udta` and `ilst` boxes (in `data`; a file's are walked to wherever they are,
    `_mp4_metadata`), as text with NUL bytes as spaces, and as UTF-16 both ways
    (Windows writes the author, XPAuthor, so; ID3 writes UTF-16 too). A camera owner's `Artist`, a face tagged with a
    name (`mwg-rs:Name="Priya Kumar"`) is a value of two words with no run of three around it,
    which `carried_text` does not read (rt9). Segments are walked by their lengths, a JPEG's up
    to its picture's data: a few look-ups a picture; EXIF anywhere in the file by its TIFF header (rt10)."""
    found: list[bytes] = []
    if data[:2] == b"\xff\xd8":
        at = 2
        while at + 4 <= len(data) and data[at] == 0xFF and sum(map(len, found)) < _METADATA_MAX:
            marker, size = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
            if marker == 0xDA or size < 2:  # start of scan: the picture's data follows
                break
            if 0xE1 <= marker <= 0xEF or marker == 0xFE:  # APP1-APP15 and comments
                found.append(data[at + 4 : at + 2 + size])
            at += 2 + size
    elif data[:8] == _PNG:
        found += _png_texts(data, 0)
    elif data[:4] in (b"RIFF", b"FORM") and data[8:12] != b"WEBP":  # WAV, AVI, AIFF (rt11)
        found += _riff_metadata(io.BytesIO(data))
    elif data[:4] == _EBML:  # WebM, MKV, MKA (rt11)
        found += _ebml_metadata(io.BytesIO(data))
    elif data[:4] == b"GIF8":  # a GIF's comments and XMP, in extension blocks (rt11)
        found += _gif_metadata(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        at = 12
        while at + 8 <= len(data) and sum(map(len, found)) < _METADATA_MAX:
            kind, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
            if kind in (b"EXIF", b"XMP "):
                found.append(data[at + 8 : at + 8 + size])
            at += 8 + size + (size & 1)
    elif data[:3] == b"ID3" and len(data) >= 10:  # an MP3's tags (artist, title, comments)
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | data[9] & 0x7F
        found.append(data[10 : 10 + min(size, _METADATA_MAX)])
    elif data[:4] == b"fLaC":  # FLAC's metadata blocks, its Vorbis comments (`ARTIST=...`) among them
        at = 4
        while at + 4 <= len(data) and sum(map(len, found)) < _METADATA_MAX:
            last, kind, size = data[at] & 0x80, data[at] & 0x7F, int.from_bytes(data[at + 1 : at + 4], "big")
            if kind == 4:
                found.append(data[at + 4 : at + 4 + size])
            if last:
                break
            at += 4 + size
    elif data[:4] == b"OggS":  # Ogg Vorbis and Opus: their comments are in the first pages
        found.append(data[:65536])
    # An MP3's ID3v1 tag: the last 128 bytes, "TAG" and fixed fields of 30 bytes (title, artist,
    # album), which every player still shows (rt11). `_carried_in`'s last chunk ends the file.
    if data[-128:-125] == b"TAG":
        found.append(data[-128:])
    # An APEv2 tag (foobar2000, Monkey's Audio, WavPack, Musepack write one; MP3s often carry it):
    # items (`Artist\0Priya Kumar`) before a 32-byte footer, "APETAGEX", near the file's end (rt11).
    if (footer := data.rfind(b"APETAGEX", max(0, len(data) - 65536 - 160))) >= 0 and footer + 32 <= len(data):
        size = int.from_bytes(data[footer + 12 : footer + 16], "little")
        found.append(data[max(0, footer + 32 - min(size, _METADATA_MAX)) : footer])
    # EXIF wherever it is: an AVIF or HEIC picture keeps it as an item inside its media box, a
    # TIFF (and a camera's raw file) is one, other containers carry one (rt10). A TIFF header
    # with its first directory right after it (eight bytes no compressed data holds by chance)
    # starts 64 KiB read as metadata; at most four a file. Two searches a binary file.
    found += [data[at : at + 65536] for at in _tiff_headers(data)]
    # A PNG wherever it is (rt12): an icon (`.ico`, `.icns`) holds its pictures as PNGs after a
    # header of its own, and a viewer opening the picture shows its text chunks. Its eight-byte
    # signature holds no compressed data by chance; at most four a file. One search a binary file.
    at, seen = data.find(_PNG, 1), 0
    while at >= 0 and seen < 4:
        found += _png_texts(data, at)
        at, seen = data.find(_PNG, at + 8), seen + 1
    # A font's names (rt12): its family, designer, copyright and description, which every font
    # viewer and a system's font dialog show, in its `name` table, in a TrueType or OpenType font
    # as it is, in a WOFF packed with zlib and in a WOFF2 with Brotli (rt13), and a WOFF's or a
    # WOFF2's own metadata, packed XML.
    if data[:4] in _FONTS:
        found += _font_names(data)
    # MP4, M4A, MOV: the tags (`©ART`) are in a `udta` or `ilst` box, before or after the media
    # (within the first chunk `_carried_in` reads, 8 MiB). Looked for only in a file that starts
    # as one: two searches cost 20 ms over 5 MB of another kind of file.
    for box in (b"udta", b"ilst") if data[4:8] == b"ftyp" else ():
        if (at := data.find(box)) >= 0:
            found.append(data[at : at + 65536])
    return _metadata_texts(found)


# The text values a picture's metadata holds, for the identifier scan of a champion's photo
# (rt13). `picture_metadata` keeps whole segments, a thumbnail's bytes among them, which read
# as words at random and cost the scan a second a photo; these are the values alone.
_XMP = re.compile(rb"<x:xmpmeta\b.{0,1048576}?</x:xmpmeta>", re.DOTALL)
_XML_VALUE = re.compile(r"""(?:\s([\w.-]+:?[\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'))|>([^<]+)<""")
_XML_NOT_SHOWN = {"xmlns", "rdf:about", "x:xmptk", "rdf:parseType", "xml:lang"}
_EXIF_TEXT, _EXIF_UNDEFINED, _EXIF_IFD = 2, 7, 0x8769
_EXIF_WINDOWS = range(0x9C9B, 0x9CA0)  # XPTitle, XPComment, XPAuthor, XPKeywords, XPSubject: UTF-16
_EXIF_USER_COMMENT = 0x9286
# A camera's and a lens's serial numbers (BodySerialNumber, LensSerialNumber): a device's
# identifier, written with no label, so read after one for the scan (stop 49's red team).
_EXIF_SERIALS = (0xA431, 0xA435)
_IPTC = re.compile(rb"\x1c\x02[\x05-\xff](..)", re.DOTALL)  # a dataset of IPTC's application record


def picture_texts(data: bytes) -> list[str]:
    """The text values of a picture's metadata, each as written: EXIF's text tags in its first
    directory and its Exif directory (wherever a TIFF header starts one, four at most), the
    attribute values and element text of XMP packets (namespace declarations left out), IPTC's
    datasets, a PNG's text chunks (unpacked) and a JPEG's comments."""
    texts: list[str] = []
    if data[:2] == b"\xff\xd8":  # a JPEG's metadata is in its segments, before the picture's data
        data = data[: _jpeg_segments(data, texts)]
    for at in _tiff_headers(data):
        texts += _exif_texts(data, at)
    packets = [match.group() for match in _XMP.finditer(data[:GZIP_READ_MAX])]
    for value in _png_values(data, data.find(_PNG)) if data.startswith(_PNG) else ():
        if b"<x:xmpmeta" in value:
            packets += [match.group() for match in _XMP.finditer(value)]
        else:
            texts.append(value.decode("utf-8", "replace"))
    for packet in packets[:4]:
        for name, double, single, text in _XML_VALUE.findall(packet.decode("utf-8", "replace")):
            if name.partition(":")[0] != "xmlns" and name not in _XML_NOT_SHOWN:
                value = html_lib.unescape(double or single or text)
                texts.append(f"serial number {value}" if name.endswith("SerialNumber") else value)
    return [text for text in dict.fromkeys(texts) if text.strip()]


def _png_values(data: bytes, at: int) -> list[bytes]:
    """The values of the text chunks of the PNG at `at`, without their keywords (unpacked)."""
    found: list[bytes] = []
    for kind, chunk in _png_chunks(data, at):
        if len(found) >= 64:
            break
        if kind == b"tEXt":
            found.append(chunk.partition(b"\0")[2])
        elif kind == b"iTXt" and chunk.partition(b"\0")[2][:1] == b"\0":
            # Not packed: keyword, NUL, the flag and method bytes, language, NUL, keyword
            # translated, NUL, then the text.
            found.append(chunk.partition(b"\0")[2][2:].split(b"\0", 2)[-1])
        elif kind in (b"zTXt", b"iTXt"):
            found += _png_unpacked(kind, chunk)
    return found


def _jpeg_segments(data: bytes, texts: list[str]) -> int:
    """Add a JPEG's comments and IPTC datasets to `texts`, and return where its segments end."""
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, size = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == 0xDA or size < 2:  # start of scan: the picture's data follows
            break
        if marker == 0xFE:  # a comment
            texts.append(data[at + 4 : at + 2 + size].decode("utf-8", "replace"))
        elif marker == 0xED:  # Photoshop's segment, IPTC's datasets in it
            segment = data[at + 4 : at + 2 + size]
            for match in _IPTC.finditer(segment):
                value = segment[match.end() : match.end() + int.from_bytes(match.group(1), "big")]
                texts.append(value.decode("utf-8", "replace"))
        at += 2 + size
    return at


def _exif_texts(data: bytes, at: int) -> list[str]:
    """The text tags of the EXIF whose TIFF header is at `at`: ASCII values, Windows' UTF-16
    ones (XPAuthor...) and the user comment, in its first directory and its Exif directory."""
    number = _tiff_numbers(data, at)
    texts, directories, seen = [], [number(4, 4)], set()
    while directories and len(seen) < 4:
        directory = directories.pop()
        if directory in seen or not 0 < directory < len(data) - at:
            continue
        seen.add(directory)
        for index in range(min(number(directory, 2), _TIFF_ENTRIES_MAX)):
            entry = directory + 2 + 12 * index
            tag, kind, count = number(entry, 2), number(entry + 2, 2), number(entry + 4, 4)
            if tag == _EXIF_IFD:
                directories.append(number(entry + 8, 4))
                continue
            if kind not in (1, _EXIF_TEXT, _EXIF_UNDEFINED) or count > _METADATA_MAX:
                continue
            start = at + entry + 8 if count <= 4 else at + number(entry + 8, 4)
            value = data[start : start + count]
            if tag in _EXIF_WINDOWS:
                texts.append(value.decode("utf-16-le", "replace").replace("\0", " "))
            elif tag == _EXIF_USER_COMMENT:
                codec = "utf-16-le" if value[:8] == b"UNICODE\0" else "utf-8"
                texts.append(value[8:].decode(codec, "replace").replace("\0", " "))
            elif kind == _EXIF_TEXT:
                text = value.replace(b"\0", b" ").decode("utf-8", "replace")
                texts.append(f"serial number {text}" if tag in _EXIF_SERIALS else text)
    return texts


def _metadata_texts(found: list[bytes]) -> str:
    """Metadata `found` as text: NUL bytes as spaces, and, where it holds one (as UTF-16 of a
    Latin letter does), as UTF-16 both ways."""
    texts = []
    for part in found:
        part = part[:_METADATA_MAX]
        texts.append(part.replace(b"\0", b" ").decode("utf-8", "replace"))
        if b"\0" in part:
            texts += [part.decode("utf-16-le", "replace"), part[1:].decode("utf-16-le", "replace")]
    return "\n".join(texts)


# Boxes of an MP4 that hold others on the way to its tags: the movie, its tracks, and what
# Apple's `meta` box (4 bytes of version and flags, then boxes) and `udta` hold.
_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"edts"}
_MP4_TAGS = {b"udta", b"meta", b"uuid", b"ilst", b"XMP_"}
_MP4_BOXES_MAX = 4096  # boxes walked in one file: a real one has a few dozen


def _mp4_metadata(handle) -> list[bytes]:
    """The tag boxes (`udta`, `meta`, `ilst`, `uuid`: iTunes tags such as `\xa9ART`, XMP) of the
    MP4 file open in `handle`, wherever they are: walked by the boxes' sizes from the start of
    the file, seeking over the media (`mdat`) and every box that holds no tags. A recorder or
    ffmpeg without `+faststart` writes the movie box, and its tags, after the media; rt9 read
    them only within the first 8 MiB (rt10). A few seeks a file."""
    found: list[bytes] = []
    budget = [_MP4_BOXES_MAX]

    def walk(start: int, end: int | None) -> None:
        at = start
        while (end is None or at + 8 <= end) and budget[0] > 0 and sum(map(len, found)) < _METADATA_MAX:
            budget[0] -= 1
            handle.seek(at)
            head = handle.read(16)
            if len(head) < 8:
                return
            size, kind = int.from_bytes(head[:4], "big"), head[4:8]
            header = 8
            if size == 1 and len(head) == 16:  # a 64-bit size follows the type
                size, header = int.from_bytes(head[8:16], "big"), 16
            elif size == 0:  # the box runs to the end of the file (or of its parent)
                size = (end if end is not None else handle.seek(0, os.SEEK_END)) - at
            if size < header:
                return
            if kind in _MP4_TAGS:
                handle.seek(at + header)
                found.append(handle.read(min(size - header, _METADATA_MAX)))
            elif kind in _MP4_CONTAINERS:
                walk(at + header, at + size)
            at += size

    try:
        walk(0, None)
    except (OSError, ValueError, OverflowError):
        pass  # a box's size past what the file holds: what was found is what there is
    return found


# The chunks of a RIFF file (WAV, AVI; sizes little-endian) or an IFF one (AIFF: `FORM`, sizes
# big-endian) that hold tags: a `LIST` of type `INFO` (`IART` the artist, `INAM` the title,
# `ICMT` a comment: what recorders and Windows' Properties write), ID3 tags in a chunk (`id3 `),
# XMP (`_PMX`), broadcast and iXML metadata, and AIFF's `NAME`, `AUTH`, `ANNO` and `(c) ` (rt11).
_RIFF_TAGS = {b"id3 ", b"ID3 ", b"_PMX", b"iXML", b"bext", b"NAME", b"AUTH", b"ANNO", b"(c) ", b"COMT"}


def _riff_metadata(handle) -> list[bytes]:
    """The tag chunks (`_RIFF_TAGS`) of the RIFF or AIFF file open in `handle`, wherever they
    are: walked by the chunks' sizes from the twelfth byte, seeking over the media (a WAV's
    `data`, an AVI's `movi`), as `_mp4_metadata` walks an MP4. A few seeks a file."""
    found: list[bytes] = []
    try:
        handle.seek(0)
        order = "big" if handle.read(4) == b"FORM" else "little"
        at, budget = 12, _MP4_BOXES_MAX
        while budget > 0 and sum(map(len, found)) < _METADATA_MAX:
            budget -= 1
            handle.seek(at)
            head = handle.read(12)
            if len(head) < 8:
                break
            kind, size = head[:4], int.from_bytes(head[4:8], order)
            if kind in _RIFF_TAGS or (kind == b"LIST" and head[8:12] == b"INFO"):
                handle.seek(at + 8)
                found.append(handle.read(min(size, _METADATA_MAX)))
            at += 8 + size + (size & 1)
    except (OSError, ValueError, OverflowError):
        pass  # a chunk's size past what the file holds: what was found is what there is
    return found


# A Matroska file (WebM, MKV, MKA: EBML's mark first) keeps its title in its `Info` element, its
# tags (`ARTIST`, `TITLE`, `COMMENT`: SimpleTag's TagString) in `Tags`, usually after the media
# (what ffmpeg and OBS write), its chapters' names in `Chapters`, attached files in
# `Attachments`; a cluster's size may be unknown (a live recording), so the elements are found
# by their four-byte ids, which media holds by chance once in four billion positions (rt11).
_EBML = b"\x1a\x45\xdf\xa3"
_EBML_TAGS = (b"\x15\x49\xa9\x66", b"\x12\x54\xc3\x67", b"\x10\x43\xa7\x70", b"\x19\x41\xa4\x69")
_EBML_FOUND_MAX = 16  # elements read in one file: a real one has one of each


def _ebml_metadata(handle) -> list[bytes]:
    """The `Info`, `Tags`, `Chapters` and `Attachments` elements (`_EBML_TAGS`) of the Matroska
    file open in `handle`, wherever they are, 64 KiB from each (`_METADATA_MAX` at most): one
    read of the file, a chunk at a time, chunks overlapping by three bytes."""
    found: list[bytes] = []
    try:
        handle.seek(0)
        at, tail = 0, b""
        while len(found) < _EBML_FOUND_MAX:
            chunk = handle.read(_CHUNK)
            if not chunk:
                break
            data, start = tail + chunk, at - len(tail)
            for mark in _EBML_TAGS:
                place = data.find(mark)
                while place >= 0 and len(found) < _EBML_FOUND_MAX:
                    here = handle.tell()
                    handle.seek(start + place)
                    found.append(handle.read(65536))
                    handle.seek(here)
                    place = data.find(mark, place + 4)
            at += len(chunk)
            tail = data[-3:]
    except (OSError, ValueError):
        pass
    return found


# A GIF keeps comments (`!` 0xFE) and application data (`!` 0xFF: XMP as "XMP DataXMP") in
# extension blocks, each a run of sub-blocks of up to 255 bytes after their length: a name in
# a comment is cut by no length byte only when it is short (rt11).
_GIF_EXTENSIONS = (b"\x21\xfe", b"\x21\xff")
_GIF_FOUND_MAX = 16


def _gif_metadata(data: bytes) -> list[bytes]:
    """The comment and application extensions of the GIF `data`, their sub-blocks joined."""
    found: list[bytes] = []
    for mark in _GIF_EXTENSIONS:
        at = data.find(mark)
        while at >= 0 and len(found) < _GIF_FOUND_MAX:
            here, parts = at + 2, []
            while here < len(data) and data[here] and sum(map(len, parts)) < _METADATA_MAX:
                parts.append(data[here + 1 : here + 1 + data[here]])
                here += 1 + data[here]
            found.append(b"".join(parts))
            at = data.find(mark, here)
    return found


def carried_text(data: bytes) -> str:
    """The text a binary file carries: every run of words (`_WORD_RUN`) with the bytes around
    it, as UTF-8, and as UTF-16 read letter by letter when NUL bytes are common (as UTF-32 when
    they are most of it, rt12); NUL bytes are dropped, as a reader that opens the file never
    sees them. A picture's metadata is read whole (`picture_metadata`)."""
    views, nuls = [data], data.count(0)
    if nuls * 4 > len(data):
        views += [data[0::2], data[1::2]]
    if nuls * 3 > len(data) * 2:  # UTF-32 without a mark (rt12): a Latin letter is three NULs and itself
        views += [data[phase::4] for phase in range(4)]
    parts = []
    for view in views:
        spans: list[list[int]] = []
        for match in _WORD_RUN.finditer(view):
            start, end = max(0, match.start() - _AROUND), match.end() + _AROUND
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end
            else:
                spans.append([start, end])
        parts += [view[start:end].replace(b"\0", b"").decode("utf-8", "replace") for start, end in spans]
    if metadata := picture_metadata(data):
        parts.append(metadata)
    if _is_pdf(data) and (streams := _pdf_text(data)):
        parts.append(streams)
    return "\n".join(parts)


def bytes_text(data: bytes) -> str | None:
    """The text a browser shows of `data`, read from its byte order mark or as UTF-8, or None
    when it is binary (a NUL byte in its first SNIFF_BYTES); a PDF's streams unpacked too."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    if b"\0" in data[:SNIFF_BYTES]:
        return None
    text = data.decode("utf-8", "replace")
    if (declared := _declared_text(data)) is not None:
        text += "\n" + declared
    return text + "\n" + _pdf_text(data) if _is_pdf(data) else text


# A page (`<meta charset="shift_jis">`, `http-equiv` content), an SVG/XML file (`<?xml ...
# encoding="iso-2022-jp"?>`) or a stylesheet (`@charset "euc-jp";`, its `content:` shown) is shown in the encoding it declares near its start (rt10: a
# passage written in full-width letters in Shift_JIS, EUC-JP or ISO-2022-JP read as UTF-8 spelt
# nothing; browsers show those letters, and the checks fold them to Latin once decoded).
_DECLARED = re.compile(rb"""(?:(?:charset|encoding)\s*=\s*["']?|@charset\s+["'])\s*([A-Za-z0-9_.:-]{2,40})""",
                       re.IGNORECASE)


def _declared_text(data: bytes) -> str | None:
    """`data` decoded in the encoding its first 1,024 bytes declare, or None when they declare
    none, UTF-8, ASCII or one Python does not know as a text encoding."""
    if (match := _DECLARED.search(data, 0, 1024)) is None:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii")).name
        if codec in ("utf-8", "ascii", "utf-8-sig"):
            return None
        return data.decode(codec, "replace")
    except (LookupError, ValueError, TypeError):
        return None


def _is_pdf(data: bytes) -> bool:
    """Whether `data` is a PDF: its header within the first 1,024 bytes, as readers accept it."""
    return data.find(b"%PDF-", 0, 1024) >= 0


# A PDF keeps its metadata (author, title: what every viewer's "Document properties" shows) in
# its Info dictionary and an XMP packet, its outline's titles in strings too. Since PDF 1.5
# the dictionary may be one of the objects an object stream packs, and any stream may be packed
# (`/FlateDecode`), or written in hexadecimal or base-85 digits; a string may be written in
# hexadecimal (UTF-16 text often is) or with octal escapes. Pictures and fonts hold no such text.
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\r|\n)")  # a lone \r too, as viewers read it (rt11)
_PDF_FILTER = re.compile(rb"/Filter\s*(?:\[((?:\s*/\w+)*)\s*\]|(/\w+))")
_PDF_SKIPPED = re.compile(rb"/Subtype\s*/Image|/FontFile|/Length[123]\b")
_PDF_METADATA = re.compile(rb"/Type\s*/(?:Metadata|ObjStm|EmbeddedFile)\b")
_PDF_EARLY_CHANGE_0 = re.compile(rb"/EarlyChange\s+0\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# An encrypted PDF (rt11): its strings and streams are RC4 or AES noise, and with an empty user
# password (what "restrict printing/editing" writes) every viewer opens it without a question
# and shows its title and author. It cannot be checked, so it is never published.
_PDF_ENCRYPTED = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_PDF_HEX = re.compile(rb"<([0-9A-Fa-f\s]{4,})>")
# A literal string, balanced parentheses inside it too (two levels; rt11: `(Priya Kumar (champion))`).
# A literal string's body, with balanced parentheses inside it two deep ("(a (b (c)) d)").
_PDF_STRING_BODY = rb"(?:[^()\\]|\\.|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\))*"
_PDF_LITERAL = re.compile(rb"\((" + _PDF_STRING_BODY + rb")\)", re.DOTALL)
_PDF_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r?\n|.)", re.DOTALL)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_unpacked(data: bytes, filters: list[bytes], budget: list[int], early: int = 1) -> bytes:
    """A stream starting at `data`'s start unpacked through `filters` in order (`early`: LZW's
    EarlyChange). Raises Unreadable where a filter is one Flywheel does not read (a picture's,
    `/Crypt`, a name no reader knows) or the data does not unpack, and when the PDF unpacks
    beyond `budget` (rt11: such a metadata stream was read as nothing, and the PDF published)."""
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            unpack = zlib.decompressobj()
            try:
                out = unpack.decompress(data, budget[0] + 1)
            except zlib.error:
                raise Unreadable("pdf") from None
            if len(out) > budget[0]:
                raise Unreadable("pdf")
            data = out
        elif name in (b"LZWDecode", b"LZW"):
            data = _lzw_decoded(data, budget[0], early)
        elif name in (b"RunLengthDecode", b"RL"):
            data = _run_length_decoded(data, budget[0])
        elif name in (b"ASCIIHexDecode", b"AHx"):
            digits = re.sub(rb"\s", b"", data.split(b">", 1)[0])
            data = binascii.unhexlify(digits + b"0" * (len(digits) % 2)) if re.fullmatch(rb"[0-9A-Fa-f]*", digits) else b""
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                data = base64.a85decode(re.sub(rb"\s", b"", data.split(b"~>", 1)[0]))
            except ValueError:
                raise Unreadable("pdf") from None
        else:
            raise Unreadable("pdf")
        budget[0] -= len(data)
    return data


def _lzw_decoded(data: bytes, most: int, early: int) -> bytes:
    """`data` unpacked as PDF's `/LZWDecode` reads it: codes of 9 to 12 bits, first bit first,
    256 clearing the table and 257 ending the data, the width growing `early` codes ahead (the
    EarlyChange parameter: 1 unless the stream says 0). A code the table cannot have yet ends
    the data, as readers stop there. Raises Unreadable past `most` bytes."""
    table = [bytes([byte]) for byte in range(256)] + [b"", b""]
    out, width, bits, count, previous = bytearray(), 9, 0, 0, b""
    for byte in data:
        bits, count = (bits << 8) | byte, count + 8
        while count >= width:
            count -= width
            code, bits = bits >> count, bits & ((1 << count) - 1)
            if code == 256:
                del table[258:]
                width, previous = 9, b""
                continue
            if code == 257:
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif code == len(table) and previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                return bytes(out)
            out += entry
            previous = entry
            if len(out) > most:
                raise Unreadable("pdf")
            if len(table) + early >= 1 << width and width < 12:
                width += 1
    return bytes(out)


def _run_length_decoded(data: bytes, most: int) -> bytes:
    """`data` unpacked as PDF's `/RunLengthDecode` reads it: a length byte below 128 copies that
    many bytes and one more, one above repeats the next byte 257 less it times, 128 ends the
    data. Raises Unreadable past `most` bytes."""
    out, at = bytearray(), 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
        if len(out) > most:
            raise Unreadable("pdf")
    return bytes(out)


def _pdf_text(data: bytes) -> str:
    """The text a PDF's metadata carries (`_PDF_STREAM`'s comment): the strings written outside
    its streams (an Info dictionary), and its metadata streams (`/Type /Metadata`: XMP) and
    object streams (`/Type /ObjStm`: an Info dictionary packed) and attached files (`/Type
    /EmbeddedFile`, read as text) unpacked, with the strings they
    hold, each string as a viewer decodes it (`_pdf_string_text`), or "" (rt10: rt9 read a PDF
    only as the runs of words its bytes show); and the text its pages show (`_pdf_page_text`,
    rt11: their words are cut at every kerning step, or written as glyph numbers). Raises Unreadable for a PDF whose metadata unpacks beyond GZIP_READ_MAX,
    is packed in a way Flywheel does not unpack, or is encrypted (`_PDF_ENCRYPTED`, rt11)."""
    if b"/Encrypt" in data and _PDF_ENCRYPTED.search(data):
        raise Unreadable("pdf")
    budget, found, outside, attached, pages, packed, at = [GZIP_READ_MAX], [], [], [], [], [], 0
    for match in _PDF_STREAM.finditer(data):
        if match.start() < at:
            continue  # "stream" inside a stream's data
        start, end = match.start(), data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        outside.append(data[at:start])
        at = end
        opened = max(0, data.rfind(b"obj", max(0, start - 4096), start))
        head = data[opened:start]
        if b"#" in head:  # a name's escapes read (`/ObjSt#6d`, `/Fl#61teDecode`), as viewers read them (rt11)
            head = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), head)
        if _PDF_SKIPPED.search(head):
            continue  # a picture, a font
        stream = data[match.end() : end]
        if not _PDF_METADATA.search(head):
            pages.append((head, stream, opened))  # a page's content, a form, a font's ToUnicode map
            continue
        if (filters := _PDF_FILTER.search(head)) is not None:
            names = [name.strip() for name in (filters.group(1) or filters.group(2)).split(b"/") if name.strip()]
            stream = _pdf_unpacked(stream, names, budget, 0 if _PDF_EARLY_CHANGE_0.search(head) else 1)
        if b"ObjStm" in head:  # PDF's own syntax: what it shows is in its strings
            outside.append(stream)
            packed.append((head, stream))
        elif b"EmbeddedFile" in head:  # a file attached (a viewer lists and opens it)
            attached += _attached_texts(stream, budget)
        else:
            found.append(stream)
    outside.append(data[at:])
    strings = [_pdf_string_text(string) for part in (*outside, *found) for string in _pdf_strings(part)]
    # A dictionary's `<<` and `>>` read as a tag would hide the words inside (`<</Author (...)>>`).
    found = [part.replace(b"<", b" ").replace(b">", b" ").replace(b"\0", b" ").decode("utf-8", "replace")
             for part in (part[:_METADATA_MAX] for part in found)]
    return "\n".join([*found, *attached, " ".join(strings), _pdf_page_text(data, pages, packed, budget)])


_PDF_DEPTH = 4  # PDFs attached inside PDFs read this deep; deeper, the outer one cannot be checked
_pdf_depth = [0]


def _attached_texts(stream: bytes, budget: list[int]) -> list[str]:
    """The texts of a file attached to a PDF, read as a static file is (`_unpacked_texts`: a
    Word document's members, a packed file unpacked, a PDF's metadata and pages), and as text
    with its NUL bytes as spaces (rt10). rt11: a `.docx` attached, a zip packed in the PDF,
    read as noise. Raises Unreadable past _PDF_DEPTH PDFs deep."""
    if _pdf_depth[0] >= _PDF_DEPTH:
        raise Unreadable("pdf")
    _pdf_depth[0] += 1
    try:
        return [stream.replace(b"\0", b" ").decode("utf-8", "replace"), *_unpacked_texts(stream, budget, 1)]
    finally:
        _pdf_depth[0] -= 1


# A page's text (rt11): a content stream shows strings with `Tj`, `'`, `"` and `TJ` (whose
# numbers move the pen: a word space where one moves it a third of a letter or more, as TeX's
# -333 does), each in the font `Tf` chose, which maps its codes to letters through its
# `/ToUnicode` map (a font subset names its glyphs by number: LibreOffice, Chrome and Word
# write `<0102>` for "Ai") or, without one, as Latin-1 letters. Positioning operators start
# a line. A simple font's `/Differences` are read too (`_pdf_differences`, rt12); paths drawn
# as letters, and glyphs a font draws unlike their names, are not read (as a picture's pixels are not).
_PDF_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_PDF_REFERENCE = rb"(\d+)\s+\d+\s+R"
_PDF_FONTS = re.compile(rb"/Font\s*(?:<<(.*?)>>|" + _PDF_REFERENCE + rb")", re.DOTALL)
_PDF_FONT_ENTRY = re.compile(rb"/([^\s/<>\[\]()]+)\s*" + _PDF_REFERENCE)
_PDF_TO_UNICODE = re.compile(rb"/ToUnicode\s*" + _PDF_REFERENCE)
_PDF_TEXT_BEGIN, _PDF_TEXT_END = re.compile(rb"\bBT\b"), re.compile(rb"\bET\b")
_PDF_TOKEN = re.compile(rb"\(" + _PDF_STRING_BODY + rb"\)|<[0-9A-Fa-f\s]*>|[\[\]]"
                        rb"|/[^\s/\[\]()<>{}%]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*]+", re.DOTALL)
_PDF_LINE_OPERATORS = {b"Td", b"TD", b"Tm", b"T*"}
_PDF_KNOWN_FILTERS = {b"FlateDecode", b"Fl", b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL", b"ASCIIHexDecode",
                      b"AHx", b"ASCII85Decode", b"A85"}
_PDF_CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])?")
# A `bfchar` entry is a pair: read as a range's three (the pattern above), each entry took the
# next one's code as its target and every other letter was lost (fpdf2's maps: pdfcmp).
_PDF_CMAP_CHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_PDF_FONTS_MAX = 4  # readings of a stream where one font name means several fonts
_PDF_CMAP_MAX = 1 << 17  # codes a ToUnicode map may give (two bytes' worth, twice)


def _pdf_page_text(data: bytes, pages: list[tuple[bytes, bytes, int]], packed: list[tuple[bytes, bytes]],
                   budget: list[int]) -> str:
    """The text the content streams in `pages` (each a dictionary, its stream as written and
    where its `obj` keyword stands) show, and the XML other streams hold (an XFA form's data:
    its fields' values, which Acrobat shows), as text, (`_PDF_TEXT_BEGIN`'s comment), with the fonts named in the objects of `data` and of the
    unpacked object streams `packed`. Raises Unreadable as `_pdf_unpacked` does."""
    bodies: dict[int, bytes] = {}
    for match in _PDF_OBJECT.finditer(data):
        bodies.setdefault(int(match.group(1)), data[match.end() : match.end() + 16384].split(b"endobj", 1)[0])
    for head, stream in packed:
        bodies.update(_pdf_packed_objects(head, stream))
    streams, texts, xml = {}, [], []
    for head, stream, opened in pages:
        if (filters := _PDF_FILTER.search(head)) is not None:
            names = [name.strip() for name in (filters.group(1) or filters.group(2)).split(b"/") if name.strip()]
            if not set(names) <= _PDF_KNOWN_FILTERS:
                continue
            stream = _pdf_unpacked(stream, names, budget, 0 if _PDF_EARLY_CHANGE_0.search(head) else 1)
        if (number := re.search(rb"(\d+)\s+\d+\s*$", data[max(0, opened - 24) : opened])) is not None:
            streams[int(number.group(1))] = stream
        if b"BT" in stream:
            texts.append(stream)
        elif stream.lstrip()[:1] == b"<" and b"begincmap" not in stream:  # XFA's datasets, other XML
            xml.append(stream[:_METADATA_MAX].replace(b"\0", b" ").decode("utf-8", "replace"))
    if not texts:
        return "\n".join(xml)
    fonts: dict[bytes, list[int]] = {}
    for body in bodies.values():
        if b"/Font" not in body:
            continue
        for match in _PDF_FONTS.finditer(body):
            entries = match.group(1) if match.group(2) is None else bodies.get(int(match.group(2)), b"")
            for name, number in _PDF_FONT_ENTRY.findall(entries or b""):
                if int(number) not in fonts.setdefault(name, []):
                    fonts[name].append(int(number))
    maps: dict[int, _PdfFont | None] = {}
    drawn: dict[int, _PdfFont] = {}  # a font's glyphs as its encoding names them, where its ToUnicode map may say otherwise
    for number in {number for numbers in fonts.values() for number in numbers}:
        body = bodies.get(number, b"")
        found = _PDF_TO_UNICODE.search(body)
        maps[number] = _pdf_font(streams.get(int(found.group(1)), b"")) if found else None
        if b"/Encoding" in body and (renamed := _pdf_differences(body, bodies)) is not None:
            if maps[number] is None:
                maps[number] = renamed
            else:
                drawn[number] = renamed
    readings = max((len(numbers) for numbers in fonts.values()), default=1)
    return "\n".join(xml) + "\n" + "\n".join(_pdf_shown(stream, {name: each[numbers[min(reading, len(numbers) - 1)]]
                                         for name, numbers in fonts.items()})
                     for each in ((maps, {**maps, **drawn}) if drawn else (maps,))
                     for stream in texts for reading in range(min(readings, _PDF_FONTS_MAX)))


# A simple font's encoding may give its codes other glyphs (`/Encoding <</Differences [65 /P
# /r]>>`, or an encoding object so holding them): TeX, a symbol font exported by Word and every
# Type 3 font write one. A viewer draws the glyph the name says (a standard font's, or a Type 3
# font's procedure of that name) and copies and finds the letter the name means (rt12: rt11 read
# the codes as Latin-1, "AB" where the page showed "Pr"). A glyph's name is its letter, `uniXXXX`
# or `uXXXX`, a name from the list below, a letter with its mark's name (`eacute`), or any of
# these with a variant after a dot (`a.sc`) or joined by underscores (`f_i`); other names (`g12`)
# say nothing of what is drawn, and their codes are read as Latin-1.
_PDF_DIFFERENCES = re.compile(rb"/Differences\s*\[([^\]]*)\]")
_PDF_ENCODING_REFERENCE = re.compile(rb"/Encoding\s*" + _PDF_REFERENCE)
_PDF_DIFFERENCE = re.compile(rb"(\d+)|/([^\s/\[\]()<>{}%]+)")
_GLYPH_NAMES = {
    "space": " ", "nbspace": " ", "exclam": "!", "quotedbl": '"', "numbersign": "#", "dollar": "$", "percent": "%",
    "ampersand": "&", "quotesingle": "'", "quoteright": "\u2019", "quoteleft": "\u2018", "parenleft": "(",
    "parenright": ")", "asterisk": "*", "plus": "+", "comma": ",", "hyphen": "-", "minus": "-", "period": ".",
    "slash": "/", "colon": ":", "semicolon": ";", "less": "<", "equal": "=", "greater": ">", "question": "?",
    "at": "@", "bracketleft": "[", "backslash": "\\", "bracketright": "]", "underscore": "_", "endash": "\u2013",
    "emdash": "\u2014", "quotedblleft": "\u201c", "quotedblright": "\u201d", "bullet": "\u2022", "ellipsis": "...",
    "fi": "fi", "fl": "fl", "ff": "ff", "ffi": "ffi", "ffl": "ffl", "germandbls": "ss", "ae": "ae", "AE": "AE",
    "oe": "oe", "OE": "OE", "oslash": "o", "Oslash": "O", "lslash": "l", "Lslash": "L", "dotlessi": "i",
    "eth": "d", "Eth": "D", "thorn": "th", "Thorn": "Th",
    **{name: str(digit) for digit, name in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"))},
}
_GLYPH_MARKED = re.compile(r"([A-Za-z])(?:acute|grave|circumflex|dieresis|tilde|ring|cedilla|caron|macron|breve"
                           r"|ogonek|dotaccent|hungarumlaut|commaaccent)")
_GLYPH_UNICODE = re.compile(r"uni((?:[0-9A-F]{4})+)|u([0-9A-F]{4,6})")


def _pdf_differences(body: bytes, bodies: dict[int, bytes]) -> _PdfFont | None:
    """The letters a simple font's `/Differences` give its one-byte codes (`_PDF_DIFFERENCES`'
    comment), as a map `_pdf_decoded` reads; None when it renames no glyph to a known name."""
    if (reference := _PDF_ENCODING_REFERENCE.search(body)) is not None:
        body = bodies.get(int(reference.group(1)), b"")
    if (differences := _PDF_DIFFERENCES.search(body)) is None:
        return None
    table, code = {}, 0
    for number, name in _PDF_DIFFERENCE.findall(differences.group(1)):
        if number:
            code = int(number)
            continue
        if b"#" in name:
            name = _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), name)
        if 0 <= code <= 255 and (letters := _glyph_letters(name.decode("latin-1"))) is not None:
            table[code] = letters
        code += 1
    if not table:
        return None
    return {bytes([code]): letters for code, letters in table.items()}, [1], table


def _glyph_letters(name: str) -> str | None:
    """The letters a glyph's name means (`_PDF_DIFFERENCES`' comment), or None."""
    out = []
    for part in name.split(".", 1)[0].split("_"):
        if len(part) == 1 and part.isascii() and part.isalnum():
            out.append(part)
        elif (letters := _GLYPH_NAMES.get(part)) is not None:
            out.append(letters)
        elif (marked := _GLYPH_MARKED.fullmatch(part)) is not None:
            out.append(marked.group(1))  # the checks read a letter's mark as nothing
        elif (code := _GLYPH_UNICODE.fullmatch(part)) is not None:
            digits = code.group(1) or code.group(2)
            points = [int(digits[at : at + 4], 16) for at in range(0, len(digits), 4)] if code.group(1) else [int(digits, 16)]
            if any(point > 0x10FFFF or 0xD800 <= point <= 0xDFFF for point in points):
                return None
            out.append("".join(map(chr, points)))
        else:
            return None
    return "".join(out) or None


# A font's ToUnicode map, the widths of its codes (longest first) and, when every code is one
# byte, the map as `str.translate` takes it (a simple font's subset is then read in C).
_PdfFont = tuple[dict[bytes, str], list[int], dict[int, str] | None]


def _pdf_font(stream: bytes) -> _PdfFont | None:
    if not (cmap := _pdf_cmap(stream)):
        return None
    widths = sorted({len(code) for code in cmap}, reverse=True)
    return cmap, widths, {code[0]: letters for code, letters in cmap.items()} if widths == [1] else None


def _pdf_packed_objects(head: bytes, stream: bytes) -> dict[int, bytes]:
    """The objects an object stream packs, by number: its first `/First` bytes are pairs of an
    object's number and its place after them."""
    first = re.search(rb"/First\s+(\d+)", head)
    if first is None:
        return {}
    numbers = [int(number) for number in stream[: int(first.group(1))].split() if number.isdigit()]
    numbers = numbers[: len(numbers) // 2 * 2]
    places = [int(first.group(1)) + place for place in numbers[1::2]] + [len(stream)]
    return {number: stream[places[index] : places[index + 1]] for index, number in enumerate(numbers[0::2])}


def _pdf_cmap(stream: bytes) -> dict[bytes, str]:
    """A `/ToUnicode` map: each code (its bytes) and the letters it shows (`bfchar` pairs,
    `bfrange` ranges; _PDF_CMAP_MAX codes at most)."""
    found: dict[bytes, str] = {}
    left = _PDF_CMAP_MAX
    for block in re.findall(rb"begin(bfchar|bfrange)(.*?)end\1", stream, re.DOTALL):
        pairs = ([(low, high, b"", b"") for low, high in _PDF_CMAP_CHAR.findall(block[1])] if block[0] == b"bfchar"
                 else _PDF_CMAP_PAIR.findall(block[1]))
        for low, high, target, targets in pairs:
            if left <= 0:
                return found
            if block[0] == b"bfchar":
                found[binascii.unhexlify(low + b"0" * (len(low) % 2))] = _pdf_utf16(high)
                left -= 1
                continue
            start, end, width = int(low, 16), int(high, 16), (len(low) + 1) // 2
            count = min(end - start + 1, left)
            left -= max(count, 1)
            if targets:
                targets = re.findall(rb"<([0-9A-Fa-f]+)>", targets)
                found.update((_pdf_code(start + offset, width), _pdf_utf16(each))
                             for offset, each in enumerate(targets[: max(count, 0)]))
            elif target:
                first, size = int(target, 16), (len(target) + 1) // 2
                found.update((_pdf_code(start + offset, width), _pdf_code(first + offset, size).decode("utf-16-be", "replace"))
                             for offset in range(max(count, 0)))
    return found


def _pdf_code(number: int, width: int) -> bytes:
    """`number` as `width` bytes, or as many as it needs."""
    return number.to_bytes(max(width, (number.bit_length() + 7) // 8), "big")


def _pdf_utf16(digits: bytes) -> str:
    return binascii.unhexlify(digits + b"0" * (len(digits) % 2)).decode("utf-16-be", "replace")


def _pdf_shown(stream: bytes, fonts: dict[bytes, _PdfFont | None]) -> str:
    """The text a content stream shows, its strings decoded in the fonts `fonts` names."""
    out: list[str] = []
    font = None  # the font is text state, kept from one BT ... ET to the next (fpdf2 sets it alone in one: pdfcmp)
    for part in _PDF_TEXT_END.split(stream):  # BT ... ET, each BT read to the next ET
        if (begin := _PDF_TEXT_BEGIN.search(part)) is None:
            continue
        operands, array = [], None
        for token in _PDF_TOKEN.findall(part, begin.end()):
            first = token[:1]
            if first == b"(" or first == b"<":
                string = token[1:-1]
                if first == b"(":
                    string = _PDF_ESCAPE.sub(_pdf_escape, string) if b"\\" in string else string
                else:
                    digits = re.sub(rb"\s", b"", string)
                    string = binascii.unhexlify(digits + b"0" * (len(digits) % 2))
                (operands if array is None else array).append(_pdf_decoded(string, fonts.get(font)))
            elif token == b"[":
                array = []
            elif token == b"]":
                operands.append(array or [])
                array = None
            elif first == b"/" or first.isdigit() or first in b"-+.":
                if array is not None:
                    if first != b"/" and float(token) <= -180:
                        array.append(" ")
                else:
                    operands.append(token)
            else:
                if token == b"Tf" and len(operands) >= 2:
                    font = operands[-2][1:] if isinstance(operands[-2], bytes) else None
                elif token in (b"Tj", b"'", b'"') and operands and isinstance(operands[-1], str):
                    out.append(("\n" if token != b"Tj" else "") + operands[-1])
                elif token == b"TJ" and operands and isinstance(operands[-1], list):
                    out.append("".join(operands[-1]))
                elif token in _PDF_LINE_OPERATORS:
                    out.append("\n")
                operands = []
        out.append("\n")
    return "".join(out)


def _pdf_decoded(string: bytes, cmap: _PdfFont | None) -> str:
    """A shown string's letters: through its font's ToUnicode map and the widths of its codes,
    longest first, else as Latin-1."""
    if not cmap:
        return string.decode("latin-1")
    cmap, widths, table = cmap
    if table is not None:  # a font of one-byte codes (a simple font's subset): read in C
        return string.decode("latin-1").translate(table)
    out, at = [], 0
    while at < len(string):
        for width in widths:
            if (letters := cmap.get(string[at : at + width])) is not None:
                out.append(letters)
                at += width
                break
        else:
            out.append(chr(string[at]))
            at += 1
    return "".join(out)


def _pdf_string_text(string: bytes) -> str:
    """A PDF string as a viewer shows it: UTF-16 after its byte order mark, else as UTF-8 (PDF's
    own encoding is ASCII for letters without marks); one holding a NUL byte without a mark as
    UTF-16 both ways too (a viewer shows its letters between blanks)."""
    if string[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return string.decode("utf-16", "replace")
    text = string.replace(b"\0", b" ").decode("utf-8", "replace")
    if b"\0" not in string:
        return text
    return " ".join([text, string.decode("utf-16-be", "replace"), string.decode("utf-16-le", "replace")])


def _pdf_strings(data: bytes) -> list[bytes]:
    """The bytes of every string in `data`: literal (`(Priya Kumar)`, its escapes read) and
    hexadecimal (`<FEFF0050...>`)."""
    out = []
    if b"(" in data:
        out += [_PDF_ESCAPE.sub(_pdf_escape, match.group(1)) if b"\\" in match.group(1) else match.group(1)
                for match in _PDF_LITERAL.finditer(data)]
    if b"<" in data:
        out += [binascii.unhexlify(digits + b"0" * (len(digits) % 2))
                for match in _PDF_HEX.finditer(data) if (digits := re.sub(rb"\s", b"", match.group(1)))]
    return out


def _pdf_escape(match: re.Match[bytes]) -> bytes:
    """A literal string's escape read: an octal code, a character, a line continued."""
    escape = match.group(1)
    if escape[:1].isdigit():
        return bytes([int(escape, 8) & 0xFF])
    return b"" if escape in (b"\n", b"\r\n", b"\r") else _PDF_ESCAPES.get(escape, escape)


def named_for(rel: str, slugs: frozenset[str] | set[str], loosely: str | None = None) -> str | None:
    """The slug a file or folder is named for (any part of its address, extension aside:
    `stories/<slug>/index.html`, `downloads/<slug>.pdf`), or None. `loosely="path"` (a file
    someone put in docs_dir or the theme folder) also reads each part as a reader does
    (`named_loosely`: `a_racing_heart.pdf`, `A Racing Heart (1).pdf`, `a-racing-heart-final.pdf`,
    a Cyrillic `а`); `loosely="name"` reads only the file's own name so (a previous site, whose
    generated pages' folders are slugs of published pieces)."""
    parts = decoded(rel).casefold().split("/")
    for part in parts:
        if part.split(".")[0] in slugs or part in slugs:
            return part.split(".")[0]
    for part in parts if loosely == "path" else parts[-1:] if loosely == "name" else ():
        if slug := named_loosely(part, slugs):
            return slug
    return None


# What a browser shows as a document (besides Markdown, which becomes a page): under stories/
# and champions/, only the gate's pages may be one.
_DOCUMENT_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".html", ".htm", ".xhtml", ".xht",
                      ".shtml", ".pdf", ".txt")  # not .svg: a champion photo may be one
_GATED_FOLDERS = {"stories/": "story", "champions/": "champion"}  # render.py's addresses


def posing_as_a_story(rel: str) -> str | None:
    """Why a file of docs_dir or the theme folder, at `rel` there, may not be published, or
    None: under `stories/` and `champions/`, where the consent gate publishes stories and their
    champions (render.py), a page kept as `stories/<slug>.md` or `champions/<id>.html` was
    published beside them with no consent asked for and no identifier scanned. Pictures there
    stay (a champion's photo may be kept anywhere; the gate checks it as the photo it is)."""
    rel = decoded(rel).casefold()
    for folder, kind in _GATED_FOLDERS.items():
        if rel.startswith(folder) and rel.endswith(_DOCUMENT_SUFFIXES):
            return (f"{folder} holds only the {kind} pages the consent gate publishes; a patient's story is "
                    "written in content/stories/<service line>/<slug>.md, with its consent record, and its "
                    "champion in content/champions.yml")
    return None


_NAME_WORD = re.compile(r"[^\W_]+")
_LOOSE_JOINED = 12  # a slug's letters run together are looked for inside a name from this many on


def named_loosely(name: str, slugs: frozenset[str] | set[str]) -> str | None:
    """The slug of two words or more that a file's name spells, however a person would write it
    (rt7): its words in a row with any separators or none, in any case, with compatibility forms
    and look-alike letters of other scripts read as the letters they show, among other words
    (`a-racing-heart-final.pdf`, `A Racing Heart (1).pdf`, `a_racing_heart.pdf`,
    `aracingheart.pdf`). A slug of one word is matched only whole (`named_for`): a common word
    would leave out every file that uses it."""
    # An ASCII name is as it reads: loading the look-alike table (Unicode's confusables) cost
    # 0.05 s of every build that checks a static file.
    text = (name if name.isascii() else unicodedata.normalize("NFKC", name).translate(_look_alikes())).casefold()
    words = _NAME_WORD.findall(text)
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + 12) + 1):
            if (slug := "-".join(words[i:j])) in slugs:
                return slug
    joined = "".join(words)
    if len(joined) >= _LOOSE_JOINED:
        for letters, slug in _joined_slugs(frozenset(slugs)).items():
            if letters in joined:
                return slug
    return None


@functools.lru_cache(maxsize=8)
def _joined_slugs(slugs: frozenset[str]) -> dict[str, str]:
    """Each slug of two words or more, of _LOOSE_JOINED letters or more, by its letters run together."""
    return {slug.replace("-", ""): slug for slug in slugs if "-" in slug and len(slug.replace("-", "")) >= _LOOSE_JOINED}


def named_for_a_name(rel: str, quoted: Quoted) -> bool:
    """Whether a file's address (any part of it) spells the name of a champion no published
    story credits (`Quoted.names`, in every form: `media/priya-kumar-interview.mp3`,
    `Kumar_Priya.jpg`), or holds it run together (`PriyaKumar.jpg`): the address is published
    with the file, and a page linking to it shows it (rt9: such files were published as they
    were; only withheld stories' slugs were looked for in names)."""
    if not quoted.names:
        return False
    words = _words(decoded(rel).replace("/", " "))
    return _holds(words, quoted.names) or not quoted.joined.isdisjoint(words)


def static_leak(path: Path, rel: str, withheld: frozenset[str], quoted: Quoted) -> str | None:
    """Why a static file (kept in docs_dir or the practice's theme folder, copied to the site as
    it is) must stay off the site, or None: it is named for a withheld story (`named_for`), its
    text (`file_text`: what a binary file carries too) shows the story's address or quotes it, or it
    cannot be read, and so cannot be checked. `path` is the file or folder, `rel` its address."""
    if slug := named_for(rel, withheld, loosely="path"):
        return f"it is named for withheld story {slug}"
    if named_for_a_name(rel, quoted):
        return "its name is the name of a champion no published story credits"
    if quoted_traces(_address_words(rel), quoted):
        # "files/out-of-nowhere-my-heart-started-racing-...txt", a folder named for the title:
        # the address bar, a directory listing and the export show the name (stop 49).
        return "its name quotes a withheld story"
    if path.is_dir():
        return None
    try:
        text = file_text(path)
        for member in archive_names(path):
            if slug := named_for(member, withheld, loosely="path"):
                return f"it holds {member}, named for withheld story {slug}"
    except Unreadable:
        return "it cannot be read, so it cannot be checked"
    if rel.casefold().endswith(_PICTURE_SUFFIXES + _MOVIE_SUFFIXES) and records_position(path):
        return ("it records where it was taken (a GPS position in its metadata), which no one approved "
                "publishing; remove it (`exiftool -gps:all= FILE`, or `-location:all=` for a video)")
    if text is None:
        return None
    if traces := story_traces(text, withheld):
        return f"it shows the address of withheld story {traces[0]}"
    if quoted_traces(text, quoted):
        return "it quotes a withheld story"
    return None


def _address_words(rel: str) -> str:
    """A file's address as its words: each folder and name on a line of its own, percent escapes
    decoded, the characters that part words in a name (`-`, `_`, `.`, `+`, `~`) read as spaces,
    and camel case parted ("OutOfNowhereMyHeart...": stop 49's second red team)."""
    return "\n".join(_NAME_PARTS.sub(" ", unquote(part)) for part in rel.split("/"))


_NAME_PARTS = re.compile(r"[-_.+~]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


# A picture's EXIF or XMP may record where it was taken (a phone writes it by default): a
# champion's photo taken at home gives the home's position to anyone who downloads it, and the
# proof the patient approved shows the picture, not its metadata (rt12). Read in the pictures
# docs_dir and the theme folder publish, as a viewer's "info" shows it.
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".apng", ".webp", ".tif", ".tiff", ".heic", ".heif",
                     ".avif", ".jxl", ".dng", ".gif")
_TIFF_ENTRIES_MAX = 512  # entries read in one EXIF directory: a camera writes a few dozen
# A phone's video records it too: QuickTime's `\xa9xyz` box ("+41.8781-087.6298/", what iPhones
# and Android's recorder write) or Apple's `com.apple.quicktime.location.ISO6709` key, and XMP's.
_MOVIE_SUFFIXES = (".mp4", ".m4v", ".mov", ".3gp", ".3g2")
_RECORDING_SUFFIXES = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".webm", ".mkv", ".avi")
_MOVIE_POSITIONS = (b"\xa9xyz", b"location.ISO6709", b"GPSLatitude")


def records_position(path: Path) -> bool:
    """Whether the picture at `path` records a position: an EXIF GPS directory (wherever a TIFF
    header starts one, four at most) holding a latitude or a longitude, or XMP's `GPSLatitude`
    or `GPSLongitude`. False for a file that cannot be read (the static-file check says so)."""
    try:
        with os.fdopen(open_regular(path)[0], "rb") as handle:
            if path.name.casefold().endswith(_MOVIE_SUFFIXES):  # its tag boxes, wherever they are
                return any(mark in box for box in _mp4_metadata(handle) for mark in _MOVIE_POSITIONS)
            data = handle.read(GZIP_READ_MAX)
    except OSError:
        return False
    if b"GPSLatitude" in data or b"GPSLongitude" in data:  # XMP's, as text
        return True
    return any(_tiff_gps(data, at) for at in _tiff_headers(data))


def _tiff_gps(data: bytes, at: int) -> bool:
    """Whether the EXIF at `at` (its TIFF header) points at a GPS directory (tag 0x8825) that
    holds a latitude (2) or a longitude (4)."""
    number = _tiff_numbers(data, at)
    directory = number(4, 4)
    for index in range(min(number(directory, 2), _TIFF_ENTRIES_MAX)):
        entry = directory + 2 + 12 * index
        if number(entry, 2) == 0x8825:
            gps = number(entry + 8, 4)
            return any(number(gps + 2 + 12 * each, 2) in (2, 4) for each in range(min(number(gps, 2), 64)))
    return False
