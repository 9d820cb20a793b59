"""Preview: render again only the pages a save changed.

`flywheel serve` used to render the whole site on every save (0.4 s of a refresh at 1,000
pieces), although most saves change the text of one guide or story and nothing else. A piece's
body reaches only its own page: render.py reads `doc.body` for that page alone, and everything
else it reads (frontmatter, service lines, champions, practice, campaigns, the gate's
decisions, the options) is the same before and after such a save. So the preview keeps its
last rendered site with a digest of everything the render reads *except* the bodies; when the
next check gives the same digest, only the guides and stories whose body changed are rendered
again, and every other page, the navigation and the frame are the ones rendered last time. Any other change (a title, a
consent, a decision, a setting, a template) renders the whole site as before.

The digest is a pickle of the checked content with each document's body left out: two equal
pickles can only come from equal content, and anything the comparison cannot prove equal (even
a set listed in another order) renders everything. A document read from a file is pickled as
the hash of its path and YAML text (`Document.source`, which the check's cache computes anyway)
instead of its parsed data, and an entry as that and its model: the text decides the data and
the key lines, the entry's data is its model validating that data, the models are frozen, and
nothing changes a document's data after it is read (`test_entries_are_their_documents`). That
took the digest from 30-90 ms to 4 ms a save at 1,000 pieces; a frontmatter edit that leaves
the data as it was (a space after a colon) now renders everything, as a title's edit does. `tests/test_rerender.py` holds it to a full
render, byte for byte, after every kind of edit.

A build does the same across processes (`stored_render`): the last full render is kept in
`.flywheel-cache/render.json`, signed with this machine's key like every cache file, with its
digest (which then also covers Flywheel's code and the installed libraries' versions) and a
hash of every body. A build whose digest matches renders only the guides and stories whose body
changed (rendering a 5,000-piece site took about 1.3 s of every build after a one-guide edit).
The stored render holds only what the gate published when it was made, and the gate's decisions
are part of the digest: a story withheld since is a different digest, so a whole render. Sites
whose pages' Markdown is larger than STORED_MAX_BYTES (about 10,000 pieces) are not stored: the
file would cost the build more memory than a render costs time.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import json
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .check import CheckResult
from .errors import FlywheelError
from .link import NextStep
from .load import Document, line_rows
from .project import Entry
from .render import GeneratedPage, RenderedSite, render_pieces, render_site

TEMPLATES = Path(__file__).parent / "templates"


class _WithoutBodies(pickle.Pickler):
    """Pickles a document as everything but its body, and a pydantic model with the names of
    the fields it was given in order: pydantic keeps them as a set, whose order changes from
    one process to the next, and the digest must not (a build compares it with the last
    build's, `stored_render`)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Document:
            if obj.source is not None:  # the hash of the text its data and lines were parsed from
                return tuple, (("parsed", obj.path, obj.source, obj.body_line, obj.first_line),)
            return tuple, ((obj.path, obj.data, line_rows(obj.lines), obj.body_line, obj.first_line),)
        if type(obj) is Entry and (key := _entry_key(obj)) is not None:
            return tuple, (key,)
        if isinstance(obj, BaseModel):
            return tuple, ((type(obj), obj.__dict__, sorted(obj.model_fields_set), obj.__pydantic_extra__,
                            obj.__pydantic_private__),)
        return NotImplemented


def _entry_key(entry: Entry) -> tuple | None:
    """What decides an entry parsed from a file, as plain values: every entry's data is its
    model validating its document's data (a champion's: the part under its id) and is frozen,
    and the document's source is a hash of the text its data and lines were parsed from
    (`test_entries_are_their_documents` in tests/test_rerender.py). None for a document made
    otherwise: the entry is pickled whole."""
    doc = entry.doc
    if doc.source is None:
        return None
    model = type(entry.data)
    return ("entry", entry.id, model.__module__, model.__qualname__, doc.path, doc.source, doc.body_line, doc.first_line)


def _entries(pieces: dict[str, Entry]) -> dict[str, Any]:
    """`pieces` with each entry as `_entry_key` gives it where it can: plain tuples pickle at C
    speed, an object through `reducer_override` at Python's (30 ms at 1,000 pieces)."""
    return {slug: _entry_key(entry) or entry for slug, entry in pieces.items()}


def layout_digest(result: CheckResult, options: dict[str, Any]) -> str | None:
    """SHA-256 of what the render reads besides the bodies of guides and stories (None when
    some of it cannot be pickled)."""
    project, gate = result.project, result.gate
    content = (
        project.root,
        project.practice,
        _entries(project.service_lines),
        _entries(project.champions),
        _entries(project.consents),
        _entries(project.guides),
        _entries(project.stories),
        _entries(project.campaigns),
        project.invalid,
        # (kind, document, the document's data): a document's data is what its source covers.
        {slug: (kind, ("parsed", doc.path, doc.source, doc.body_line, doc.first_line))
         if doc.source is not None and data is doc.data else (kind, doc, data)
         for slug, (kind, doc, data) in project.raw.items()},
        sorted(project.duplicates),
        sorted(project.placeholders),
        sorted(project.running_code),
        gate.as_of,
        gate.decisions,
        result.today,
        sorted(options.items()),
        sorted((p.name, p.read_bytes()) for p in TEMPLATES.iterdir() if p.is_file()),
    )
    out = io.BytesIO()
    try:
        pickler = _WithoutBodies(out, protocol=pickle.HIGHEST_PROTOCOL)
        # No memo: with one, an object met twice is written the second time as a reference to
        # the first, so the bytes would depend on which equal objects happen to be one object
        # in this process (a string shared by two entries, or two copies of it).
        pickler.fast = True
        pickler.dump(content)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, ValueError):
        return None  # nothing to compare: the whole site is rendered
    return hashlib.sha256(out.getvalue()).hexdigest()


