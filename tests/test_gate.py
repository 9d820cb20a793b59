"""The consent gate, rule by rule, at each rule's boundary."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from helpers import copy_base
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import run_check
from generator.shown import FIELDS, fingerprint_fields, normalized, story_fingerprint

STORY = "walking-again"
RECORD = "consent/C-2026-001.yml"
SIGNED = dt.date(2026, 10, 2)
EXPIRES = dt.date(2028, 10, 2)


def edit_record(root: Path, **changes) -> None:
    path = root / RECORD
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def approve(root: Path) -> None:
    """The patient approves the story as it is now (a new proof, the fingerprint on it)."""
    project = run_check(root, dt.date(2026, 11, 22)).project
    edit_record(root, approved_fingerprint=story_fingerprint(project.stories[STORY], project))


def decision(root: Path, as_of: dt.date):
    # The rules at their boundaries, on a practice whose today is the build date.
    result = run_check(root, as_of, today=as_of)
    return result.gate.decisions[STORY]


@pytest.fixture
def root(tmp_path):
    return copy_base(tmp_path)


def test_valid_consent_publishes(root):
    d = decision(root, dt.date(2026, 11, 22))
    assert (d.published, d.reasons, d.credit) == (True, (), "Ana")


@pytest.mark.parametrize(
    "as_of, published",
    [(SIGNED - dt.timedelta(days=1), False), (SIGNED, True), (SIGNED + dt.timedelta(days=1), True)],
    ids=["day-before-signing", "signed-today", "day-after-signing"],
)
def test_rule_2_signed_on_or_before_build_date(root, as_of, published):
    d = decision(root, as_of)
    assert d.published is published
    if not published:
        assert d.reasons == (("consent-not-yet-signed", f"consent C-2026-001 is dated 2026-10-02, after {as_of}"),)


@pytest.mark.parametrize(
    "as_of, published",
    [(EXPIRES - dt.timedelta(days=1), True), (EXPIRES, False), (EXPIRES + dt.timedelta(days=1), False)],
    ids=["day-before-expiry", "expires-today", "day-after-expiry"],
)
def test_rule_3_expires_after_build_date(root, as_of, published):
    d = decision(root, as_of)
    assert d.published is published
    if not published:
        assert d.reasons == (("consent-expired", "consent C-2026-001 expired on 2028-10-02"),)


@pytest.mark.parametrize(
    "revoked_on, published",
    [(dt.date(2026, 11, 23), True), (dt.date(2026, 11, 22), False), (dt.date(2026, 11, 21), False)],
    ids=["revoked-tomorrow", "revoked-today", "revoked-yesterday"],
)
def test_rule_4_revocation(root, revoked_on, published):
    edit_record(root, revoked_on=revoked_on.isoformat())
    d = decision(root, dt.date(2026, 11, 22))
    assert d.published is published
    if not published:
        assert d.reasons == (("consent-revoked", f"consent C-2026-001 was revoked on {revoked_on}"),)


@pytest.mark.parametrize(
    "signed_on, published",
    [
        (dt.date(2026, 9, 1), False),  # an older authorization, or the revoked one copied and backdated
        (dt.date(2026, 11, 10), False),  # signed the day the other was revoked: the revocation stands
        (dt.date(2026, 11, 11), True),  # signed after the revocation: the patient consented again
    ],
    ids=["signed-before-the-revocation", "signed-the-day-of-it", "signed-after-it"],
)
def test_rule_4_a_revocation_ends_every_record_of_the_story_signed_before_it(root, signed_on, published):
    """The patient revoked C-2026-001; the story is pointed at another record of the same story.
    A revocation is the patient's latest word: only a record signed after it publishes again."""
    edit_record(root, revoked_on="2026-11-10")
    other = yaml.safe_load((root / RECORD).read_text())
    other.update(signed_on=signed_on.isoformat(), revoked_on=None, form_ref="esign/0002")
    (root / "consent/C-2026-002.yml").write_text(yaml.safe_dump(other, sort_keys=False))
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("consent: C-2026-001", "consent: C-2026-002"))
    d = decision(root, dt.date(2026, 11, 22))
    assert d.published is published, d.reasons
    if not published:
        why = f"consent C-2026-001 for this story was revoked on 2026-11-10, on or after the day consent C-2026-002 was signed ({signed_on})"
        assert d.reasons == (("consent-revoked", why),)
    # A revocation dated after the build date has not happened yet on that date.
    assert decision(root, dt.date(2026, 11, 9)).published is (signed_on <= dt.date(2026, 11, 9))


