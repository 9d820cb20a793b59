"""Each content type, declared once. Validation, the docs' reference page and `flywheel new`
all derive from these declarations; every field carries a description.

Values are coerced here, at the boundary, and nowhere else: dates from `YYYY-MM-DD` text,
a single scalar to a one-item list, an empty value to the field's default.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from .dates import iso_date


STAGES = ("learn", "decide", "prepare", "recover")
STORY_STAGE = "share"
NEXT_STEPS = ("intake", "scheduling", "triage")
SUMMARY_MAX = 160
# Contract v2 ids. `\Z`, not `$`: `$` also matches before a final newline, so a file name
# ending in a newline would pass. Use with `.match` (anchored at the start) or `.fullmatch`.
SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
RECORD_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*\Z")
# A host name as the browser's Content-Security-Policy writes one (RFC 1123 labels; an IDN is
# written in punycode): no scheme, path, port or space, which would rewrite the policy (csp.py).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_PATTERN = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\Z")



def ecma_pattern(pattern: re.Pattern[str]) -> str:
    """An id pattern for JSON Schema (ECMA-262 regex, where `$` already means the very end)."""
    return "^" + pattern.pattern.removesuffix("\\Z") + "$"


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            pass
    raise PydanticCustomError("bad_date", "expected a date written YYYY-MM-DD")


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    return value


def _photo_address(value: Any) -> Any:
    """A champion photo's address: no control character (a NUL stopped `os.stat`), and one an
    address parser reads (`https://[cdn...` stopped the withdrawal with a ValueError: stop 48's
    red team)."""
    if isinstance(value, str):
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise PydanticCustomError("bad_photo", "expected a photo address without control characters")
        from urllib.parse import urlsplit

        try:
            urlsplit(value)
        except ValueError as error:
            raise PydanticCustomError("bad_photo", "expected a photo address: {why}", {"why": str(error)}) from None
    return value


def _empty_to_none(value: Any) -> Any:
    return None if value == "" else value


Date = Annotated[dt.date, BeforeValidator(_as_date)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(lambda v: None if v in (None, "") else _as_date(v))]
Text = Annotated[str, Field(min_length=1)]
# The JSON Schema says what the loader accepts: one value where a list is expected is a list.
TextList = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=list[str] | str | None)]
NextStep = Annotated[Literal["intake", "scheduling", "triage"] | None, BeforeValidator(_empty_to_none)]


class Schema(BaseModel):
    """Strict about keys and types; lenient only in the coercions declared above."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=True)


class CareStep(Schema):
    """One next care step a page can send a reader to."""

    label: Text = Field(description="The call to action's text, e.g. 'Book a visit'.")
    url: str | None = Field(None, description="Where it leads: an `https:` URL or a site-relative path.")
    text: str | None = Field(None, description="Extra words shown with it; for triage, what to do right now.")
    phone: str | None = Field(None, description="A phone number to show beside it.")


class CareSteps(Schema):
    """The care steps of a service line; `triage` makes it an urgent pathway."""

    intake: CareStep = Field(description="The intake form for new patients.")
    scheduling: CareStep = Field(description="Booking a visit.")
    triage: CareStep | None = Field(None, description="Urgent triage notice; present only on urgent pathways.")
    urgent: CareStep | None = Field(
        None,
        description="A same-day route between routine booking and 911, e.g. a same-day phone line; "
        "the contact of `urgent` care cards.",
    )


class Topic(Schema):
    """A topic of a service line: one pillar guide and its cluster guides."""

    title: Text = Field(description="The topic's title as shown in navigation.")
    summary: str | None = Field(None, description="One line on what the topic covers, shown on its card.")
    triage: CareStep | None = Field(
        None,
        description="The topic's own triage notice: replaces the service line's `triage` on the "
        "topic's pages (heart failure warns of sudden breathlessness, not chest pain).",
    )


class FirstVisit(Schema):
    """What a new patient needs to know before the first visit."""

    wait: str | None = Field(None, description="How soon a new patient is seen, e.g. 'Most new patients are seen within 5 working days.'")
    length: str | None = Field(None, description="How long the first visit takes, e.g. 'About an hour.'")
    bring: TextList = Field(default_factory=list, description="What to bring, one item a line.")


