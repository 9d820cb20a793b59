"""The "no third-party requests" invariant, checked on the built site.

A page about a health condition that loads a font, script or image from another host tells
that host who read which page. After a build, every HTML and CSS file is scanned for the
resources a browser fetches by itself (script src, stylesheet/preload/icon links, img, source,
iframe, video/audio src and srcset, CSS url() and @import); any on a host other than the
site's own that `practice.yml` does not list under `third_parties` is a build error. Links a
reader clicks (`<a href>`) are not requests and are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from .errors import Problem, problem

# <link rel=...> values whose href the browser fetches without a click.
_FETCHED_RELS = {
    "stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch",
    "icon", "shortcut", "apple-touch-icon", "manifest", "mask-icon",
}  # fmt: skip
_SRC_TAGS = {"script", "img", "source", "iframe", "video", "audio", "track", "embed", "input"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []  # (line, url)
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        line = self.getpos()[0]
        if tag == "link" and _FETCHED_RELS & set(a.get("rel", "").lower().split()):
            self.found.append((line, a.get("href", "")))
        if tag in _SRC_TAGS or tag == "object":
            for key in ("src", "data", "poster"):
                if a.get(key):
                    self.found.append((line, a[key]))
        for key in ("srcset", "imagesrcset"):
            for candidate in a.get(key, "").split(","):
                if candidate.strip():
                    self.found.append((line, candidate.strip().split()[0]))
        if a.get("style"):
            self.found += [(line, u) for u in css_urls(a["style"])]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [(self.getpos()[0], u) for u in css_urls(data)]


def css_urls(text: str) -> list[str]:
    """Every address a stylesheet fetches (url() and @import)."""
    return [m.group(1) or m.group(2) for m in _CSS_URL.finditer(text)]


def foreign_host(url: str, own_hosts: set[str]) -> str | None:
    """The host of `url` if it is another site's, else None (relative, data:, our own)."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    return None if host in own_hosts else host


def third_party_problems(
    site_dir: Path, site_url: str | None, allowed: Iterable[str] = ()
) -> list[Problem]:
    """Every resource in the built site on a host that is neither the site's nor allowed."""
    own = {h.lower() for h in allowed}
    if site_url and urlsplit(site_url).hostname:
        own.add(urlsplit(site_url).hostname.lower())
    found: list[Problem] = []
    for path in sorted(site_dir.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".css":
            resources = [(None, u) for u in css_urls(text)]
        else:
            parser = _Resources()
            parser.feed(text)
            resources = parser.found
        for line, url in resources:
            host = foreign_host(url, own)
            if host is None:
                continue
            found.append(
                problem(
                    "third-party-resource",
                    path.relative_to(site_dir).as_posix(),
                    f"loads '{url}' from {host}, a host practice.yml does not list under "
                    "third_parties",
                    line=line,
                    hint=f"serve it from the site, or add {{host: {host}, reason: ...}} to "
                    "third_parties in practice.yml",
                )
            )
    return found
