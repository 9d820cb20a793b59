"""mkdocs.yml is read once while none of its inputs changes, and no caller can change it for the next.

The preview read mkdocs.yml six times a save (`paths._read_config`, 3-7 ms each). It now keeps
the last reading with the stat of every file of the INHERIT chain and the value of every
environment variable an `!ENV` tag named, and reads again when one of them changed. Each
caller gets its own copy. A file changed less than `_RACY_SECONDS` before it was read is not
kept (its stat could survive a second write within one tick of the file system's clock); the
tests shorten that margin and wait past it, so that the reading is kept.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator import paths
from generator.paths import _read_config, configured_folders


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paths, "_RACY_SECONDS", 0.05)
    monkeypatch.setattr(paths, "_READ", {})
    (tmp_path / "base.yml").write_text("theme:\n  name: material\n  custom_dir: overrides\nsite_dir: public\n")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: !ENV [FLYWHEEL_TEST_NAME, Riverbend]\ndocs_dir: docs\n")
    time.sleep(0.1)  # past the margin: the first reading is kept
    return tmp_path


def _kept(config: Path) -> dict:
    """Read twice: the second reading comes from memory (the first was kept)."""
    first = _read_config(config)
    assert paths._READ, "the reading was not kept: the test proves nothing"
    return first


def test_each_caller_gets_its_own_copy(project):
    config = project / "mkdocs.yml"
    data = _kept(config)
    data["site_dir"] = "content"
    data["theme"]["custom_dir"] = "consent"
    again = _read_config(config)
    assert again["site_dir"] == "public" and again["theme"]["custom_dir"] == "overrides"
    again["theme"].clear()
    assert configured_folders(project)["site_dir"] == project / "public"
    assert _read_config(config)["theme"] == {"name": "material", "custom_dir": "overrides"}


def _rewrite_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """An edit that keeps the file's size and puts its modification time back: only its change
    time (which no program can set back) and its contents differ."""
    assert len(old) == len(new)
    info = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def test_an_edit_of_mkdocs_yml_is_read(project):
    config = project / "mkdocs.yml"
    assert _kept(config)["docs_dir"] == "docs"
    time.sleep(0.02)  # the change time moves on by more than one tick
    _rewrite_keeping_size_and_time(config, "docs_dir: docs", "docs_dir: site")
    assert _read_config(config)["docs_dir"] == "site"


def test_an_edit_of_an_inherited_file_is_read(project):
    config = project / "mkdocs.yml"
    assert _kept(config)["site_dir"] == "public"
    time.sleep(0.02)
    _rewrite_keeping_size_and_time(project / "base.yml", "site_dir: public", "site_dir: conten")
    assert _read_config(config)["site_dir"] == "conten"
    (project / "base.yml").unlink()
    with pytest.raises(Exception, match="cannot be read"):
        _read_config(config)


def test_an_environment_variable_a_tag_names_is_read(project, monkeypatch):
    config = project / "mkdocs.yml"
    monkeypatch.delenv("FLYWHEEL_TEST_NAME", raising=False)
    assert _kept(config)["site_name"] == "Riverbend"
    monkeypatch.setenv("FLYWHEEL_TEST_NAME", "Elsewhere")
    assert _read_config(config)["site_name"] == "Elsewhere"


def test_a_file_changed_just_before_it_was_read_is_read_again(project, monkeypatch):
    monkeypatch.setattr(paths, "_RACY_SECONDS", 3600.0)
    config = project / "mkdocs.yml"
    assert _read_config(config)["docs_dir"] == "docs"
    assert not paths._READ
