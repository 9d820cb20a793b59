"""Fill the cache for many new files at once, on every core.

A cold `check` of a large library spends its time parsing YAML and grading readability, one
file at a time. When many files are new to the cache,
this does that work for them in a pool of processes first; the ordinary, serial pipeline then
finds every answer in the cache. The values are the same ones the serial code computes, under
the same keys, so the answers cannot differ; anything a worker cannot do is left to it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .cache import Cache, encode
from .errors import FlywheelError
from .forkmap import die_with_parent, split, workers
from .load import _HANDLER, parse_yaml, read_text, relative

MIN_FILES = 400  # below this, starting processes costs more than it saves
MIN_SCANS = 100  # stories to scan; a scan costs about a millisecond


def _job(args: tuple[str, str, bool]) -> list[tuple[str, object]]:
    from .readability import reading_grade  # loaded by the workers that grade, not by a warm check
    from .sanitize import story_html

    path, root, is_story = args
    rel = relative(Path(path), Path(root))
    try:
        text = read_text(Path(path), Path(root))
        if not _HANDLER.detect(text):
            return []
        fm, body = _HANDLER.split(text)
    except (FlywheelError, ValueError):
        return []  # the serial pass reports it
    out: list[tuple[str, object]] = []
    try:
        doc = parse_yaml(fm, rel)
    except FlywheelError as exc:
        return _encoded([(Cache.key(f"yaml:{rel}:0", fm), exc.problems)])
    out.append((Cache.key(f"yaml:{rel}:0", fm), doc))
    stripped = body.lstrip("\n")
    out.append((Cache.key("grade", stripped), reading_grade(stripped)))
    if is_story:
        out.append((Cache.key("story-html", stripped), story_html(stripped)))
    # Stories' identifier scans are left to `prefetch_scans`: their cache key holds names
    # (the champion's, the reviewers') and fields (bio) that only the whole project knows.
    return _encoded(out)


def _encoded(results: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """The entries as `Cache.fill` would store them, encoded here in the worker so the parent,
    which shares the cores with the workers, only files them."""
    out = []
    for key, value in results:
        try:
            out.append((key, encode(value)))
        except ValueError:
            continue  # no exact JSON form: the serial pass computes it
    return out


class Prefetch:
    """The pool of `prefetch`, working while this process goes on loading the project.

    Results come back in the order of the files; `reach(path)` (what the `with` statement
    gives) files them into the cache up to that file's, so the loader finds its entry, and
    leaving the `with` block files the rest and ends the workers. The pool is started only after the files are listed and ended before
    the check goes on to fork its scan pool."""

    def __init__(self, cache: Cache, jobs: list[tuple[str, str, bool]], processes: int = 1):
        self.cache, self.count = cache, len(jobs)
        self._index = {path: i for i, (path, _, _) in enumerate(jobs)}
        self._filed = 0
        self._pool: ProcessPoolExecutor | None = None
        self._results = iter(())
        if jobs:
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            self._results = self._pool.map(_job, jobs, chunksize=64)

    def reach(self, path: Path) -> None:
        """Return once the pool's answers for `path`, and for every file before it, are in the
        cache (at once for a file the pool was not given)."""
        index = self._index.get(str(path))
        while index is not None and self._filed <= index:
            self._file_next()

    def _file_next(self) -> None:
        for key, data in next(self._results):
            self.cache.fill_encoded(key, data)
        self._filed += 1

    def __enter__(self) -> Callable[[Path], None]:
        return self.reach

    def __exit__(self, kind, error, traceback) -> None:
        if self._pool is None:
            return
        try:
            if kind is None:
                while self._filed < self.count:
                    self._file_next()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=kind is not None)


def prefetch(cache: Cache, root: Path, guides: list[Path], stories: list[Path]) -> Prefetch:
    """Start computing the cache entries of files whose frontmatter the cache does not hold
    yet; use the result as a context manager around the loading of those files."""
    if not cache.enabled or len(guides) + len(stories) < MIN_FILES:
        return Prefetch(cache, [])
    # As many processes as every other pool (`forkmap.workers`): FLYWHEEL_WORKERS, else the
    # cores this process may run on, none while another thread runs. `os.cpu_count()` counted
    # the machine's cores, not the container's share of them, and ignored FLYWHEEL_WORKERS=1.
    processes = workers(len(guides) + len(stories), MIN_FILES)
    if processes < 2:
        return Prefetch(cache, [])
    jobs = []
    for paths, is_story in ((guides, False), (stories, True)):
        for path in paths:
            jobs.append((str(path), str(root), is_story))
    if len(jobs) - _cached_share(cache, jobs) < MIN_FILES:
        return Prefetch(cache, [])
    return Prefetch(cache, jobs, processes)


def _cached_share(cache: Cache, jobs: list[tuple[str, str, bool]]) -> int:
    """How many of the files the cache already holds, judged from a sample of them."""
    sample = jobs[:: max(1, len(jobs) // 50)]
    held = 0
    for path, root, _ in sample:
        try:
            text = read_text(Path(path), Path(root))
            fm, _body = _HANDLER.split(text)
        except (FlywheelError, ValueError):
            continue
        held += Cache.key(f"yaml:{relative(Path(path), Path(root))}:0", fm) in cache.entries
    return round(held / max(1, len(sample)) * len(jobs))


_PROJECT = None  # the project the scan workers read, inherited through fork


def _scan_job(args: tuple[str, str, frozenset[str]]) -> list[tuple[str, object]]:
    from .gate import practice_towns, scan_parts
    from .identifiers import scan_story

    slug, key, names = args
    story = _PROJECT.stories[slug]
    return _encoded([(key, scan_story(scan_parts(story, _PROJECT), names, practice_towns(_PROJECT)))])


def prefetch_scans(project, reviewers: frozenset[str]) -> int:
    """Scan, on every core, the stories whose identifier scan the cache does not hold yet.

    The keys and values are exactly those the gate computes for itself (`gate.scan_key`, the
    same `scan_story`), so the gate finds them in the cache and decides as it would have;
    a story left out here is simply scanned by the gate."""
    global _PROJECT
    from .gate import allowed_names, champion_named, scan_key

    cache = project.cache
    if not cache.enabled or len(project.stories) < MIN_SCANS or workers(len(project.stories), MIN_SCANS) < 2:
        return 0

    def job(slug: str) -> tuple[str, str, frozenset[str]]:
        story = project.stories[slug]
        names = allowed_names(reviewers, champion_named(story, project))
        return slug, Cache.key(*scan_key(story, project, names)), names

    slugs = list(project.stories)
    sample = slugs[:: max(1, len(slugs) // 50)]  # a warm check should not build every key twice
    missing = sum(job(slug)[1] not in cache.entries for slug in sample)
    if missing / len(sample) * len(slugs) < MIN_SCANS:
        return 0
    jobs = [found for found in map(job, slugs) if found[1] not in cache.entries]
    if len(jobs) < MIN_SCANS:
        return 0
    _PROJECT = project
    try:
        # One fork a worker, this process scanning too instead of waiting (forkmap.split):
        # 0.19-0.20 s for 200 stories against the pool's 0.21 s; the scans are the cost.
        for results, _logs in split(jobs, _scan_job, workers(len(jobs), MIN_SCANS)):
            for key, data in results:
                cache.fill_encoded(key, data)
    finally:
        _PROJECT = None
    return len(jobs)
