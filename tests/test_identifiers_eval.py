"""The identifier scan meets its thresholds on the evaluation sets (tests/identifiers_eval)."""

from __future__ import annotations

import pytest
from identifiers_eval.run import SETS, evaluate, flywheel_detector

MIN_RECALL = 0.95  # per kind
MAX_FALSE_ALARMS = 0.03  # share of clean sentences flagged


@pytest.fixture(scope="module", params=SETS)
def result(request):
    return evaluate(flywheel_detector, request.param)


def test_every_kind_is_caught_at_least_95_percent_of_the_time(result):
    low = {
        kind: f"{result.recall(kind):.0%}"
        for kind in result.planted
        if result.recall(kind) < MIN_RECALL
    }
    assert not low, f"{result.name}: recall below {MIN_RECALL:.0%}: {low}; missed: {result.missed}"


def test_at_most_3_percent_of_clean_sentences_are_flagged(result):
    assert result.false_alarm_rate <= MAX_FALSE_ALARMS, f"{result.name}: {result.alarms}"


def test_every_kind_has_at_least_20_tuning_sentences_and_the_set_has_200_clean_ones():
    tune = evaluate(lambda text, allowed: [], "tune")
    assert min(tune.planted.values()) >= 20 and tune.clean >= 200
