"""Material's search parser fed by one regular expression (search_parse.py) makes exactly the
calls HTMLParser makes, or leaves the page to HTMLParser: the search index is the same."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search import plugin as material_search

from generator import search_parse
from generator.cli import main


class Recorder(HTMLParser):
    """Every call HTMLParser makes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.calls.append((search_parse._START, tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.calls.append((search_parse._START_END, tag, attrs))

    def handle_endtag(self, tag):
        self.calls.append((search_parse._END, tag, None))

    def handle_data(self, data):
        self.calls.append((search_parse._DATA, data, None))

    def handle_comment(self, data):
        self.calls.append(("comment", data, None))

    def handle_decl(self, decl):
        self.calls.append(("decl", decl, None))


def recorded(html: str) -> list[tuple]:
    parser = Recorder()
    parser.feed(html)
    parser.close()
    return parser.calls


# What pages are made of, and what they are not: tags Material treats apart (headings with ids,
# kept tags, skipped ones, a permalink), attributes with references, raw-text elements and
# their near misses, upper case, unquoted and single-quoted values, comments, stray brackets.
PIECES = [
    "<p>", "</p>", "<h2 id=\"a-b\">", "</h2>", "<h1>", "</h1>", "<h3 id=\"x\" class=\"y\">", "</h3>",
    "<a class=\"headerlink\" href=\"#a-b\" title=\"Permanent link\">", "</a>", "&para;",
    "<ul>", "</ul>", "<li>", "</li>", "<code>", "</code>", "<pre>", "</pre>", "<sub>", "<sup>",
    "<div data-search-exclude>", "</div>", "<div class=\"linenodiv\">", "<br>", "<br />", "<img src=\"a.png\" alt=\"A &amp; B\"/>",
    "<span\ndata-x=\"1\">", "</span>", "<em>", "</em>", "<a href=\"/x?a=1&amp;b=2\">", "<object>", "</object>",
    "<script type=\"application/ld+json\">", "{\"a\": \"<b>&amp;</b>\"}", "</script>", "</SCRIPT>", "</script >",
    "<style>", "p{color:red}", "</style>", "<textarea>", "</textarea>", "<title>",
    "<P>", "<a HREF=\"x\">", "<a href=x>", "<a href='x'>", "<!-- c -->", "<!DOCTYPE html>", "<?x?>",
    "<", ">", "a < b", "&", "&amp;", "&#97;", "&lt;p&gt;", "&nosuch;", "&amp", " ", "\n", "\t",
    "text", "Heart rate", "caf\u00e9", "\u00a0",
]
pages = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def sections(parser_class: type, html: str) -> list[tuple]:
    parser = parser_class()
    parser.feed(html)
    parser.close()
    return [(s.el.tag, s.id, s.title, s.text, s.depth, s.is_excluded()) for s in parser.data]


# Material's own parser, whether or not a build in this process has installed the fast one.
MATERIAL = getattr(material_search.Parser, "_flywheel_base", material_search.Parser)
FAST = search_parse.fast_parser(MATERIAL)


@settings(max_examples=3000, deadline=None)
@given(pages)
def test_tokens_are_the_calls_htmlparser_makes_or_none(html):
    found = search_parse.tokens(html)
    if found is not None:
        assert found == recorded(html)


@settings(max_examples=1500, deadline=None)
@given(pages)
def test_material_reads_the_same_sections_either_way(html):
    assert sections(FAST, html) == sections(MATERIAL, html)


def test_a_page_of_the_forms_flywheel_writes_is_tokenized_not_left_to_htmlparser():
    """The fast path is taken where it should be: a test that only compared outputs would pass
    with a tokenizer that always gave up."""
    page = (
        '<h1 id="t">Title</h1><p>Rest &amp; walk <a href="/a?x=1&amp;y=2">here</a>.</p>'
        '<script type="application/ld+json">{"a": "<b>"}</script><ul><li>one</li></ul><br />'
    )
    found = search_parse.tokens(page)
    assert found is not None and found == recorded(page)
    for other in ("<!-- c -->", "<P>", "<a href=x>", "</script >", "<textarea>", "a < b"):
        assert search_parse.tokens(page + other) is None, other


def test_install_gives_material_the_fast_parser_once(monkeypatch):
    monkeypatch.setattr(material_search, "Parser", MATERIAL)
    original = MATERIAL
    assert search_parse.install() and search_parse.install()
    assert material_search.Parser is not original and issubclass(material_search.Parser, original)
    assert material_search.Parser.__mro__[1] is original  # not wrapped twice


def test_install_leaves_a_parser_it_was_not_written_for(monkeypatch):
    class OwnFeed(HTMLParser):
        def feed(self, data):
            super().feed(data)

    monkeypatch.setattr(material_search, "Parser", OwnFeed)
    assert not search_parse.install()
    assert material_search.Parser is OwnFeed


def test_the_built_search_index_is_byte_identical_with_and_without_it(sample, monkeypatch):
    """A real build of the sample site: every page's sections, through MkDocs and Material."""
    original = MATERIAL
    monkeypatch.setattr(material_search, "Parser", original)
    assert main(["build", "--root", str(sample), "--as-of", "2026-11-22", "--no-cache"]) == 0
    assert material_search.Parser is not original  # the build installed it
    fast = (sample / "site/search/search_index.json").read_bytes()
    monkeypatch.setattr(search_parse, "install", lambda: False)
    monkeypatch.setattr(material_search, "Parser", original)
    assert main(["build", "--root", str(sample), "--as-of", "2026-11-22", "--no-cache"]) == 0
    assert material_search.Parser is original
    assert (sample / "site/search/search_index.json").read_bytes() == fast
    assert b'"location":' in fast and fast.count(b'"location":') > 50
