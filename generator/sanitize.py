"""Untrusted text from patients -> HTML that is safe to publish.

Story bodies are Markdown written by patients. Raw HTML in them is never interpreted: the
Markdown parser treats it as text. The resulting HTML then goes through `nh3` (the Rust
`ammonia` sanitizer), an allow-list of tags and attributes where links may only be http(s),
site-relative (never mailto: or any other scheme). Images are dropped: a photo needs the `photo` identifier in the
consent, and a remote image would let a third party track readers.
"""

from __future__ import annotations

import html
import threading

import markdown
import nh3
from markdown.extensions import Extension

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https"}  # never mailto:, tel: or anything else in a patient's text


class _NoRawHtml(Extension):
    """Treat raw HTML as text: its `<` and `>` are escaped like any other character."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # Python-Markdown's hook name
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[_NoRawHtml(), "tables", "sane_lists"], output_format="html"
    )


_local = threading.local()  # one parser per thread: a Markdown instance is not thread-safe


def _convert(body: str) -> str:
    """`body` as HTML through this thread's parser. Building a parser costs a fifth of a
    conversion, so it is built once; `reset()` between documents is Python-Markdown's
    documented way to reuse one, and clears what a document leaves behind (link reference
    definitions, stashed HTML). A conversion that raises may leave the parser half-way
    through a document, so that parser is dropped and the next call builds a fresh one."""
    parser = getattr(_local, "parser", None) or _markdown()
    _local.parser = None
    rendered = parser.reset().convert(body)
    _local.parser = parser
    return rendered


def clean_html(fragment: str) -> str:
    """Sanitize an HTML fragment with the story allow-list."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def story_html(body: str) -> str:
    """A patient's Markdown as sanitized HTML. Headings are shifted below the page's H1."""
    rendered = _convert(body)
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return clean_html(rendered)


def text(value: str) -> str:
    """Plain text for HTML: every character escaped, quotes included."""
    return html.escape(value, quote=True)
