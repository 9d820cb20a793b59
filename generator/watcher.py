"""Preview: hear a save as it happens instead of polling for it.

MkDocs' preview server looks for changes by polling every watched file twice a second, so a
save waits a quarter of a second on average (half at worst) before the rebuild even starts,
and every poll stats every content file. Where the operating system reports changes itself
(inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows: watchdog's native
observer, which MkDocs already depends on), the preview uses that. Where it cannot (no native
backend, the watch limit reached), it keeps MkDocs' polling, so the preview still works.

Only public parts of the server are used: `watch`, `unwatch` and its `observer` attribute.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

log = logging.getLogger("mkdocs.plugins.flywheel")
NATIVE_BUILD_DELAY = 0.025  # seconds without a change before a rebuild, with native events


def _native_observer_class():
    """watchdog's observer for this platform, hearing changes only, or None where only polling
    is available.

    Native observers also report a file opened or read (inotify's IN_OPEN and IN_CLOSE_NOWRITE),
    and MkDocs rebuilds on any event: the check reading every content file would start the next
    rebuild, forever. Every watch is limited to what a save, a new file, a deletion or a rename
    does (a touch too, as polling sees it)."""
    try:
        from watchdog import events
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver
    except ImportError:
        return None
    if Observer is PollingObserver:
        return None
    changes = [
        events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent,
        events.FileMovedEvent, events.FileClosedEvent, events.FileAttribEvent,
        events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent,
    ]

    class ChangesObserver(Observer):
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **options):
            return super().schedule(
                event_handler, path, recursive=recursive, event_filter=event_filter or changes, **options
            )

    ChangesObserver.__name__ = f"{Observer.__name__}(changes only)"
    return ChangesObserver


def _native_works(observer_class, paths: list[str]) -> bool:
    """Start a throwaway native observer on the same paths: where the system refuses (too
    many watches, no permission), it fails here, not in the server's own start."""
    from watchdog.events import FileSystemEventHandler

    probe = observer_class()
    try:
        for path in paths:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except (OSError, RuntimeError) as exc:
        log.info("flywheel: the preview polls for changes (no native file events: %s)", exc)
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join(timeout=5)
    return True


def _unwatch_all(server, path: str) -> int:
    """Take every watch of `path` off the server; how many there were."""
    times = 0
    while True:
        try:
            server.unwatch(path)
        except KeyError:
            return times
        times += 1


def use_native_watcher(server, paths: Iterable[str]) -> bool:
    """Move the preview server's watches of `paths` (MkDocs' docs_dir and mkdocs.yml, the
    plugin's own) from polling to native file events, before the server starts; paths watched
    later go to the new observer by themselves. Where the server watches anything else (another
    plugin's path), nothing moves: a watch left on the old observer would never fire. True when
    the server now listens to native events."""
    observer_class = _native_observer_class()
    current = getattr(server, "observer", None)
    paths = sorted({os.path.abspath(p) for p in paths if os.path.exists(p)})
    if observer_class is None or current is None or current.is_alive() or not paths:
        return False
    if not _native_works(observer_class, paths):
        return False
    times = {path: _unwatch_all(server, path) for path in paths}
    if current.emitters:  # watches we were not told of: put ours back, keep polling
        for path, count in times.items():
            for _ in range(count):
                server.watch(path)
        return False
    server.observer = observer_class()
    for path, count in times.items():
        for _ in range(count):
            server.watch(path)
    # MkDocs waits until no change has come for `build_delay` (0.1 s) before it rebuilds, so a
    # save made of several events (write, rename, chmod) is one rebuild. Native events arrive
    # within a millisecond of each other; a quarter of MkDocs' wait still gathers them, and a
    # change that comes later only starts one more rebuild.
    if isinstance(getattr(server, "build_delay", None), (int, float)):
        server.build_delay = min(server.build_delay, NATIVE_BUILD_DELAY)
    log.info("flywheel: the preview hears saves as they happen (%s)", observer_class.__name__)
    return True
