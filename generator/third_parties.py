"""The "no third-party requests" invariant, checked on the built site.

A page about a health condition that loads a font, script or image from another host tells
that host who read which page. After a build, every HTML and CSS file is scanned for the
resources a browser fetches by itself (script src, stylesheet/preload/icon links, img, source,
iframe, video/audio src and srcset, inline SVG images, `background`, CSS url() and @import, an
http(s) address written in an inline script) and for the addresses that receive what a reader
does (a form's `action` or a button's `formaction`, a link's `ping`); any on a host other than
the site's own that `practice.yml` does not list under `third_parties` is a build error. Links
a reader clicks (`<a href>`) are not requests and are not checked. What a script makes of its
own while it runs, no file shows: the browser refuses that, by the page's
Content-Security-Policy (csp.py).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from .csp import runs_as_script
from .errors import Problem, problem

# <link rel=...> values whose href the browser fetches without a click.
_FETCHED_RELS = {
    "stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch",
    "icon", "shortcut", "apple-touch-icon", "manifest", "mask-icon",
}  # fmt: skip
_SRC_TAGS = {"script", "img", "source", "iframe", "video", "audio", "track", "embed", "input"}
_SVG_IMAGES = {"image", "feimage"}  # inline SVG's <image href> and <feImage href> fetch, too
# Every element that can make the browser fetch something by itself, or send what the reader
# does to another host (a form's target, a link's `ping`); the rest are not read.
_CANDIDATES = ", ".join([
    "link", "object", "style", "template", "form", "[style]", "[srcset]", "[imagesrcset]",
    "[background]", "[formaction]", "[ping]", *sorted(_SRC_TAGS), *sorted(_SVG_IMAGES),
])
_INVISIBLE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
# An address in an inline script's text (JSON's `\/` is read as `/` first).
_SCRIPT_URL = re.compile(r"""https?://[^\s"'`<>()\\]+""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


_SEEN: dict[str, list] = {}  # SHA-256 of a page's bytes -> its resources, in this process


def page_resources(html: str) -> list[tuple[int | None, str]]:
    """(line, address) of every resource a browser fetches by itself while showing `html`.

    The page is parsed the way a browser parses it (lexbor, an HTML5 parser, through
    selectolax), so character references are decoded and misnested markup is read as the
    browser reads it. A `<template>`'s content is scanned too, though it is fetched only once a
    script uses it. Lines are where the address is written, when it is written as it is."""
    found: list[str] = []
    _scan(LexborHTMLParser(html).root, found)
    return [(_line_of(html, url), url) for url in found]


def _scan(root, found: list[str]) -> None:
    if root is None:
        return
    seen: set[int] = set()
    for node in root.css(_CANDIDATES):  # a node matching several selectors comes once per match
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        tag, a = node.tag.lower(), {k.lower(): v or "" for k, v in node.attributes.items()}
        if tag == "link" and _FETCHED_RELS & set(a.get("rel", "").lower().split()):
            found.append(a.get("href", ""))
        if tag in _SRC_TAGS or tag == "object":
            found += [a[key] for key in ("src", "data", "poster") if a.get(key)]
        if tag == "script" and "src" not in a and runs_as_script(a.get("type", "")):
            # An inline script that writes another host's address into the page (Material's
            # Google Analytics integration: `t.src="https://www.googletagmanager.com/..."`).
            found += _SCRIPT_URL.findall(node.text(deep=True).replace("\\/", "/"))
        if tag in _SVG_IMAGES:
            found += [a[key] for key in ("href", "xlink:href") if a.get(key)]
        if tag == "form" and a.get("action"):  # what the reader types, sent where it says
            found.append(a["action"])
        found += [a[key] for key in ("formaction", "background") if a.get(key)]
        found += a.get("ping", "").split()  # a click on the link also posts to each of these
        for key in ("srcset", "imagesrcset"):
            found += [c.strip().split()[0] for c in a.get(key, "").split(",") if c.strip()]
        if a.get("style"):
            found += css_urls(a["style"])
        if tag == "style":
            found += css_urls(node.text(deep=True))
        if tag == "template":
            outer = node.html or ""
            inner = outer[outer.find(">") + 1 : outer.rfind("<")]
            if inner:
                _scan(LexborHTMLParser(inner).root, found)


