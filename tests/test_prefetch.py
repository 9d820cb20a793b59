"""The prefetch pool works while the check goes on loading: `reach(path)` files the answers
for that file before the loader reads it, leaving the block files the rest and ends the
workers (the scan pool forks only when no other thread runs), and an error ends them too."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from helpers import copy_base
from test_cache import many_guides

from generator import prefetch as prefetch_module
from generator.cache import Cache
from generator.load import _HANDLER, read_text, relative


@pytest.fixture
def guides(tmp_path, monkeypatch) -> tuple[Path, list[Path], Cache]:
    root = copy_base(tmp_path)
    many_guides(root, 40)
    monkeypatch.setattr(prefetch_module, "MIN_FILES", 1)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    cache = Cache(tmp_path / "cache", root)
    return root, sorted((root / "content/guides").rglob("*.md"), key=str), cache


def yaml_key(path: Path, root: Path) -> str:
    fm, _ = _HANDLER.split(read_text(path, root))
    return Cache.key(f"yaml:{relative(path, root)}:0", fm)


def test_reach_files_a_path_and_every_path_before_it(guides):
    root, paths, cache = guides
    pool = prefetch_module.prefetch(cache, root, paths, [])
    with pool as reach:
        assert pool.count == len(paths)
        reach(paths[10])
        assert all(cache.holds(yaml_key(path, root)) for path in paths[:11])
        reach(root / "content/guides/not-listed.md")  # returns at once
    assert all(cache.holds(yaml_key(path, root)) for path in paths)
    assert threading.active_count() == 1  # the workers and the pool's thread are gone


def test_an_error_while_loading_ends_the_pool(guides):
    root, paths, cache = guides
    with pytest.raises(RuntimeError), prefetch_module.prefetch(cache, root, paths, []) as reach:
        reach(paths[0])
        raise RuntimeError("a loader failed")
    assert threading.active_count() == 1


def test_without_enough_new_files_there_is_no_pool(guides, monkeypatch):
    root, paths, cache = guides
    monkeypatch.setattr(prefetch_module, "MIN_FILES", len(paths) + 1)
    pool = prefetch_module.prefetch(cache, root, paths, [])
    with pool as reach:
        assert pool.count == 0
        reach(paths[0])
        assert threading.active_count() == 1
    assert not cache.holds(yaml_key(paths[0], root))


def test_flywheel_workers_1_means_no_pool(guides, monkeypatch):
    root, paths, cache = guides
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    pool = prefetch_module.prefetch(cache, root, paths, [])
    with pool:
        assert pool.count == 0 and threading.active_count() == 1
    assert not cache.holds(yaml_key(paths[0], root))


def test_the_pool_counts_the_cores_this_process_may_run_on(guides, monkeypatch):
    """A container given one core of a large machine: `os.cpu_count()` says 64, the
    process's affinity one. The pool asked the machine, and forked 64 processes."""
    root, paths, cache = guides
    monkeypatch.delenv("FLYWHEEL_WORKERS")
    monkeypatch.setattr(prefetch_module.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    pool = prefetch_module.prefetch(cache, root, paths, [])
    assert pool.count == 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    pool = prefetch_module.prefetch(cache, root, paths, [])
    with pool:
        assert pool.count == len(paths) and pool._pool._max_workers == 3
