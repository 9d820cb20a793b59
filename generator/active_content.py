"""Guides carry text, not code.

A guide's raw HTML reaches the page as it is written (Python-Markdown passes it through), and
so would a script, an event handler or a `javascript:` address in it. Every check that keeps a
withheld story off the site reads text (addresses, titles, runs of words); a script can write
text that no file holds (`atob("...")`, character codes, a fetch from the site's own files), so
a guide that runs code could show a withheld story whatever those checks find. It could also
load what the third-party check never sees. A guide for patients has no need of code: Flywheel
writes the page's structured data itself, and the theme's own scripts are the practice's.

So the text of a guide, read as written (code blocks included: which text Markdown treats as
code depends on the HTML around it), is refused when it holds:

- an element that runs or embeds code: `script`, `object`, `embed`, `applet`, `base`,
  `frame`, `frameset`, a `meta` with `http-equiv` (a refresh is a redirect); and `style`,
  whose `content:` shows text written with CSS escapes (`"\\41  racing heart"`) or taken from
  attributes (`attr(data-a)`), which no text check reads (a `style=` attribute cannot: it
  has no pseudo-elements);
- an attribute that runs code: `on...` (onclick, onerror, onload...) or `srcdoc`, in an HTML
  tag or in an attribute list (`{ onclick="..." }`);
- an address that runs code: `javascript:`, `vbscript:` or `data:text/html`, in any attribute
  or Markdown link, read as a browser reads it (references decoded, tabs, newlines and
  controls inside the scheme dropped, any case); any `data:` address shown in an iframe (an
  SVG document runs its scripts there); an SVG animation that sets an `on...` attribute;
- a `style=` attribute that draws text somewhere other than where it is written (`order`,
  a reversed flex direction, `float`, `position`, grid placement, `direction`, a transform...),
  or written with CSS escapes or comments: a quotation written second half first and put back
  in order by the browser is read in halves by every check (stop 48's red team).

An image can show any words, a data: SVG or a picture of text alike: no text check reads
them, and the reviewers of a pull request do.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from .errors import Problem, problem
from .leaks import link_targets

_CODE_ELEMENTS = frozenset({"script", "object", "embed", "applet", "base", "frame", "frameset"})
# A start tag: its name, then everything to the closing ">" outside quotes (a ">" inside a
# quoted value does not end it).
_TAG = re.compile(r"""<([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>?""")
# An attribute list (Python-Markdown's attr_list, pymdownx): `{: #id .class key="value" }`.
_ATTR_LIST = re.compile(r"\{:?[ \t]*([^{}\n]*)\}")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_CODE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_FRAMES = frozenset({"iframe", "frame"})  # a data: document in one runs its own scripts
_HIDDEN = re.compile(r"[\x00-\x20\x7f]+")  # what a browser drops from, or skips before, a scheme
# CSS properties that draw an element's text away from where it is written (in a value read as
# `_as_read` reads it: no spaces, lower case).
_MOVES_TEXT = re.compile(
    r"(?:^|[;{])(order|float|position|direction|unicode-bidi|writing-mode|flex-direction|flex-flow|flex-wrap"
    r"|grid(?:-[a-z-]+)?|transform|translate|rotate|scale|columns|column-count|inset(?:-[a-z-]+)?|top|left"
    r"|right|bottom|text-indent|display):"
    # A negative margin or spacing draws a word over or before another (stop 48's second red team).
    r"|(?:^|[;{])(?:margin[a-z-]*|letter-spacing|word-spacing):[^;]*-"
)
# The theme's own layout classes hide or move what they hold (Material's `md-toggle` is never
# shown, `md-content--post` reverses its children on a phone; Flywheel's `fw-` classes are its
# templates'): a guide may use Material's button classes only (stop 48's second red team).
_LAYOUT_CLASS = re.compile(r"(?:md-|fw-|tabbed-)")
_CONTENT_CLASSES = frozenset({"md-button", "md-button--primary"})


def _as_read(value: str) -> str:
    """An attribute's value as a browser reads it for a scheme or a name: references decoded
    (twice: `&amp;#106;` is `&#106;`, then `j`), tabs, newlines and controls dropped, any case."""
    for _ in range(2):
        value = html.unescape(value)
    return _HIDDEN.sub("", value).casefold()


def runs_code_address(value: str) -> bool:
    """True for an address a browser would run as code, however it is spelt."""
    return _as_read(value).startswith(_CODE_SCHEMES)


def _attributes(text: str) -> Iterator[tuple[str, str]]:
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).casefold()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        yield name, value


def _attribute_reason(name: str, value: str, element: str = "") -> str | None:
    local = name.rsplit(":", 1)[-1]
    if local.startswith("on") and len(local) > 2:
        return f"an event handler attribute ({name}=)"
    if local == "srcdoc":
        return "an iframe's srcdoc attribute (a page of its own)"
    read = _as_read(value)
    if read.startswith(_CODE_SCHEMES):
        return f"a {name}= address that runs code"
    if local == "class" or local.startswith("."):
        # Read as the browser reads it: `class="&#109;d-toggle"` is `md-toggle` (character
        # references decoded, as `_as_read` does, but the spaces that part names kept).
        decoded = html.unescape(html.unescape(value if local == "class" else local[1:]))
        classes = decoded.casefold().split()
        if layout := [name for name in classes if _LAYOUT_CLASS.match(name) and name not in _CONTENT_CLASSES]:
            return f"a class of the theme's own layout ({layout[0]}), which hides or moves text"
    if local == "style" and ("\\" in read or "/*" in read or _MOVES_TEXT.search(read)):
        return "a style= attribute that moves text, or written with CSS escapes (the page would show words out of order)"
    if local == "attributename" and read.startswith("on"):
        return "an SVG animation that sets an event handler"
    if element in _FRAMES and local in ("src", "data") and read.startswith("data:"):
        return f"a <{element}> showing a data: address (a page or an SVG image, scripts and all)"
    return None


def code_in(text: str) -> Iterator[tuple[int, str]]:
    """(offset, what) for every piece of code in a guide's text."""
    for match in _TAG.finditer(text):
        name = match.group(1).casefold()
        rest = match.group(2)
        if name in _CODE_ELEMENTS:
            yield match.start(), f"a <{name}> element"
            continue
        if name == "style":
            yield match.start(), "a <style> element (CSS writes text no check reads: content: with escapes, attr())"
            continue
        attributes = list(_attributes(rest))
        if name == "meta" and any(key == "http-equiv" for key, _ in attributes):
            yield match.start(), "a <meta http-equiv> element (a refresh is a redirect)"
            continue
        for key, value in attributes:
            if (reason := _attribute_reason(key, value, name)) is not None:
                yield match.start(), reason
                break
    if "{" in text:
        for match in _ATTR_LIST.finditer(text):
            for key, value in _attributes(match.group(1)):
                if (reason := _attribute_reason(key, value)) is not None:
                    yield match.start(), f"{reason} in an attribute list"
                    break
    if "(" in text or "]:" in text:
        for target in link_targets(text):
            if runs_code_address(target):
                yield text.find(target), "a link whose address runs code"


def code_problems(body: str, path: str, body_line: int) -> list[Problem]:
    """An error at each line of a guide's text that holds code (one per line)."""
    found: dict[int, str] = {}
    for offset, what in code_in(body):
        line = body_line + body.count("\n", 0, max(offset, 0))
        found.setdefault(line, what)
    return [
        problem(
            "guide-runs-code",
            path,
            f"the text holds {what}; a guide may not run code",
            line=line,
            hint="remove it: a script could show what the checks keep off the site (link to a page instead)",
        )
        for line, what in sorted(found.items())
    ]
