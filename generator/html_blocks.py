"""Flywheel's own HTML blocks skip Markdown: a page renders as if they had gone through it.

Most of a generated page's Markdown is HTML that Flywheel's templates wrote: the triage card,
the title, the review line, the JSON-LD, a story's sanitized text, the story cards, the next
step. Python-Markdown passes such a block through untouched, but first reads all of it with
`html.parser` twice (its raw-HTML preprocessor, and MkDocs' search for anchor ids): a third of
the time a page's Markdown takes. So before MkDocs converts a generated page, each of those
blocks is swapped for a token paragraph (`tokenized`), and after, each `<p>token</p>` is
swapped back for the block (`restored`), which is what Markdown itself does with the blocks it
stashes. The anchor ids the blocks hold are added as MkDocs would have found them.

A block is swapped only where that is known to give the same page (a test renders every page
both ways and compares every byte):
- it was written by a template, never by an author: a guide's own Markdown is left alone,
  and so is everything after it when it holds HTML or a code fence, which could leave Markdown
  in a state that reads the next blocks differently;
- it starts a line after a blank line, with an element Markdown treats as a block, and ends
  with that element's closing tag, open until then (user text in it is escaped, so every tag
  in it is a template's, or the sanitizer's, which closes what it opens);
- it has no blank or whitespace-only line, tab, carriage return or Markdown's own stash
  markers (Markdown would change those);
- the site uses only the Markdown extensions listed here and no plugins but Flywheel and the
  search plugin (others may read or change raw HTML).
If a token does not come back as its own paragraph, exactly once (an HTML element a guide left
open makes Markdown read the rest of the page as HTML, tokens too), the page is converted again
from its Markdown, as it was.
"""

from __future__ import annotations

import functools
import re
import secrets

# Extensions that never read or change raw HTML blocks (md_in_html and `extra` do).
EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks",
})
PLUGINS = frozenset({"flywheel", "search", "material/search"})

# Python-Markdown's block-level elements (markdown.Markdown().block_level_elements, 3.x): a
# raw HTML block starting with one of these is passed through as a block.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "canvas", "center", "colgroup", "dd",
    "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "group",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "iframe", "legend", "li",
    "main", "map", "math", "menu", "nav", "noscript", "object", "ol", "option", "output", "p",
    "pre", "progress", "script", "section", "style", "summary", "table", "tbody", "td", "textarea",
    "tfoot", "th", "thead", "tr", "ul", "video",
})
_TAG = re.compile(r"<([a-z][a-z0-9]*)\b")
_UNSAFE = re.compile(r"[\t\r\x02\x03]")
_AFTER_BODY_UNSAFE = ("<", "```", "~~~")
_NONCE = "fw" + secrets.token_hex(8)  # per process: no author can write a token


def usable(config) -> bool:
    """Whether this site's Markdown settings and plugins are those the swap is known for."""
    names = set()
    for extension in config.markdown_extensions:
        if not isinstance(extension, str):
            return False
        names.add(extension.removeprefix("markdown.extensions."))
    return names <= EXTENSIONS and set(config.plugins) <= PLUGINS


def _closed(block: str, tag: str) -> bool:
    """The block is one `tag` element: open from its start until its closing tag ends the block."""
    if not block.endswith(f"</{tag}>"):
        return False
    depth = 0
    events = list(re.finditer(rf"<(/?){tag}\b", block))
    for number, event in enumerate(events):
        depth += -1 if event.group(1) else 1
        if depth <= 0 and number != len(events) - 1:
            return False
    return depth == 0


def tokenized(markdown: str, body: tuple[int, int] | None = None) -> tuple[str, list[str]] | None:
    """`markdown` with each of Flywheel's HTML blocks that can be swapped replaced by a token,
    and the blocks in order; None when none can. `body` is where an author's Markdown is."""
    blocks: list[str] = []
    parts: list[str] = []
    last = 0
    after_body_safe = body is None or not any(mark in markdown[body[0] : body[1]] for mark in _AFTER_BODY_UNSAFE)
    start = 0 if markdown.startswith("<") else _next_block(markdown, 0)
    while start >= 0:
        end = markdown.find("\n\n", start)
        end = len(markdown.rstrip("\n")) if end < 0 else end
        following = _next_block(markdown, end)
        if body is not None and (start < body[1] and end > body[0] or start >= body[1] and not after_body_safe):
            start = following
            continue
        block = markdown[start:end]
        tag = _TAG.match(block)
        if (tag is not None and tag.group(1) in _BLOCK_TAGS and not _UNSAFE.search(block)
                and _closed(block, tag.group(1)) and all(line.strip() for line in block.split("\n"))):
            parts += [markdown[last:start], f"{_NONCE}b{len(blocks)}e"]
            blocks.append(block)
            last = end
        start = following
    if not blocks:
        return None
    parts.append(markdown[last:])
    return "".join(parts), blocks


def _next_block(markdown: str, at: int) -> int:
    """Where the next line starting with `<` after a blank line is, from `at`; -1 if none."""
    found = markdown.find("\n\n<", at)
    return found + 2 if found >= 0 else -1


def restored(html: str, blocks: list[str]) -> str | None:
    """The converted page with each token paragraph replaced by its block; None when a token
    did not come back as its own paragraph, exactly once."""
    if html.count(_NONCE) != len(blocks):
        return None
    for number, block in enumerate(blocks):
        marker = f"<p>{_NONCE}b{number}e</p>"
        at = html.find(marker)
        if at < 0:
            return None
        html = html[:at] + block + "\n" + html[at + len(marker):]
    return html.strip()  # Markdown ends each raw block with a line break and strips its output


def anchor_ids(blocks: list[str]) -> set[str]:
    """The ids MkDocs' own reading of raw HTML finds in `blocks` (`id`, and `name` of `a`)."""
    found: set[str] = set()
    for block in blocks:
        if _MAY_HOLD_ID.search(block):
            found |= _ids(block)
    return found


# An attribute that may be an id or an anchor's name, inside a tag (text holds no "<").
_MAY_HOLD_ID = re.compile(r"<[^>]*?\s(?:id|name)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=512)  # a service line's triage card is on each of its pages
def _ids(block: str) -> frozenset[str]:
    from mkdocs.structure.pages import _HTMLHandler

    parser = _HTMLHandler()
    parser.feed(block)
    parser.close()
    return frozenset(parser.present_anchor_ids)
