"""Fewer runs of Python's cycle collector while Flywheel builds up data it keeps.

CPython looks for reference cycles every 700 new container objects, and every tenth and
hundredth look walk the older generations too, which is everything loaded so far. Loading a
project (frontmatter, records, the check's cache) and reading a cache index make hundreds of
thousands of objects that live to the end and hold no cycles, so those walks find nothing:
measured with `gc.callbacks` on generated projects, 0.5-0.7 s of a cold check at 10,000 pieces
and 0.3 s of a warm build at 5,000 (reading the 22 and 5 MB cache indexes).

Rendering many pages goes at Python's pace: each page makes a Markdown converter full of
cycles, and a build of 10,000 pieces measured 4% more peak memory with the collector slowed
for the whole build, for no gain in time. A rebuild of a few pages keeps the slower pace: at
5,000 pieces the collector otherwise walked the loaded cache indexes twice more, 0.3-0.8 s.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

LOADING_THRESHOLD = 50_000  # new objects between looks; 700 is Python's default


class FewerCollections:
    """Look for cycles every LOADING_THRESHOLD new objects instead of 700, until `restore`
    or the end of the `with` block."""

    def __init__(self) -> None:
        self._before: tuple[int, ...] | None = gc.get_threshold()
        gc.set_threshold(max(LOADING_THRESHOLD, self._before[0]), *self._before[1:])

    def restore(self) -> None:
        if self._before is not None:
            gc.set_threshold(*self._before)
            self._before = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()


@contextmanager
def no_collections() -> Iterator[None]:
    """No cycle collection at all: for parsing JSON, which makes no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
