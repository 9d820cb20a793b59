"""What `flywheel serve` shows while the content has errors: the problems, as a page.

MkDocs' answer to a failed rebuild is a line in the terminal and a browser request that hangs
("The server will appear stuck"). The preview instead renders every page it knows as the list
of problems, so the browser shows what to fix and live reload brings the site back once the
files are fixed. Only for the preview: a build with errors still stops.
"""

from __future__ import annotations

import html

from .errors import Problem
from .render import GeneratedPage, RenderedSite

PROBLEMS_TITLE = "Content problems"


def problems_markdown(errors: list[Problem]) -> str:
    """The page: a heading, what to do, and every error as `check` prints it (escaped)."""
    listing = "\n".join(html.escape(p.format(), quote=False) for p in errors)
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    return (
        "---\n"
        f"title: {PROBLEMS_TITLE}\n"
        "robots: noindex, nofollow\n"
        "---\n\n"
        "# The preview cannot show the site yet\n\n"
        f"`flywheel check` found {count}. Fix them and save the file: this page reloads by itself.\n\n"
        f'<pre class="flywheel-problems">{listing}</pre>\n'
    )


def problems_site(errors: list[Problem], known: RenderedSite | None) -> RenderedSite:
    """Every page the preview has shown (and the home page) as the problems page, so a
    reader on any page sees them; the last good site gives the addresses."""
    markdown = problems_markdown(errors)
    uris = {"index.md"} | {page.src_uri for page in known.pages} if known else {"index.md"}
    pages = [GeneratedPage(uri, markdown, PROBLEMS_TITLE, "problems", uri) for uri in sorted(uris)]
    return RenderedSite(pages, [{PROBLEMS_TITLE: "index.md"}])
