"""Flywheel's own HTML blocks skip Markdown (html_blocks.py): every page must be what Markdown
alone makes of it, byte for byte, and the anchors in the blocks must still count."""

from __future__ import annotations

import pytest
from helpers import copy_sample, site_settings, tree_digest

from bench.synth import generate
from generator import html_blocks, mkdocs_plugin
from generator.cli import main

AS_OF = "2026-11-22"


def built(root, capsys) -> tuple[dict[str, str], str]:
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    site = (root / "site").as_posix() + "/"
    return {path.removeprefix(site): digest for path, digest in tree_digest(root / "site").items()}, capsys.readouterr().err


def counting(monkeypatch) -> list[int]:
    swapped: list[int] = []

    def tokenized(markdown, body=None):
        result = html_blocks.tokenized(markdown, body)
        swapped.append(len(result[1]) if result else 0)
        return result

    monkeypatch.setattr(mkdocs_plugin, "tokenized", tokenized)
    return swapped


@pytest.mark.parametrize("project", ["sample", "corpus"])
def test_every_page_is_the_same_with_and_without_the_swap(tmp_path, monkeypatch, capsys, project):
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")  # counted in this process
    if project == "sample":
        root = copy_sample(tmp_path)
        guide = min((root / "content/guides").rglob("*.md"))
        # An id inside a swapped block (the triage card) and one nowhere: MkDocs checks both.
        guide.write_text(guide.read_text() + "\n[If it is urgent](#fw-triage). [Gone](#no-such-anchor).\n")
    else:
        root = generate(tmp_path / "corpus", 150)
        site_settings(root)
    swapped = counting(monkeypatch)
    with_swap, said_with = built(root, capsys)
    pages = len([name for name in with_swap if name.endswith(".html")])
    assert sum(swapped) > 3 * pages  # the swap did happen, on most pages
    monkeypatch.setattr(mkdocs_plugin, "usable", lambda config: False)
    without, said_without = built(root, capsys)
    assert with_swap == without
    if project == "sample":
        assert "no-such-anchor" in said_with and "no-such-anchor" in said_without
        assert "fw-triage" not in said_with and "fw-triage" not in said_without


def test_a_token_markdown_reads_otherwise_gives_the_page_as_it_was(tmp_path, monkeypatch, capsys):
    """A guide leaving an HTML element open makes Markdown read the rest of the page as HTML,
    tokens too. Blocks after a guide holding HTML are never swapped (_AFTER_BODY_UNSAFE); with
    that guard off, the tokens do not come back as paragraphs, and the page is converted again
    as it was, its warnings given once."""
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    root = copy_sample(tmp_path)
    guide = min((root / "content/guides").rglob("*.md"))
    guide.write_text(guide.read_text() + "\nSee [the old page](no-such-page.md).\n\n<div class=\"note\">\nan open element\n")
    monkeypatch.setattr(mkdocs_plugin, "usable", lambda config: False)
    expected, said = built(root, capsys)
    monkeypatch.undo()
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    monkeypatch.setattr(html_blocks, "_AFTER_BODY_UNSAFE", ())
    restored = []
    monkeypatch.setattr(mkdocs_plugin, "restored", lambda html, blocks: restored.append(html_blocks.restored(html, blocks)) or restored[-1])
    got, said_now = built(root, capsys)
    assert got == expected
    assert None in restored  # the page was converted again
    def warned(text):
        return [line for line in text.splitlines() if "no-such-page.md" in line]

    assert warned(said_now) == warned(said) and len(warned(said)) == 1


BODY = "Some *text*.\n"


def test_what_is_swapped_and_what_is_not():
    page = (
        '<section class="card" id="x">\n<h2>Urgent?</h2>\n</section>\n\n'  # swapped
        "<h1>Title</h1>\n\n"  # swapped
        "<span>inline</span>\n\n"  # not a block element: Markdown wraps it in a paragraph
        '<p class="a">one\ttab</p>\n\n'  # a tab: Markdown expands it
        '<div class="open">\n<p>never closed</p>\n\n'  # open at the blank line
        "<ul><li>a</li></ul> trailing\n\n"  # text after the element
        "<div><div>a</div></div>\n\n"  # nested, closed: swapped
        "<p>a</p><p>b</p>\n\n"  # two elements: the first closes before the end
        f"{BODY}\n"
        "<div>after the body</div>\n"
    )
    body_at = (page.index(BODY), page.index(BODY) + len(BODY))
    _, blocks = html_blocks.tokenized(page, body_at)
    assert blocks == ['<section class="card" id="x">\n<h2>Urgent?</h2>\n</section>', "<h1>Title</h1>",
                      "<div><div>a</div></div>", "<div>after the body</div>"]
    assert html_blocks.anchor_ids(blocks) == {"x"}
    # After a body holding HTML or a fence, nothing is swapped; inside the body, never.
    for risky in ("<div>\n", "```\n", "~~~\n"):
        page_risky = page.replace(BODY, risky + BODY)
        at = page_risky.index(risky)
        assert html_blocks.tokenized(page_risky, (at, at + len(risky) + len(BODY)))[1][-1] == "<div><div>a</div></div>"
    inside = page.replace(BODY, "<div>in the body</div>\n")
    at = inside.index("<div>in the body")
    assert "<div>in the body</div>" not in html_blocks.tokenized(inside, (at, at + 23))[1]


def test_a_token_must_come_back_once_as_its_own_paragraph():
    markdown, blocks = html_blocks.tokenized("<h1>T</h1>\n\ntext\n\n<div>d</div>\n")
    token = markdown.split("\n")[0]
    assert html_blocks.restored(f"<p>{token}</p>\n<p>text</p>\n<p>{markdown.split()[-1]}</p>", blocks) == \
        "<h1>T</h1>\n\n<p>text</p>\n<div>d</div>"
    assert html_blocks.restored(f"<pre><code>{token}\n</code></pre>", blocks) is None
    assert html_blocks.restored(f"<p>{token}</p><p>{token}</p>", blocks) is None


def test_only_known_markdown_extensions_and_plugins():
    class Config(dict):
        def __init__(self, extensions, plugins):
            super().__init__()
            self.markdown_extensions, self.plugins = extensions, dict.fromkeys(plugins)

    assert html_blocks.usable(Config(["toc", "tables", "fenced_code", "markdown.extensions.admonition"], ["search", "flywheel"]))
    assert not html_blocks.usable(Config(["toc", "md_in_html"], ["search", "flywheel"]))
    assert not html_blocks.usable(Config(["toc", "pymdownx.snippets"], ["search", "flywheel"]))
    assert not html_blocks.usable(Config(["toc"], ["search", "flywheel", "macros"]))