def test_rule_2_a_later_build_date_never_signs_a_consent_early(root):
    """A record dated after the practice's today has not been signed yet: `--as-of` a month
    ahead published it a month before the patient signed (v2 "a build date never resurrects",
    the other way round)."""
    edit_record(root, signed_on="2026-12-20")
    today, ahead = dt.date(2026, 11, 22), dt.date(2026, 12, 25)
    d = run_check(root, ahead, today=today).gate.decisions[STORY]
    assert d.reasons == (("consent-not-yet-signed", "consent C-2026-001 is dated 2026-12-20, after 2026-11-22"),)
    assert run_check(root, ahead, today=dt.date(2026, 12, 20)).gate.decisions[STORY].published  # signed by then


def test_a_revocation_dated_ahead_is_a_notice_naming_the_date(root):
    """A patient revokes from the day they ask; a revocation dated ahead is a schedule or a typo
    (2027 for 2026), which kept the story published for a year without a word."""
    edit_record(root, revoked_on="2027-11-20")
    result = run_check(root, dt.date(2026, 11, 22), today=dt.date(2026, 11, 22))
    assert result.gate.decisions[STORY].published
    [notice] = [p for p in result.notices if p.code == "consent-revocation-ahead"]
    assert (notice.path, notice.line, notice.field) == (RECORD, 12, "revoked_on")
    assert "revoked from 2027-11-20, in 363 day(s)" in notice.message
    edit_record(root, revoked_on=None)
    assert not [p for p in run_check(root, dt.date(2026, 11, 22)).notices if p.code == "consent-revocation-ahead"]


def test_rule_5_scope_must_include_website(root):
    edit_record(root, scope=["print", "email"])
    d = decision(root, dt.date(2026, 11, 22))
    assert d.reasons == (("consent-scope", "consent C-2026-001 covers print, email, not the website"),)


def test_rule_6_changed_word_withholds(root):
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("I walk every morning now.\n", "I run every morning now.\n"))
    d = decision(root, dt.date(2026, 11, 22))
    assert [rule for rule, _ in d.reasons] == ["consent-fingerprint"]
    assert "run every morning" not in d.reason  # reasons never quote the story


def test_rule_6_rewrapping_keeps_consent(root):
    story = root / "content/stories/cardiology/walking-again.md"
    text = story.read_text()
    story.write_text(text.replace("This fictional story is test content. I walk", "This fictional story\n   is test content.\r\nI walk"))
    assert decision(root, dt.date(2026, 11, 22)).published


def test_rule_1_record_must_name_this_story(root):
    edit_record(root, story="someone-else")
    d = decision(root, dt.date(2026, 11, 22))
    assert d.reasons == (("consent-other-story", "consent C-2026-001 covers the story 'someone-else', not this one"),)


def test_rule_1_no_consent_key(root):
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("consent: C-2026-001\n", ""))
    d = decision(root, dt.date(2026, 11, 22))
    assert d.reasons == (("consent-missing", "no consent record yet: the story names none"),)


def test_rule_1_record_not_on_file(root):
    (root / RECORD).unlink()
    d = decision(root, dt.date(2026, 11, 22))
    assert d.reasons == (("consent-not-found", "no consent record C-2026-001 on file yet"),)


def test_invalid_record_withholds(root):
    edit_record(root, expires_on="never")
    result = run_check(root, dt.date(2026, 11, 22))
    assert not result.ok
    assert result.gate.decisions[STORY].rule == "consent-invalid"


def test_draft_story_is_never_published(root):
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace('material_connection: ""\n', 'material_connection: ""\ndraft: true\n'))
    d = decision(root, dt.date(2026, 11, 22))
    assert d.reasons == (("draft", "the story is a draft"),)


def test_several_failures_are_all_named(root):
    edit_record(root, scope=["print"], revoked_on="2026-11-01")
    d = decision(root, dt.date(2026, 11, 22))
    assert [rule for rule, _ in d.reasons] == ["consent-revoked", "consent-scope"]


@pytest.mark.parametrize(
    "identifiers, name, credit, error",
    [
        (["first_name"], "Ana", "Ana", False),
        (["first_name"], "Ana Silva", None, True),
        (["full_name"], "Ana Silva", "Ana Silva", False),
        (["first_name", "full_name"], "Ana Silva", "Ana Silva", False),
        ([], "Ana Silva", "a patient champion", False),
        (["age", "town"], "Ana", "a patient champion", False),
    ],
)
def test_identifiers_rule_for_champion_names(root, identifiers, name, credit, error):
    edit_record(root, identifiers=identifiers)
    (root / "content/champions.yml").write_text(yaml.safe_dump({"ana": {"name": name, "bio": "Fictional."}}))
    approve(root)
    result = run_check(root, dt.date(2026, 11, 22))
    d = result.gate.decisions[STORY]
    assert d.credit == credit
    assert [p.code for p in result.errors] == (["name-exceeds-consent"] if error else [])
    if error:
        assert result.errors[0].format() == (
            "content/champions.yml:3: error: ana.name: display name of 'ana' is not a single first name, "
            "but consent C-2026-001 allows only a first name [name-exceeds-consent]\n"
            "    hint: use the first name alone (letters only: no spaces, hyphens, dots or hidden "
            "characters), or record a consent with full_name"
        )