def _line_of(html: str, url: str) -> int | None:
    at = html.find(url) if url else -1
    return None if at < 0 else html.count("\n", 0, at) + 1


def site_files(site_dir: Path, stat: bool = False) -> dict[str, os.stat_result | None]:
    """Every .html and .css file under `site_dir` (links to folders not followed), relative,
    with its stat when asked (a preview compares it with the last). One `scandir` walk: a
    5,000-page site is 5,000 folders, which os.walk and an `isfile` per file took twice as long
    over, and pathlib's rglob several times."""
    return {rel: entry.stat() if stat else None for rel, entry in entries_under(site_dir)
            if entry.name.endswith((".html", ".css")) and entry.is_file()}


def entries_under(top: Path, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry under `top` that is no folder (files, links, others), with its path relative
    to `top`, from one `scandir` walk that follows no link into a folder and leaves out the
    folders named (relative) in `skip`."""
    pending = [(str(top), "")]
    while pending:
        folder, base = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                rel = base + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel not in skip:
                        pending.append((entry.path, rel + "/"))
                else:
                    yield rel, entry


def _problems(rel: str, resources, own: set[str]) -> list[Problem]:
    found = []
    for line, url in resources:
        host = foreign_host(url, own)
        if host is None:
            continue
        found.append(
            problem(
                "third-party-resource",
                rel,
                f"requests '{url}' from {host}, a host practice.yml does not list under third_parties",
                line=line,
                hint=f"serve it from the site, or add {{host: {host}, reason: ...}} to "
                "third_parties in practice.yml",
            )
        )
    return found


def css_urls(text: str) -> list[str]:
    """Every address a stylesheet fetches (url() and @import)."""
    return [m.group(1) or m.group(2) for m in _CSS_URL.finditer(text)]


def foreign_host(url: str, own_hosts: set[str]) -> str | None:
    """The host of `url` if it is another site's, else None (relative, data:, our own)."""
    # As a browser reads an address (the URL standard): spaces and control characters around
    # it dropped, tabs and newlines inside it removed, and a backslash read as a slash, so
    # `/\host/x` and `https:\\host` are other hosts too.
    url = _INVISIBLE.sub("", url.strip(_C0_AND_SPACE)).replace("\\", "/")
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    return None if host in own_hosts else host


def third_party_problems(
    site_dir: Path,
    site_url: str | None,
    allowed: Iterable[str] = (),
    known: dict[str, list] | None = None,
    unchanged: dict[str, tuple[tuple[int, ...], list]] | None = None,
    files: dict[str, os.stat_result | None] | None = None,
) -> list[Problem]:
    """Every resource in the built site on a host that is neither the site's nor allowed.

    `known` maps pages this build wrote (by path in the site) to their resources, found when
    each was rendered (in a worker, or by the build that made the same bytes): those are not
    read again. Nor are pages whose bytes this process has read before. A preview server, which
    rescans after every save, passes `unchanged`, its memory of each file's stat (inode, size,
    times; a write always moves ctime) and resources: a file whose stat is the same is not read
    at all. `files` is `site_files(site_dir, stat=unchanged is not None)` when the caller has
    it already."""
    if len(_SEEN) > 100_000:
        _SEEN.clear()
    own = {h.lower() for h in allowed}
    if site_url and urlsplit(site_url).hostname:
        own.add(urlsplit(site_url).hostname.lower())
    found: list[Problem] = []
    if files is None:
        files = site_files(site_dir, stat=unchanged is not None)
    for rel in sorted(files):
        if known and rel in known:
            found += _problems(rel, known[rel], own)
            continue
        path = site_dir / rel
        if unchanged is not None:
            st = files[rel] or path.stat()
            stat = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            if (held := unchanged.get(rel)) is not None and held[0] == stat:
                found += _problems(rel, held[1], own)
                continue
        data = path.read_bytes()
        text = data.decode("utf-8", errors="replace")
        if path.suffix == ".css":
            resources = [(None, u) for u in css_urls(text)]
        else:
            sha = hashlib.sha256(data).hexdigest()
            resources = _SEEN.get(sha)
            if resources is None:
                resources = _SEEN[sha] = page_resources(text)
        if unchanged is not None:
            unchanged[rel] = (stat, resources)
        found += _problems(rel, resources, own)
    return found
