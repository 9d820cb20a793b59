"""Material's search index, read from each page at C speed where the page allows it.

mkdocs-material's search plugin splits every page's HTML into sections with a parser built on
`html.parser.HTMLParser`, whose tokenizer, written in Python, was two thirds of the search
plugin's time and about a tenth of a page's rendering. `FastParser` is Material's own parser
(every handler, so every rule about sections, titles, kept tags and whitespace, is Material's)
given its tokens by one regular expression instead: the same calls, with the same arguments, in
the same order as `HTMLParser` makes them.

That holds for the HTML Flywheel's pages are made of: start and end tags with lower-case
names, attributes with lower-case names and double-quoted values (or none), text, and the
text of `script` and `style` elements. Anything else on a page (a comment, a declaration, an
upper-case or unquoted attribute, a stray `<`, an element whose text some versions of
`HTMLParser` read raw) makes that page go through `HTMLParser` as before, whole.
`tests/test_search_parse.py` holds the tokens to `HTMLParser`'s, on generated HTML and on
every page of a real build.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_TOKEN = re.compile(
    r"([^<]+)"  # text
    r'|<([a-z][a-z0-9]*)((?:[ \n]+[a-z][a-z0-9_:.-]*(?:="[^"<]*")?)*)[ \n]*(/?)>'  # a start tag
    r"|</([a-z][a-z0-9]*)>"  # an end tag
)
_ATTRIBUTE = re.compile(r'[ \n]+([a-z][a-z0-9_:.-]*)(?:="([^"<]*)")?')
# Elements whose text HTMLParser reads raw, with how it finds their end.
_RAW_TEXT = {name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE) for name in HTMLParser.CDATA_CONTENT_ELEMENTS}
# Elements that some versions of HTMLParser read raw and others do not: such a page is left to
# the HTMLParser of the Python that runs.
_UNSETTLED = frozenset(
    {"textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}
) - set(_RAW_TEXT)

_DATA, _START, _END, _START_END = range(4)


def tokens(html: str) -> list[tuple[int, str, list | None]] | None:
    """The calls `HTMLParser(convert_charrefs=True)` makes for `html` (kind, tag or text,
    attributes), or None when `html` holds anything outside the forms above."""
    found: list[tuple[int, str, list | None]] = []
    add, match, at, end = found.append, _TOKEN.match, 0, len(html)
    while at < end:
        token = match(html, at)
        if token is None:
            return None
        text, tag, attributes, closed, end_tag = token.groups()
        at = token.end()
        if text is not None:
            add((_DATA, unescape(text) if "&" in text else text, None))
        elif tag is not None:
            if tag in _UNSETTLED:
                return None
            pairs = [
                (pair.group(1), unescape(value) if (value := pair.group(2)) and "&" in value else value)
                for pair in _ATTRIBUTE.finditer(attributes)
            ] if attributes else []
            if tag in _RAW_TEXT:
                stop = _RAW_TEXT[tag].search(html, at)
                if closed or stop is None or stop.group() != f"</{tag}>":
                    return None
                add((_START, tag, pairs))
                if stop.start() > at:
                    add((_DATA, html[at : stop.start()], None))
                add((_END, tag, None))
                at = stop.end()
            else:
                add((_START_END if closed else _START, tag, pairs))
        elif end_tag in _UNSETTLED or end_tag in _RAW_TEXT:
            return None
        else:
            add((_END, end_tag, None))
    return found


def fast_parser(base: type[HTMLParser]) -> type[HTMLParser]:
    """`base` (Material's search parser) fed by `tokens` when the page allows it."""

    class FastParser(base):  # type: ignore[misc, valid-type]
        def feed(self, data: str) -> None:
            found = tokens(data) if self.convert_charrefs and not self.rawdata else None
            if found is None:
                super().feed(data)
                return
            for kind, value, attributes in found:
                if kind == _DATA:
                    self.handle_data(value)
                elif kind == _START:
                    self.handle_starttag(value, attributes)
                elif kind == _END:
                    self.handle_endtag(value)
                else:
                    self.handle_startendtag(value, attributes)

    FastParser.__name__ = FastParser.__qualname__ = f"Fast{base.__name__}"
    return FastParser


def install() -> bool:
    """Give Material's search plugin `FastParser` (once per process). False, changing nothing,
    when its parser is not the HTMLParser subclass with its own feed this was written for."""
    try:
        from material.plugins.search import plugin as search
    except ImportError:
        return False
    parser = getattr(search, "Parser", None)
    if getattr(parser, "_flywheel_fast", False):
        return True
    if not (isinstance(parser, type) and issubclass(parser, HTMLParser) and parser.feed is HTMLParser.feed):
        return False
    fast = fast_parser(parser)
    fast._flywheel_fast = True  # type: ignore[attr-defined]
    fast._flywheel_base = parser  # type: ignore[attr-defined]
    search.Parser = fast
    return True
