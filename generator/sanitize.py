"""Untrusted text from patients -> HTML that is safe to publish.

Story bodies are Markdown written by patients. Raw HTML in them is never interpreted: the
Markdown parser treats it as text. The resulting HTML then goes through `nh3` (the Rust
`ammonia` sanitizer), an allow-list of tags and attributes where links may only be http(s),
site-relative (never mailto: or any other scheme). Images are dropped: a photo needs the `photo` identifier in the
consent, and a remote image would let a third party track readers.
"""

from __future__ import annotations

import html

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
    rendered = _markdown().convert(body)
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return clean_html(rendered)


def text(value: str) -> str:
    """Plain text for HTML: every character escaped, quotes included."""
    return html.escape(value, quote=True)
