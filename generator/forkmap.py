"""Work on every core: `each(items, work, workers)` runs `work` on every item, in this process
and in processes forked from it, so they hold everything it holds (configuration, navigation,
plugins, closures), and yields the results in order.

A worker's log records come back with its results and are handled by this process's loggers
in item order; an exception in a worker is raised here, as if the work had run here; a worker
that dies breaks the pool, which raises instead of waiting. Fork only: a process started
another way would not hold the work. Callers fork only where no other thread can hold a lock
the workers need (a build, not the preview server).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
CHUNKS_PER_WORKER = 16  # small enough to even out slow items, large enough to be cheap to send
_shared: dict = {}  # what the forked workers read: set just before each pool starts


def workers(items: int, minimum: int) -> int:
    """How many processes share `items` pieces of work: every core (FLYWHEEL_WORKERS=N says
    otherwise), or 1 (here) below `minimum` items, where starting processes costs more than
    it saves, where processes cannot be forked, or while another thread runs."""
    wanted = os.environ.get("FLYWHEEL_WORKERS")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    # ASCII digits only: `str.isdigit` is true of "²" and "①", which `int` refuses, and the
    # ValueError stopped every build before it looked at site/ (rt8). A value of another kind
    # is not set. Never more processes than items or four a core: FLYWHEEL_WORKERS=100000 (a
    # page count typed for a worker count) asked `each` to fork 99,999 processes.
    wanted = wanted if wanted and wanted.isascii() and wanted.isdigit() else None
    count = min(int(wanted), max(items, 1), 4 * cores) if wanted else cores
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:  # a fork copies locks another thread may hold
        return 1
    if not wanted and items < minimum:
        return 1
    return count


def each(items: Sequence, work: Callable[[Any], object], workers: int) -> Iterator[tuple]:
    """(work(item), its log records) for every item, in order: here, or in forked workers.
    The records were replayed (`replay`) before the pair is yielded, so a page's warnings are
    printed and counted in page order wherever it was rendered, and can be kept with it.

    With `workers` processes, this one is one of them: it forks `workers - 1`, hands them
    chunks from the front, and works on items from the back, one at a time, while the next
    chunk in order is not ready. Every forked worker copies what it touches of this process's memory, so one
    fewer is one copy fewer (at 50,000 pieces, hundreds of megabytes), and each is forked afresh
    after RENEW_AFTER items, once the chunks it was given are all in."""
    if workers < 2:
        for item in items:
            yield _outcome(_run(work, item))
        return
    if not items:
        return
    largest = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    _shared.update(items=items, work=work)
    context = multiprocessing.get_context("fork")
    pool: ProcessPoolExecutor | None = None
    given = 0  # items sent to the pool's workers since they were forked
    try:
        front, back = 0, len(items)  # items[:front] went to the workers, items[back:] here
        sent: deque = deque()  # (chunk, future), in order
        here: dict[int, dict] = {}
        index = 0
        while index < len(items):
            while front < back and len(sent) < 2 * (workers - 1):  # none waits idle
                if pool is None or given >= RENEW_AFTER:
                    if sent:  # a renewal waits until the old workers' chunks are all in
                        break
                    if pool is not None:
                        pool.shutdown(wait=True)
                    pool, given = _pool(workers, context), 0
                # Chunks shrink as the items run out, so no side waits long at the end.
                size = max(1, min(largest, (back - front) // (2 * workers)))
                chunk = range(front, front + size)
                sent.append((chunk, pool.submit(_run_chunk, chunk)))
                front += size
                given += size
            if sent and sent[0][0].start == index:
                chunk, future = sent.popleft()
                while not future.done() and front < back:  # the next in order is not ready
                    back -= 1
                    here[back] = _run(work, items[back])
                outcomes = future.result()
            else:
                outcomes = [here.pop(index)]
            for outcome in outcomes:
                yield _outcome(outcome)
                index += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        _shared.pop("items", None)
        _shared.pop("work", None)
        gc.unfreeze()


# Items a forked worker of `each` takes before a fresh fork replaces it. A worker copies every
# page of this process's memory it writes to, and the allocations of each item it works on
# land in the free space of memory pages it shares: at 50,000 pieces the template loop's
# worker had made 630 MB of them its own by the loop's end, a third of the build's peak. A
# fresh fork shares everything again; forking costs tens of milliseconds.
RENEW_AFTER = 3000


def _pool(workers: int, context) -> ProcessPoolExecutor:
    """`workers - 1` forked workers. Objects the workers inherit stay shared only while nothing
    writes to their memory; the garbage collector's passes would, copying the whole build into
    every worker, so what this process holds now is frozen first. A worker that dies (killed,
    out of memory) breaks the pool, which raises in `each`: the build fails instead of waiting
    for pages that will never come."""
    gc.freeze()
    return ProcessPoolExecutor(workers - 1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),))


SPLIT_CHUNK = 256  # results a worker of `split` writes at a time


def split(items: Sequence, work: Callable[[Any], object], workers: int) -> list[tuple]:
    """(work(item), its log records) for every item, in order, as `each` gives them, for many
    small items of even cost: the items cut into `workers` runs, each but the last worked on by
    a process forked for it, the last here. A pool's traffic per chunk (its queues, threads and
    messages) cost more than rendering 1,000 pages' Markdown on the second core saved; this
    costs one fork a worker. A worker writes its results to a file of its own, SPLIT_CHUNK at a
    time, read back chunk by chunk once it is done: neither side ever holds a worker's results
    twice (as one message, they took a 50,000-piece build past 2 GB)."""
    if workers < 2 or len(items) < 3:
        return [_outcome(_run(work, item)) for item in items]
    # The first item is worked on here before any fork: what work loads the first time (name
    # lists, compiled templates: 37 ms for the identifier scan) is then loaded once, not once
    # a process.
    first = _run(work, items[0])
    bounds = [1 + (len(items) - 1) * k // workers for k in range(workers + 1)]
    parent, children = os.getpid(), []
    gc.freeze()  # as in `each`: the children share what they only read
    try:
        for k in range(workers - 1):
            # Unlinked, gone with its last handle; closed in the `finally` below, after the fork.
            results = tempfile.TemporaryFile(prefix="flywheel-split-")  # noqa: SIM115
            pid = os.fork()
            if pid == 0:  # the child: its run, chunk by chunk, then gone
                code = 1
                try:
                    die_with_parent(parent)
                    for start in range(bounds[k], bounds[k + 1], SPLIT_CHUNK):
                        chunk = [_run(work, items[i]) for i in range(start, min(start + SPLIT_CHUNK, bounds[k + 1]))]
                        data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
                        results.write(len(data).to_bytes(8, "big") + data)
                    results.flush()
                    code = 0
                finally:
                    os._exit(code)
            children.append((pid, results))
        mine = [_run(work, items[i]) for i in range(bounds[-2], bounds[-1])]
        outcomes: list[dict] = [first]
        for k, (pid, results) in enumerate(children):
            _, status = os.waitpid(pid, 0)
            children[k] = (None, results)
            if status != 0:  # killed, out of memory, or its results would not pickle
                raise BrokenProcessPool(f"a worker process ended without its results (status {status})")
            results.seek(0)
            while header := results.read(8):
                outcomes += pickle.loads(results.read(int.from_bytes(header, "big")))
        outcomes += mine
        if len(outcomes) != len(items):
            raise BrokenProcessPool(f"workers gave {len(outcomes)} results for {len(items)} items")
    finally:
        for pid, results in children:  # what an error here left running
            results.close()
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except OSError:
                    pass
        gc.unfreeze()
    return [_outcome(outcome) for outcome in outcomes]


def die_with_parent(parent: int) -> None:
    """In a worker: end when the build's process ends, even killed (a worker blocked on its
    work queue would otherwise wait forever, holding its copy of the build's memory)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    _shared["worker"] = True


