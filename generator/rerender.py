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
a set listed in another order) renders everything. `tests/test_rerender.py` holds it to a full
render, byte for byte, after every kind of edit. Only the preview server uses this; a build
renders every page from the checked content.
"""

from __future__ import annotations

import copy
import hashlib
import io
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .check import CheckResult
from .load import Document
from .render import RenderedSite, render_pieces, render_site

TEMPLATES = Path(__file__).parent / "templates"


class _WithoutBodies(pickle.Pickler):
    """Pickles a document as everything but its body."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Document:
            return tuple, ((obj.path, obj.data, obj.lines, obj.body_line, obj.first_line),)
        return NotImplemented


def layout_digest(result: CheckResult, options: dict[str, Any]) -> str | None:
    """SHA-256 of what the render reads besides the bodies of guides and stories (None when
    some of it cannot be pickled)."""
    project, gate = result.project, result.gate
    content = (
        project.root,
        project.practice,
        project.service_lines,
        project.champions,
        project.consents,
        project.guides,
        project.stories,
        project.campaigns,
        project.invalid,
        project.raw,
        sorted(project.duplicates),
        sorted(project.placeholders),
        gate.as_of,
        gate.decisions,
        result.today,
        sorted(options.items()),
        sorted((p.name, p.read_bytes()) for p in TEMPLATES.iterdir() if p.is_file()),
    )
    out = io.BytesIO()
    try:
        _WithoutBodies(out, protocol=pickle.HIGHEST_PROTOCOL).dump(content)
    except (pickle.PicklingError, TypeError, AttributeError):
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