def test_photo_only_with_photo_identifier(root):
    (root / "content/champions.yml").write_text(
        yaml.safe_dump({"ana": {"name": "Ana", "bio": "Fictional.", "photo": "/img/ana.jpg"}})
    )
    approve(root)
    assert decision(root, dt.date(2026, 11, 22)).show_photo is False
    edit_record(root, identifiers=["first_name", "photo"])
    assert decision(root, dt.date(2026, 11, 22)).show_photo is True


def test_expiring_consent_is_a_notice_within_30_days(root):
    # A notice, not a warning: --strict must not fail every deploy for the month before a
    # consent expires (that would hold back other patients' withdrawals).
    at_30 = EXPIRES - dt.timedelta(days=30)
    result = run_check(root, at_30)
    assert [p for p in result.warnings if p.code == "consent-expiring"] == []
    assert [p.format() for p in result.notices if p.code == "consent-expiring"] == [
        "consent/C-2026-001.yml:8: notice: expires_on: consent C-2026-001 for 'walking-again' expires on "
        "2028-10-02, in 30 day(s) [consent-expiring]\n    hint: renew the authorization with the patient before it expires"
    ]
    later = run_check(root, at_30 - dt.timedelta(days=1), today=at_30 - dt.timedelta(days=1)).notices
    assert [p for p in later if p.code == "consent-expiring"] == []


def _fp(**fields: str) -> str:
    return fingerprint_fields({"title": "T", "summary": "S", "pull_quote": "Q", "body": "<p>b</p>"} | fields)


def test_fingerprint_normalizes_whitespace_and_line_endings():
    a = _fp(body="<p>one  two\r\nthree</p>\n\n")
    assert a == _fp(body="<p>one two three</p>")
    assert a != _fp(body="<p>one two four</p>")
    # moving a word between parts changes the fingerprint: the parts are kept apart
    assert _fp(title="T x", summary="S") != _fp(title="T", summary="x S")
    # a separator character inside a part cannot glue two parts together either
    assert _fp(title="T\x1ex", summary="S") != _fp(title="T", summary="x\x1eS")


@pytest.mark.parametrize("field", FIELDS)
def test_fingerprint_covers_every_shown_field(field):
    assert _fp(**{field: "one"}) != _fp(**{field: "two"})


@pytest.mark.parametrize("as_of, overdue", [(dt.date(2027, 9, 1), 0), (dt.date(2027, 9, 2), 1)])
def test_review_overdue_warning_counts_days(root, as_of, overdue):
    # chest-pain guides were reviewed on 2026-09-01; cardiology reviews every 365 days.
    warnings = [p for p in run_check(root, as_of).warnings if p.code == "review-overdue"]
    expected = [] if not overdue else [
        "content/guides/cardiology/chest-pain-guide.md:9: warning: reviewed_on: medical review is 1 day(s) "
        "overdue: reviewed on 2026-09-01, and cardiology guides are reviewed every 365 days [review-overdue]\n"
        "    hint: have the guide reviewed, then update reviewed_by and reviewed_on",
        "content/guides/cardiology/chest-pain-when-to-worry.md:9: warning: reviewed_on: medical review is 1 "
        "day(s) overdue: reviewed on 2026-09-01, and cardiology guides are reviewed every 365 days "
        "[review-overdue]\n    hint: have the guide reviewed, then update reviewed_by and reviewed_on",
    ]
    assert [p.format() for p in warnings] == expected


_SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_SPACES, "a", "é", "\u200b", "\ufeff", "x y", "\x1e"]), max_size=40).map("".join))
def test_whitespace_is_normalized_exactly_as_the_fingerprint_always_did(text):
    """`normalized` splits instead of substituting `\\s+`: every fingerprint ever recorded
    depends on the two agreeing, for every whitespace character Python knows."""
    assert normalized(text) == re.sub(r"\s+", " ", text).strip()


def test_every_whitespace_character_is_normalized_as_before():
    for ch in _SPACES + ["\u200b", "\u180e", "\ufeff", "\x1c", "\x85"]:
        text = f" a{ch}{ch}b{ch}"
        assert normalized(text) == re.sub(r"\s+", " ", text).strip(), repr(ch)
