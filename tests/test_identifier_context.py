"""The context words of `named_numbers` ("MRN", "licence plate", "serial no.") are matched by
one alternation grouped by first letter; it must find exactly what the flat alternation of
the same phrases finds, match for match, or the scan would find fewer identifiers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import identifier_shapes as shapes

FLAT = re.compile("(?:" + "|".join(shapes._CONTEXT_PHRASES.values()) + ")" + shapes._CONTEXT_END)
PHRASE_TEXT = [
    "license plate number", "licence plates", "plate no. ", "tag number", "vin", "vehicle id",
    "vehicle identification number", "serial number", "serial #", "s/n", "sn", "udi", "imei",
    "device serial", "pump id", "driver's license number", "drivers licence no.", "passport",
    "permit #", "cdl", "dl #", "dl", "dea number", "state id card no", "id card", "green card",
    "id number", "veteran id number", "va id", "mrn", "medical record number", "record no.",
    "health plan id", "health plan #", "member id", "policy number", "acct#", "account",
    "claim", "encounter", "ssn", "ss #", "ss#", "ss number", "social security number",
    "social", "soc. sec. no", "phone", "cell", "fax", "text", "landline", "number",
    "insta is", "instagram handle is", "tik tok:", "venmo:", "snapchat username at", "ig is",
    "rx #", "rx no.", "prescription #", "refill no.", "insurance card", "aetna id",
    "blue cross member id", "medi-cal id number", "record #", "member #",
    "bracelet", "bracelet number", "wristband #", "wrist band id", "ticket #", "ticket no.",
    "specimen id", "pathology case", "pathology accession number", "accession number",
]  # fmt: skip


def _matches(pattern: re.Pattern, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


def test_the_alternatives_rebuild_each_phrase_list():
    for phrases in shapes._CONTEXT_PHRASES.values():
        parts = shapes._alternatives(phrases)
        assert "|".join(parts) == phrases
        assert len(parts) > 1 and all(re.compile(part) for part in parts)


def test_groups_at_any_depth_and_classes_do_not_split():
    assert shapes._alternatives(r"a(?:b|c)|d[|]e|f\|g|h") == ["a(?:b|c)", "d[|]e", r"f\|g", "h"]


@pytest.mark.parametrize("phrase", PHRASE_TEXT)
def test_every_phrase_is_found_as_before(phrase):
    texts = (phrase, f"my {phrase} 4471-2290.", f"x{phrase} 12345", f"{phrase}s and {phrase}/2")
    for text in texts:
        assert _matches(shapes._CONTEXT, text) == _matches(FLAT, text)


_ALPHABET = st.sampled_from(list("abcdeilmnoprstuv #./'-1234") + [" ", "\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PHRASE_TEXT) | st.text(_ALPHABET, max_size=6), max_size=12))
def test_the_grouped_alternation_matches_as_the_flat_one(pieces):
    text = "".join(pieces)
    assert _matches(shapes._CONTEXT, text) == _matches(FLAT, text)


def test_a_phrase_that_does_not_start_with_a_plain_letter_is_refused():
    with pytest.raises(ValueError):
        shapes._by_first_letter(["mrn", "(?:x)y"])
    with pytest.raises(ValueError):
        shapes._by_first_letter(["mrn", "s?sn"])