def _bodies(result: CheckResult) -> dict[str, str]:
    project = result.project
    return {slug: e.doc.body for pieces in (project.guides, project.stories) for slug, e in pieces.items()}


@dataclass
class PreviewRenders:
    """The preview server's last render, kept between rebuilds (MkDocs keeps the plugin)."""

    digest: str | None = None
    bodies: dict[str, str] | None = None
    site: RenderedSite | None = None
    rendered: int = 0  # guides and stories rendered by the last call (the rest were reused)

    def render(self, result: CheckResult, **options: Any) -> RenderedSite:
        """The site `render_site(result, **options)` gives, rendering only what changed."""
        digest, bodies = layout_digest(result, options), _bodies(result)
        if digest is not None and digest == self.digest and self.site and self.bodies is not None:
            changed = {slug for slug, body in bodies.items() if self.bodies.get(slug) != body}
            fresh = render_pieces(result, changed, **options) if changed else {}
            pages = [
                fresh.get(page.slug, page) if page.kind in ("guide", "story") else page
                for page in self.site.pages
            ]
            # MkDocs is handed the navigation and frame: each rebuild gets copies of its own.
            site = RenderedSite(pages, copy.deepcopy(self.site.nav), copy.deepcopy(self.site.frame),
                                list(self.site.third_parties))
            self.rendered = len(fresh)
        else:
            site = render_site(result, **options)
            self.rendered = sum(1 for page in site.pages if page.kind in ("guide", "story"))
        self.digest, self.bodies, self.site = digest, bodies, site
        return site

    def forget(self) -> None:
        """The next render is a whole one (after the preview showed the problems page)."""
        self.digest = self.bodies = self.site = None


STORED = "render.json"
STORED_MAX_BYTES = 64 * 1024 * 1024  # of Markdown; 5,000 pieces are about 28 MB
_STORED_VERSION = 2


def _body_hashes(result: CheckResult) -> dict[str, str]:
    return {slug: hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
            for slug, body in _bodies(result).items()}


def _encoded(site: RenderedSite) -> dict[str, Any]:
    return {
        "pages": [[p.src_uri, p.markdown, p.title, p.kind, p.slug, p.service_line,
                   dataclasses.asdict(p.next_step) if p.next_step is not None else None,
                   p.published, p.source, p.in_nav, list(p.body_at) if p.body_at else None] for p in site.pages],
        "nav": site.nav,
        "frame": site.frame,
        "third_parties": site.third_parties,
    }


def _decoded(data: Any) -> RenderedSite | None:
    """The stored site, or None for anything but the exact shape `_encoded` writes."""
    try:
        pages = []
        for src_uri, markdown, title, kind, slug, line, step, published, source, in_nav, body_at in data["pages"]:
            page = GeneratedPage(src_uri, markdown, title, kind, slug, line,
                                 NextStep(**step) if step is not None else None, published, source, in_nav,
                                 (int(body_at[0]), int(body_at[1])) if body_at is not None else None)
            if not all(isinstance(v, str) for v in (src_uri, markdown, title, kind, slug)):
                return None
            pages.append(page)
        if not isinstance(data["nav"], list) or not isinstance(data["frame"], dict):
            return None
        return RenderedSite(pages, data["nav"], data["frame"], list(data["third_parties"]))
    except (KeyError, TypeError, ValueError):
        return None


def stored_render(result: CheckResult, root: Path, parallel: bool = False, **options: Any) -> RenderedSite:
    """The site `render_site(result, parallel=parallel, **options)` gives, rendering only the
    guides and stories whose body changed since the stored render when nothing else did."""
    from .cache import Cache, installed_code_version, read_signed, write_signed

    try:
        cache = Cache.for_project(root, load=False)
    except FlywheelError:  # a cache folder where it would be published: the check said so
        cache = None
    if cache is None or not cache.enabled:
        return render_site(result, parallel=parallel, **options)
    path, key = cache.path.parent / STORED, cache.key_bytes
    digest = layout_digest(result, {**options, "code": installed_code_version(), "stored": _STORED_VERSION})
    bodies = _body_hashes(result)
    stored = read_signed(path, key) if digest is not None else None
    site = _decoded(stored["site"]) if isinstance(stored, dict) and stored.get("digest") == digest else None
    if site is not None and isinstance(stored.get("bodies"), dict):
        changed = {slug for slug, body in bodies.items() if stored["bodies"].get(slug) != body}
        fresh = render_pieces(result, changed, **options) if changed else {}
        site.pages = [fresh.get(page.slug, page) if page.kind in ("guide", "story") else page for page in site.pages]
        return site  # the stored file stays as it was: the pages of `changed` are rendered again next time
    site = render_site(result, parallel=parallel, **options)
    try:
        if digest is None or sum(len(p.markdown) for p in site.pages) > STORED_MAX_BYTES:
            path.unlink(missing_ok=True)
            return site
        # Pages are strings, flags and None, which JSON gives back exactly; the navigation and
        # the frame are checked.
        rest = [site.nav, site.frame, site.third_parties]
        if json.loads(json.dumps(rest, ensure_ascii=False)) != rest:
            path.unlink(missing_ok=True)
            return site
        write_signed(path, key, {"digest": digest, "bodies": bodies, "site": _encoded(site)})
    except (OSError, ValueError, TypeError):
        pass  # a read-only checkout (or text or a value JSON cannot hold) builds without it
    return site
