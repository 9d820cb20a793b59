"""`flywheel export DIR`: the gated site as plain Markdown files and a config, for renderers
that do not run MkDocs plugins (Zensical, the successor of Material for MkDocs, reads the same
mkdocs.yml but not its plugins).

The export holds only published pages, exactly those a build renders; it is written outside
the content folders and outside `site/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .assets import STYLESHEET, THEME_DIR, stylesheet
from .check import CheckResult
from .errors import FlywheelError
from .paths import _read_config, refuse_published
from .render import render_site

MARKER = ".flywheel-export"


def _claim(out: Path, root: Path) -> Path:
    """The export folder, if Flywheel may write it: new or empty, or made by an earlier export
    (it holds the marker). Anything else is refused: an export replaces only what it made."""
    target = refuse_published(out, root, "export")
    if target.exists() and not target.is_dir():
        raise FlywheelError(f"refusing to export into {out}: it is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise FlywheelError(
            f"refusing to export into {out}: the folder has files that flywheel export did not write; "
            "choose a new or empty folder"
        )
    target.mkdir(parents=True, exist_ok=True)
    (target / MARKER).write_text("Written by `flywheel export`; the next export replaces docs/, overrides/ and mkdocs.yml here.\n", encoding="utf-8")
    return target


def export_site(result: CheckResult, root: Path, out: Path, campaign: bool = True) -> Path:
    """Write out/docs/** and out/mkdocs.yml (nav included, flywheel plugin removed)."""
    out = _claim(out, root)
    # Read with types (`font: false` stays false: read as text it became a Google Fonts
    # family named "false"), `!ENV` resolved, and nothing run (paths.py).
    config = _read_config(root / "mkdocs.yml")
    rendered = render_site(result, site_name=config.get("site_name", "Our practice"), campaign=campaign)
    docs = out / "docs"
    for made in (docs, out / "overrides"):
        if made.is_dir() and not made.is_symlink():
            shutil.rmtree(made)
    static = root / config.get("docs_dir", "docs")
    if static.is_dir():
        shutil.copytree(static, docs)
    for page in rendered.pages:
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    (docs / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    (docs / STYLESHEET).write_text(stylesheet(), encoding="utf-8")
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["nav"] = rendered.nav
    config["extra_css"] = [STYLESHEET]
    config["plugins"] = ["search"]
    theme = config.get("theme")
    if not isinstance(theme, dict):
        theme = config["theme"] = {"name": theme or "material"}
    # Without the plugin, the package's overrides must travel as files; the practice's own win.
    shutil.copytree(THEME_DIR, out / "overrides", dirs_exist_ok=True)
    if theme.get("custom_dir"):
        shutil.copytree(root / theme["custom_dir"], out / "overrides", dirs_exist_ok=True)
    theme["custom_dir"] = "overrides"
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out
