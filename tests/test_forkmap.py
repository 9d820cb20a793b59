"""generator/forkmap.py: every log record a piece of work makes comes back, once, in order,
whether the work ran here or in a forked worker."""

from __future__ import annotations

import logging
import os

import pytest

from generator import forkmap


def _warn_three_times(item: int) -> int:
    log = logging.getLogger("mkdocs.plugins.flywheel")
    for n in range(3):
        log.warning("page %d: warning %d", item, n)  # each record is freed once handled
    return item


def test_records_freed_after_handling_are_all_kept():
    """A record's address is reused by the next one once it is freed: told apart by `id`
    alone, every record after the first would pass for it and be dropped."""
    keeper = forkmap._Keeper()
    for n in range(200):
        keeper.handle(logging.LogRecord("mkdocs", logging.WARNING, "x.py", 1, f"warning {n}", None, None))
    assert [r[2] for r in keeper.records] == [f"warning {n}" for n in range(200)]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_warning_of_every_item_comes_back_in_order(workers, caplog):
    items = list(range(40))
    with caplog.at_level(logging.WARNING):
        results = list(forkmap.each(items, _warn_three_times, workers))
    assert [result for result, _logs in results] == items
    assert [len(logs) for _result, logs in results] == [3] * len(items)
    expected = [f"page {i}: warning {n}" for i in items for n in range(3)]
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.flywheel"] == expected


def _slow_or_fast(item: int) -> tuple[int, int]:
    """Uneven work, so that this process and the worker meet at no fixed place."""
    import os
    import time

    time.sleep(0.002 * (item % 7 == 0))
    return item, os.getpid()


@pytest.mark.parametrize("workers", [2, 3])
def test_this_process_works_too_and_every_item_comes_once_in_order(workers):
    """`each` forks `workers - 1` processes and works on items from the back itself: every
    item's result comes exactly once, in order, and both this process and a worker did some."""
    import os

    items = list(range(500))
    results = [result for result, _logs in forkmap.each(items, _slow_or_fast, workers)]
    assert [item for item, _pid in results] == items
    pids = {pid for _item, pid in results}
    assert os.getpid() in pids and len(pids) >= 2


def _fail_at_300(item: int) -> int:
    if item == 300:
        raise ValueError("item 300")
    return item


def test_a_failure_raises_in_order_after_every_item_before_it():
    seen = []
    with pytest.raises(ValueError, match="item 300"):
        for result, _logs in forkmap.each(list(range(500)), _fail_at_300, 2):
            seen.append(result)
    assert seen == list(range(300))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_split_gives_what_each_gives(workers, caplog):
    """`split` (one fork and one message a worker): the same results and log records, in order,
    with this process and every worker each doing a part."""
    import os

    items = list(range(301))
    with caplog.at_level(logging.WARNING):
        warned = forkmap.split(items, _warn_three_times, workers)
    assert [result for result, _logs in warned] == items
    expected = [f"page {i}: warning {n}" for i in items for n in range(3)]
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.flywheel"] == expected
    results = [result for result, _logs in forkmap.split(items, _slow_or_fast, workers)]
    assert [item for item, _pid in results] == items
    assert len({pid for _item, pid in results}) == workers and os.getpid() in {pid for _item, pid in results}


def test_split_raises_the_first_failure_and_a_lost_worker():
    with pytest.raises(ValueError, match="item 300"):
        forkmap.split(list(range(500)), _fail_at_300, 2)
    with pytest.raises(forkmap.BrokenProcessPool):  # a worker killed before it sent its results
        forkmap.split(list(range(500)), _die_in_the_first_half, 2)
    with pytest.raises(forkmap.BrokenProcessPool):  # results that cannot be sent
        forkmap.split(list(range(10)), lambda item: (lambda: item), 2)


def _die_in_the_first_half(item: int) -> int:
    import os
    import signal

    if item == 100:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_workers_forked_afresh_as_they_go_give_every_item_once_in_order(monkeypatch, caplog):
    """A worker copies the memory it writes to, and the free space its items' allocations land
    in (at 50,000 pieces, 630 MB by the template loop's end): after RENEW_AFTER items a fresh
    fork replaces it. Results and log records still come back once each, in order."""
    monkeypatch.setattr(forkmap, "RENEW_AFTER", 20)
    items = list(range(600))
    with caplog.at_level(logging.WARNING):
        results = list(forkmap.each(items, _slow_or_fast_warning, 2))
    assert [item for (item, _pid), _logs in results] == items
    assert [r.getMessage() for r in caplog.records if r.name == "mkdocs.plugins.flywheel"] == [f"item {i}" for i in items]
    workers = {pid for (_item, pid), _logs in results} - {os.getpid()}
    assert len(workers) >= 3  # forked afresh more than once


def _slow_or_fast_warning(item: int) -> tuple[int, int]:
    logging.getLogger("mkdocs.plugins.flywheel").warning("item %d", item)
    return _slow_or_fast(item)