class ServiceLine(Schema):
    """`service_lines/<slug>.yml`: a service line, its care steps and its topics."""

    name: Text = Field(description="Display name, e.g. 'Cardiology'.")
    summary: Text = Field(description="What the service line treats, in one line (at most 160 characters).")
    default_next_step: Literal["intake", "scheduling", "triage"] = Field(
        description="The next step of pages that do not name one: intake, scheduling or triage."
    )
    who_for: str | None = Field(
        None, description="Who the service line is for, and whether a referral is needed, in one or two sentences."
    )
    first_visit: FirstVisit | None = Field(
        None, description="The first visit: `wait` (how soon), `length` (how long), `bring` (a list)."
    )
    care_steps: CareSteps = Field(
        description="intake and scheduling (required), urgent and triage (optional)."
    )
    topics: dict[str, Topic] = Field(description="Topic slug -> topic. Guides and stories name one of these.")
    review_interval_days: int = Field(
        365, gt=0, le=3660, description="Medical review cadence for its guides, in days (at most ten years)."
    )

    @property
    def urgent(self) -> bool:
        return self.care_steps.triage is not None


class Guide(Schema):
    """`content/guides/**/<slug>.md`: an education piece, pillar or cluster guide of a topic."""

    title: Text = Field(description="The guide's title.")
    summary: Text = Field(description="One or two sentences shown in listings and search (at most 160 characters).")
    service_line: Text = Field(description="The slug of a file in `service_lines/`.")
    topic: Text = Field(description="A topic of that service line.")
    pillar: bool = Field(False, description="True for the one pillar guide of its topic.")
    stage: Literal["learn", "decide", "prepare", "recover"] = Field(
        description="Journey stage: learn, decide, prepare or recover."
    )
    next_step: NextStep = Field(
        None, description="intake, scheduling or triage; default: the service line's `default_next_step`."
    )
    reviewed_by: Text = Field(description="The medical reviewer, e.g. 'A. Example, MD'.")
    reviewed_on: Date = Field(description="Date of the last medical review, YYYY-MM-DD.")
    tags: TextList = Field(default_factory=list, description="Free tags.")
    draft: bool = Field(False, description="Drafts are never published.")


class Story(Schema):
    """`content/stories/**/<slug>.md`: a patient-led story, published only with valid consent."""

    title: Text = Field(description="The story's title (part of what the patient approves).")
    summary: Text = Field(description="One line shown in listings (at most 160 characters; approved by the patient).")
    champion: Text = Field(description="An id in `content/champions.yml`.")
    service_line: Text = Field(description="The slug of a file in `service_lines/`.")
    topic: str | None = Field(None, description="Optional: a topic of that service line.")
    # Empty is none yet (the web editor saves an empty field as ''), as before ids were checked.
    consent: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(
        None,
        pattern=ecma_pattern(RECORD_ID_PATTERN),
        description="The consent record id, the name of a file in `consent/` without `.yml` (C-YYYY-NNN). "
        "No record, no publication.",
    )
    next_step: NextStep = Field(None, description="As for guides.")
    pull_quote: str = Field("", description="A short quote shown on the story page (approved by the patient).")
    material_connection: str = Field(
        "", description="FTC disclosure of anything the patient received, e.g. a discounted visit."
    )
    tags: TextList = Field(default_factory=list, description="Free tags.")
    draft: bool = Field(False, description="Drafts are never published.")


class Champion(Schema):
    """An entry of `content/champions.yml`: a patient champion who co-authors stories."""

    name: Text = Field(description="Display name; shown only as the consent's identifiers allow.")
    bio: str = Field("", description="A short bio (at most 160 characters).")
    photo: Annotated[str | None, BeforeValidator(_photo_address)] = Field(
        None, description="Site-relative path of a photo; shown only with `photo` consent.")


class Emergency(Schema):
    """What to do in an emergency, shown on every page."""

    phone: Text = Field(description="The emergency number, e.g. '911'.")
    text: Text = Field(description="One plain sentence, e.g. 'If you think you are having a medical emergency, call 911.'")


class PracticeStep(Schema):
    """The practice-wide next step, for pages that belong to no service line."""

    label: Text = Field(description="The call to action's text, e.g. 'Book a visit'.")
    url: Text = Field(description="Where it leads: an `https:` URL or a site-relative path.")


