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
from .render import render_site

FORBIDDEN = ("content", "service_lines", "consent", "site")


def export_site(result: CheckResult, root: Path, out: Path, campaign: bool = True) -> Path:
    """Write out/docs/** and out/mkdocs.yml (nav included, flywheel plugin removed)."""
    resolved = out.resolve()
    if any(resolved.is_relative_to((root / name).resolve()) for name in FORBIDDEN) or resolved == root.resolve():
        raise FlywheelError(f"refusing to export into {out}: choose a folder outside the project's content and site/")
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    rendered = render_site(result, site_name=config.get("site_name", "Our practice"), campaign=campaign)
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
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
