"""The preview keeps the installed theme's listing between rebuilds (theme_files.py), and MkDocs
finds the same static files as without it, the practice's own theme folder read afresh."""

from __future__ import annotations

import jinja2
from helpers import copy_sample
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from generator import theme_files
from generator.mkdocs_plugin import use_package_theme


def _theme_files(root, keep: bool) -> list[tuple[str, str]]:
    """The theme's files as MkDocs adds them on one rebuild (a fresh configuration each time,
    as `mkdocs serve` loads one per rebuild)."""
    config = load_config(str(root / "mkdocs.yml"))
    use_package_theme(config)
    if keep:
        theme_files.list_installed_once(config.theme)
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return [(f.src_uri, f.abs_src_path) for f in files]


def test_the_kept_listing_finds_what_mkdocs_finds_and_a_new_file_of_the_practice(tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1))
    (root / "overrides").mkdir()
    monkeypatch.setattr(theme_files, "_KEPT", {})
    plain = _theme_files(root, keep=False)
    assert any("material" in path for _, path in plain)  # the installed theme's own files
    assert _theme_files(root, keep=True) == plain  # filled
    assert theme_files._KEPT, "nothing was kept"
    assert _theme_files(root, keep=True) == plain  # reused
    # A file the practice adds to its theme folder while the preview runs is found at once.
    (root / "overrides/assets").mkdir()
    (root / "overrides/assets/clinic.css").write_text("body { color: #123; }\n")
    added = _theme_files(root, keep=True)
    assert ("assets/clinic.css", str(root / "overrides/assets/clinic.css")) in added
    assert added == _theme_files(root, keep=False)


def test_only_installed_folders_are_kept_and_other_callers_get_jinjas_answer(tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    config = load_config(str(root / "mkdocs.yml"))
    use_package_theme(config)
    installed = [d for d in config.theme.dirs if theme_files._installed(d)]
    assert installed and all("site-packages" in d for d in installed)
    assert not theme_files._installed(str(root))
    monkeypatch.setattr(theme_files, "_KEPT", {})
    theme_files.list_installed_once(config.theme)
    env = config.theme.get_env()
    plain = jinja2.FileSystemLoader(config.theme.dirs)
    assert env.list_templates(extensions=["html"]) == jinja2.Environment(loader=plain).list_templates(extensions=["html"])
    assert env.list_templates(filter_func=lambda name: name.endswith(".js")) == [
        name for name in plain.list_templates() if name.endswith(".js")
    ]
    assert theme_files._KEPT == {}  # neither question was MkDocs' own
