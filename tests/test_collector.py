"""Python's cycle collector runs less often while Flywheel loads what it keeps
(generator/collector.py), at its own pace while many pages are rendered, and every command
leaves it as it found it."""

from __future__ import annotations

import gc
import sys

import pytest
from mkdocs.commands import build as mkdocs_build

from helpers import REPO, copy_sample, site_settings

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402

import generator.cache  # noqa: E402
import generator.check  # noqa: E402
from generator.cache import read_signed, write_signed  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.collector import LOADING_THRESHOLD, FewerCollections, no_collections  # noqa: E402

AS_OF = "2026-11-22"
PYTHONS_PACE = (700, 10, 10)


@pytest.fixture
def default_pace():
    before = gc.get_threshold()
    gc.set_threshold(*PYTHONS_PACE)
    yield
    gc.set_threshold(*before)


def test_fewer_collections_is_undone_at_the_end_of_its_block_even_by_an_error(default_pace):
    with pytest.raises(ZeroDivisionError), FewerCollections():
        assert gc.get_threshold() == (LOADING_THRESHOLD, 10, 10)
        1 / 0  # noqa: B018
    assert gc.get_threshold() == PYTHONS_PACE


def test_fewer_collections_restored_early_stays_restored(default_pace):
    loading = FewerCollections()
    loading.restore()
    gc.set_threshold(1234, 5, 6)  # someone else's setting after ours ended
    loading.restore()
    with loading:
        pass
    assert gc.get_threshold() == (1234, 5, 6)


def test_no_collections_leaves_a_collector_that_was_off_off():
    was = gc.isenabled()
    try:
        gc.enable()
        with no_collections():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with no_collections():
            pass
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_a_signed_file_is_parsed_with_the_collector_off(tmp_path, monkeypatch):
    seen = []
    real = generator.cache._json_data
    monkeypatch.setattr(generator.cache, "_json_data", lambda *a: seen.append(gc.isenabled()) or real(*a))
    write_signed(tmp_path / "data.json", b"k" * 32, {"pages": [1, 2]})
    assert read_signed(tmp_path / "data.json", b"k" * 32) == {"pages": [1, 2]}
    assert seen == [False] and gc.isenabled()


def test_a_check_loads_at_the_slower_pace_and_a_build_leaves_the_pace_as_it_found_it(tmp_path, monkeypatch, default_pace):
    root = copy_sample(tmp_path)
    paces = []
    real = generator.check.validate
    monkeypatch.setattr(generator.check, "validate", lambda *a: paces.append(gc.get_threshold()) or real(*a))
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert paces == [(LOADING_THRESHOLD, 10, 10)]
    assert gc.get_threshold() == PYTHONS_PACE and gc.isenabled()


def test_many_pages_render_at_pythons_pace_and_a_rebuild_of_one_at_the_slower(tmp_path, monkeypatch, default_pace):
    root = generate(tmp_path / "corpus", 150)
    site_settings(root)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")  # every page rendered in this process, where it is seen
    paces = []
    real = mkdocs_build._build_page
    monkeypatch.setattr(mkdocs_build, "_build_page", lambda *a, **k: paces.append(gc.get_threshold()[0]) or real(*a, **k))
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert len(paces) > 120 and set(paces) == {PYTHONS_PACE[0]}
    guide = min((root / "content/guides").rglob("guide-1.md"))
    guide.write_text(guide.read_text() + "\nWalk and rest each day, a new sentence.\n")
    paces.clear()
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert 0 < len(paces) < 20 and set(paces) == {LOADING_THRESHOLD}
    assert gc.get_threshold() == PYTHONS_PACE


def test_a_preview_rebuild_runs_at_the_slower_pace_and_leaves_it_as_it_found_it(tmp_path, default_pace):
    """Each of the collector's looks at the older generations walks all the preview keeps: a
    save at 1,000 pieces spent 26-43 ms in them. The preview's rebuild (the server's builder,
    behind the mkdocs.yml guard) now runs at the slower pace, and the pace is back after."""
    from generator.mkdocs_plugin import _guarded_rebuild

    root = copy_sample(tmp_path)
    seen = []
    _guarded_rebuild(lambda: seen.append(gc.get_threshold()[0]), root)()
    assert seen == [LOADING_THRESHOLD]
    assert gc.get_threshold() == PYTHONS_PACE
