"""The benchmark's synthetic corpus stays a valid project under the current contract: a
benchmark of a site whose stories are all withheld, or that has errors, measures nothing."""

from __future__ import annotations

import collections
import datetime as dt
import sys

from helpers import REPO

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402

from generator.check import run_check  # noqa: E402


def test_the_synthetic_corpus_checks_clean_and_publishes_nine_stories_in_ten(tmp_path):
    root = generate(tmp_path / "corpus", 100)
    result = run_check(root, dt.date(2026, 11, 22))
    assert result.errors == []
    rules = collections.Counter(d.rule for d in result.gate.withheld)
    assert rules == {"consent-not-found": 2}
    assert len(result.gate.published("story")) == 18
