"""The preview keeps MkDocs' page addresses and build date (page_setup.py): the same answers.

`urljoin` is kept by its arguments and the build date by SOURCE_DATE_EPOCH and the day in UTC;
a kept answer must be the one MkDocs' own functions give, and a new day or a new
SOURCE_DATE_EPOCH must ask again.
"""

from __future__ import annotations

import time
import urllib.parse

import pytest
from mkdocs import utils
from mkdocs.structure import pages

from generator import page_setup

JOINS = [
    ("http://127.0.0.1:8000/", "stories/a-racing-heart/"),
    ("http://127.0.0.1:8000/", "../../etc/"),
    ("http://127.0.0.1:8000/sub/", "/elsewhere/"),
    ("http://127.0.0.1:8000/sub/", "//evil.example/x"),
    ("http://127.0.0.1:8000/sub/", "page/?q=1#top"),
    ("https://example.org/a/b", "c"),
    ("", "index.html"),
    (b"http://example.org/", b"page/"),
]


@pytest.fixture
def installed(monkeypatch):
    """page_setup installed for this test only."""
    monkeypatch.setattr(pages, "urljoin", urllib.parse.urljoin)
    monkeypatch.setattr(pages, "get_build_date", utils.get_build_date)
    assert page_setup.install() and page_setup.install()  # once, then known
    return pages


def test_the_kept_addresses_are_urljoins(installed):
    for _ in range(2):  # asked, then kept
        for base, url in JOINS:
            assert installed.urljoin(base, url) == urllib.parse.urljoin(base, url)
    assert installed.urljoin("http://x/", "a", False) == urllib.parse.urljoin("http://x/", "a", False)


def test_the_build_date_is_mkdocs_own(installed, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert installed.get_build_date() == utils.get_build_date()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert installed.get_build_date() == utils.get_build_date() == "1970-01-02"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert installed.get_build_date() == "1970-01-01"


def test_a_new_day_or_epoch_asks_again(monkeypatch):
    asked: list[int] = []

    def base() -> str:
        asked.append(1)
        return f"date {len(asked)}"

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    now = [86400 * 20_000 + 86399.5]  # half a second before a UTC midnight
    monkeypatch.setattr(time, "time", lambda: now[0])
    dated = page_setup._dated(base)
    assert dated() == dated() == "date 1"
    now[0] += 1  # the next day
    assert dated() == "date 2"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "5")
    assert dated() == dated() == "date 3"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "6")
    assert dated() == "date 4"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert dated() == "date 5" and len(asked) == 5


def test_nothing_is_replaced_when_mkdocs_changed(monkeypatch):
    def other(base, url, allow_fragments=True):
        return "other"

    monkeypatch.setattr(pages, "urljoin", other)
    monkeypatch.setattr(pages, "get_build_date", utils.get_build_date)
    assert not page_setup.install()
    assert pages.urljoin is other and pages.get_build_date is utils.get_build_date
