"""The preview server's watches move from polling to native file events, all of them."""

from __future__ import annotations

import threading

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEventHandler
from watchdog.observers.polling import PollingObserver

from generator import watcher


def _server(tmp_path) -> LiveReloadServer:
    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))


def _watched(server) -> dict[str, bool]:
    return {e.watch.path: e.watch.is_recursive for e in server.observer.emitters}


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "content/guides").mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    return tmp_path


def test_every_watch_moves_to_native_events_and_hears_a_save(tree):
    server = _server(tree)
    server.watch(str(tree / "content"))
    server.watch(str(tree / "mkdocs.yml"))
    server.watch(str(tree / "content"))  # watched twice (a plugin and the configuration)
    before = _watched(server)
    paths = [str(tree / "content"), str(tree / "mkdocs.yml"), str(tree / "no-such-folder")]
    delay = server.build_delay
    assert watcher.use_native_watcher(server, paths)
    assert not isinstance(server.observer, PollingObserver)
    assert _watched(server) == before
    # Native events of one save arrive together: the wait for the last of them is shortened.
    assert server.build_delay == watcher.NATIVE_BUILD_DELAY < delay
    # Both watches of content/ moved: one unwatch leaves it watched, the second ends it.
    server.unwatch(str(tree / "content"))
    assert str(tree / "content") in _watched(server)
    server.watch(str(tree / "content"))
    heard = threading.Event()
    handler = FileSystemEventHandler()
    handler.on_any_event = lambda event: heard.set()
    server.observer.schedule(handler, str(tree / "content"), recursive=True)
    server.observer.start()
    try:
        (tree / "content/guides/new.md").write_text("saved")
        assert heard.wait(timeout=10), "the native observer never reported the save"
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)


def test_polling_stays_where_native_events_fail(tree, monkeypatch):
    server = _server(tree)
    server.watch(str(tree / "content"))
    polling = server.observer
    monkeypatch.setattr(watcher, "_native_works", lambda observer_class, paths: False)
    delay = server.build_delay
    assert not watcher.use_native_watcher(server, [str(tree / "content")])
    assert server.observer is polling and str(tree / "content") in _watched(server)
    assert server.build_delay == delay  # polling keeps MkDocs' own timing


def test_a_watch_it_was_not_told_of_keeps_everything_polling(tree):
    server = _server(tree)
    server.watch(str(tree / "content"))
    server.watch(str(tree / "mkdocs.yml"))  # another plugin's: not among the paths given
    before, polling = _watched(server), server.observer
    assert not watcher.use_native_watcher(server, [str(tree / "content")])
    assert server.observer is polling and _watched(server) == before


def test_a_running_observer_is_left_alone(tree):
    server = _server(tree)
    server.watch(str(tree / "content"))
    server.observer.start()
    try:
        assert not watcher.use_native_watcher(server, [str(tree / "content")])
        assert isinstance(server.observer, PollingObserver)
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)