class ThirdParty(Schema):
    """A host other than the site's own that pages may load something from."""

    host: str = Field(
        description="A host name such as 'plausible.io': no scheme, path or port.",
        pattern=ecma_pattern(HOST_PATTERN),
    )
    reason: Text = Field(description="Why it is allowed: what it collects and the agreement that covers it.")


class Practice(Schema):
    """`practice.yml`: the practice's name, contacts and settings every page needs."""

    name: Text = Field(description="The practice's name as patients know it.")
    phone: Text = Field(description="The main phone number.")
    address: Text = Field(description="The street address, one line.")
    hours: Text = Field(description="Opening hours in plain words.")
    timezone: Text = Field(
        description="IANA time zone, e.g. 'America/Chicago': the consent gate's 'today' is the date here."
    )
    emergency: Emergency = Field(description="The emergency line and what to say about it.")
    next_step: PracticeStep = Field(description="The next step for pages that belong to no service line.")
    serves: str | None = Field(
        None, description="Who the practice serves, in one or two sentences: the home page's opening line."
    )
    third_parties: list[ThirdParty] = Field(
        default_factory=list,
        description="Hosts other than the site's own that pages may load from, each with a reason.",
    )


class ConsentRecord(Schema):
    """`consent/<record-id>.yml`: one signed HIPAA-style marketing authorization (45 CFR 164.508(c)).

    It points at the signed form; it never holds the form or any health information."""

    story: str = Field(
        pattern=ecma_pattern(SLUG_PATTERN),
        description="The slug of the story this authorization covers: its file name without `.md`.",
    )
    signed_on: Date = Field(description="The date the authorization was signed.")
    signed_by: Literal["patient", "representative"] = Field(description="patient or representative.")
    purpose: Text = Field(description="The purpose of the disclosure, as on the form.")
    scope: Annotated[list[Literal["website", "social", "email", "print"]], BeforeValidator(_as_list)] = Field(
        description="Channels covered; publication on the site needs `website`."
    )
    identifiers: Annotated[
        list[Literal["first_name", "full_name", "photo", "age", "town"]], BeforeValidator(_as_list)
    ] = Field(default_factory=list, description="What may identify the patient: first_name, full_name, photo, age, town.")
    expires_on: Date = Field(description="Required: an authorization must expire.")
    form_ref: Text = Field(description="Where the signed form is kept, e.g. 'esign/8841'.")
    approved_fingerprint: Text = Field(
        description="`sha256:<hex>` of the story text the patient approved (`flywheel consent fingerprint`)."
    )
    revoked_on: OptionalDate = Field(None, description="A date ends publication from that day on.")
    accepted_findings: TextList = Field(
        default_factory=list,
        description="Ids of identifier findings in the story text that the patient explicitly accepted, "
        "as `check` prints them (e.g. `phone:56e9bcfb`).",
    )



CAMPAIGN_STEPS = ("intake", "scheduling", "urgent")


class Landing(Schema):
    """What a campaign's landing page shows: its own title and summary, and the pieces it lists."""

    title: Text = Field(description="The landing page's title.")
    summary: Text = Field(description="One line under the title (at most 160 characters).")
    guides: TextList = Field(
        default_factory=list, description="Slugs of guides to list; drafts are never listed."
    )
    stories: TextList = Field(
        default_factory=list,
        description="Slugs of stories to list, each only while the consent gate publishes it.",
    )


class Campaign(Schema):
    """`campaigns/<id>.yml`: a campaign for one care pathway, with a landing page that matches
    the appointment it fills. The id is the file name without `.yml`."""

    name: Text = Field(description="The campaign's name, for the team and the report.")
    service_line: Text = Field(description="The slug of a file in `service_lines/`.")
    care_step: Literal["intake", "scheduling", "urgent"] = Field(
        description="The care step its call to action leads to: intake, scheduling or urgent."
    )
    appointment_type: Text = Field(
        description="The appointment it fills, e.g. 'New patient heart evaluation'."
    )
    starts_on: Date = Field(description="First day the landing page is built, YYYY-MM-DD.")
    ends_on: Date = Field(description="Last day the landing page is built, YYYY-MM-DD.")
    landing: Landing = Field(description="The landing page: title, summary, guides and stories.")
    channels: TextList = Field(
        default_factory=list,
        description="Where the campaign runs (email, search, social, print...): "
        "`flywheel campaign links` tags the address for each as `utm_source`.",
    )
