"""`flywheel export`: the gated pages as plain files for renderers without MkDocs plugins."""

from __future__ import annotations

import yaml
from helpers import copy_base, site_settings

from generator.cli import main


def test_export_writes_published_pages_and_a_plugin_free_config(tmp_path, capsys):
    root = copy_base(tmp_path)
    site_settings(root)
    out = tmp_path / "export"
    assert main(["export", str(out), "--root", str(root), "--as-of", "2028-10-02"]) == 0  # the story has expired
    config = yaml.safe_load((out / "mkdocs.yml").read_text())
    assert config["plugins"] == ["search"] and config["docs_dir"] == "docs"
    # Settings keep their types: `font: false` read as text loaded Google Fonts' "false".
    assert config["theme"]["font"] is False and config["markdown_extensions"][1] == {"toc": {"permalink": False}}
    assert config["nav"][1] == {"Cardiology": ["cardiology/index.md", {"Chest pain": [
        "cardiology/chest-pain/index.md", {"Chest pain: when to worry": "cardiology/chest-pain/chest-pain-when-to-worry.md"}]}]}
    files = sorted(p.relative_to(out / "docs").as_posix() for p in (out / "docs").rglob("*") if p.is_file())
    assert "stories/walking-again.md" not in files and "cardiology/chest-pain/index.md" in files
    assert not any("walk every morning" in p.read_text() for p in (out / "docs").rglob("*.md"))


def test_export_refuses_the_content_folders(tmp_path, capsys):
    root = copy_base(tmp_path)
    site_settings(root)
    assert main(["export", str(root / "content/out"), "--root", str(root)]) == 1
    assert "refusing to write the export into" in capsys.readouterr().err