def in_worker() -> bool:
    """True in a process `each` started: what it keeps is thrown away with it."""
    return _shared.get("worker", False)


def _outcome(outcome: dict) -> tuple:
    replay(outcome["logs"])
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], outcome["logs"]


class _Keeper(logging.Handler):
    """Keeps each record once (a record reaches one handler per logger it propagates through).

    Records are told apart by identity, so each one is held until the keeper goes: a record
    freed after it was handled leaves its address to the next, which would pass for it and be
    dropped (a page's warnings lost, a strict build passed)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[list] = []
        self._seen: dict[int, logging.LogRecord] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) not in self._seen:
            self._seen[id(record)] = record
            self.records.append([record.name, record.levelno, record.getMessage()])


def _run(work: Callable[[Any], object], item: Any) -> dict:
    """work(item) with every log record kept instead of handled."""
    keeper = _Keeper()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.handlers) for logger in loggers if logger.handlers]
    for logger, _ in saved:
        logger.handlers = [keeper]
    try:
        return {"result": work(item), "logs": keeper.records}
    except Exception as error:  # raised by the parent, as MkDocs would have
        return {"error": _portable(error), "logs": keeper.records}
    finally:
        for logger, handlers in saved:
            logger.handlers = handlers


def _run_chunk(indexes: range) -> list[dict]:
    items, work = _shared["items"], _shared["work"]
    outcomes = []
    for index in indexes:
        outcomes.append(_run(work, items[index]))
        if "error" in outcomes[-1]:
            break
    return outcomes


def replay(records: list) -> None:
    """Handle log records made elsewhere as if they were made here, in order."""
    for name, level, message in records:
        logger = logging.getLogger(name)
        logger.handle(logger.makeRecord(name, level, "(worker)", 0, message, (), None))


def _portable(error: Exception) -> Exception:
    """The exception itself if it survives pickling, else a PluginError with its message."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        from mkdocs.exceptions import PluginError

        return PluginError(f"{type(error).__name__}: {error}")
