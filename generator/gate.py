"""Stage 3, gate: decide what may be published, and nothing else.

A story is published only when every rule of the contract holds on the build date. Reasons
are written for a compliance officer and never quote the story's text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import unicodedata
import urllib.parse

from .decisions import Decision, Gate
from .errors import Problem, problem
from .history import ANY_STORY, form_key
from .identifiers import SCAN_KEY_VERSION, scan_story
from .project import Entry, Project
from .schema import Story
from .shown import (
    address_words,
    body_html,
    legacy_fingerprint,
    linked_addresses,
    photo_digest,
    photo_metadata,
    plain_shown,
    story_fingerprint,
    v2_fingerprint,
    visible_parts,
)

EXPIRY_WARNING_DAYS = 30
ANONYMOUS_CREDIT = "a patient champion"

# story slug -> (record id, revoked on, the slug the record names when it is not this one); and
# `form:` + a revoked record's `form_ref` and a story it named (`form_key`) -> (record id,
# revoked on, None): a signed form once revoked authorizes that story no more (rt11). One form
# may cover several stories (each its own record); a revocation of one ends no other. And
# `form:*:` + that `form_ref` (`history.ANY_STORY`) -> (record id, revoked on, the story it was
# revoked for): a story renamed keeps its form's revocation (rt14). No slug holds a colon.
Revocations = dict[str, list[tuple[str, dt.date, str | None]]]


# How close a revocation's `story` must be to a slug to withhold it: a letter or two typed wrong.
_CLOSE_TO_A_SLUG = 0.8


def revoked_form(project: Project, form_ref: str, story: str) -> tuple[str, dt.date] | None:
    """(record id, revoked on) of a revoked record of `story` that names the signed form
    `form_ref`, or None: a record naming that form is ended by the revocation (`_consent_reasons`)."""
    found = _revocations(project).get(form_key(form_ref, story))
    return (found[0][0], found[0][1]) if found else None


def _revocations(project: Project) -> Revocations:
    """Every revocation on file, by the story its record covers. A revocation whose `story`
    names no story (a slug typed wrong: `finding-answer`) is the patient's word all the same:
    it counts against every story whose slug is close to what it names, until it names one."""
    found: Revocations = {}
    committed = project.committed_revocations
    revoked, forms, any_story = [], [], []
    for record_id, entry in project.consents.items():
        if (revoked_on := _revoked_on(record_id, entry.data, project)) is not None:
            _, stories, refs = committed.get(record_id, (None, (), ()))
            named = list(dict.fromkeys([entry.data.story, *stories]))
            revoked += [(record_id, revoked_on, story) for story in named]
            forms += [(record_id, revoked_on, form_key(ref, story))
                      for ref in dict.fromkeys([entry.data.form_ref, *refs]) for story in named]
            any_story += [(record_id, revoked_on, form_key(ref, ANY_STORY), story)
                          for ref in dict.fromkeys([entry.data.form_ref, *refs]) for story in named]
    # A record whose file is gone, or no longer a record, still revoked what it named; and a
    # record's revocation counts against every story any commit of it named (rt11: one pointed
    # at another slug took its revocation off the story it was made for), and every form.
    for record_id, (day, stories, refs) in committed.items():
        if record_id not in project.consents:
            revoked += [(record_id, day, story) for story in stories]
            forms += [(record_id, day, form_key(ref, story)) for ref in refs for story in stories]
            any_story += [(record_id, day, form_key(ref, ANY_STORY), story) for ref in refs for story in stories]
    for record_id, revoked_on, key in forms:
        found.setdefault(key, []).append((record_id, revoked_on, None))
    # And by the form alone, with the story it was revoked for: a story renamed (rt14, below).
    for record_id, revoked_on, key, story in any_story:
        found.setdefault(key, []).append((record_id, revoked_on, story))
    for record_id, revoked_on, story in revoked:
        if story in project.stories:
            found.setdefault(story, []).append((record_id, revoked_on, None))
            continue
        for slug in difflib.get_close_matches(story, list(project.stories), n=5, cutoff=_CLOSE_TO_A_SLUG):
            found.setdefault(slug, []).append((record_id, revoked_on, story))
    return found


def _revoked_on(record_id: str, record, project: Project) -> dt.date | None:
    """When the record was revoked: the earlier of its `revoked_on` and the earliest revocation
    date ever committed to it (history.py), since a revocation, once made, is final."""
    days = [day for day in (record.revoked_on, project.committed_revocations.get(record_id, (None,))[0]) if day]
    return min(days, default=None)


NARROW_ONLY = "a record may narrow what its signed form allows, never widen it"


def widened(record_id: str, record, project: Project) -> tuple[str, str] | None:
    """(field, why) when `record` authorizes more than a committed version of a record naming the
    same signed form and story did (`history.read_history`'s terms), or None.

    The signed form is the authorization; the record transcribes it. Moved in place, an expiry
    published a story past the date the patient signed for; a channel or an identifier added
    published what they never allowed; a signature date moved later took the record out of reach
    of a revocation made after the real signature (rule 4), and moved earlier started it before
    the patient signed. Narrowing is always allowed; anything wider needs a newly signed form.

    A version of the form naming another story counts too where it is a version of this very
    record, or its story is no longer one of the project's (rt14): the story renamed (its slug, the
    record's `story` with it) or its record copied under a new id for the new slug, the terms
    widened in the same commit, was compared with nothing and published. A form covering two
    stories the project holds, each its own record, may allow each its own terms."""
    same = project.committed_terms.get(form_key(record.form_ref, record.story), [])
    renamed = [was for was in project.committed_terms.get(form_key(record.form_ref, ANY_STORY), ())
               if was.story != record.story and (was.record == record_id or was.story not in project.stories)]
    for was in [*same, *renamed]:
        where = f"a commit of consent/{was.record}.yml" if was.record != record_id else "an earlier commit of this file"
        if was.story != record.story:
            where += f" (naming the story '{was.story}')"
        # The form is named by its record, never by its reference: `form_ref` is a word no page may
        # show (`leaks.consent_secrets`), and check's output becomes CI's annotations (stop 48).
        form = "the signed form it names"
        if was.expires_on is not None and record.expires_on > was.expires_on:
            return "expires_on", (f"consent {record_id} expires on {record.expires_on}, but {where} recorded "
                                  f"{was.expires_on} for {form}")
        if was.signed_on is not None and record.signed_on != was.signed_on:
            return "signed_on", (f"consent {record_id} is dated {record.signed_on}, but {where} recorded "
                                 f"{was.signed_on} for {form}")
        # A full name allows the first name too: narrowing `full_name` to `first_name` in place
        # adds nothing (stop 48's red team: it was read as widened, and withheld the story).
        allowed_then = was.identifiers | ({"first_name"} if "full_name" in was.identifiers else set())
        for key, now, then in (("scope", record.scope, was.scope), ("identifiers", record.identifiers, allowed_then)):
            if added := sorted(set(now) - then):
                return key, (f"consent {record_id} allows {', '.join(added)} in {key}, which {where} did not "
                             f"for {form}")
    return None


def _consent_reasons(
    story: Entry[Story], project: Project, as_of: dt.date, today: dt.date, broken: set[str],
    revocations: Revocations, committed_on: dt.date | None = None,
) -> list[tuple[str, str]]:
    record_id = story.data.consent
    if not record_id:
        return [("consent-missing", "no consent record yet: the story names none")]
    record_entry = project.consents.get(record_id)
    if record_entry is None:
        if record_id in project.duplicates:
            return [("consent-invalid", f"consent {record_id} is held by more than one file; neither is used")]
        if f"consent/{record_id}.yml" in broken:
            return [("consent-invalid", f"consent {record_id} has errors (see consent/{record_id}.yml)")]
        return [("consent-not-found", f"no consent record {record_id} on file yet")]
    record = record_entry.data
    if record.story != story.id:
        return [("consent-other-story", f"consent {record_id} covers the story '{record.story}', not this one")]
    reasons = []
    if (wider := widened(record_id, record, project)) is not None:
        reasons.append(("consent-widened", f"{wider[1]}; {NARROW_ONLY}"))
    # Another file of consent/ names this story but cannot be read as a record: it may be the
    # revocation (below), so the story waits until the file is fixed.
    for path, words in project.unusable_consents.items():
        if words is None:
            reasons.append(("consent-invalid", f"{path} in consent/ cannot be read; it may hold a revocation of any story"))
        elif story.id in words:
            reasons.append(("consent-invalid", f"{path} names this story and has errors; it may hold a revocation"))
    if project.history_unreadable:
        reasons.append(("consent-history-unreadable",
                        "the git history of consent/ cannot be read; it may hold a revocation of this story"))
    # A build date may move forward, never back: an authorization that has ended by the
    # practice's today stays ended whatever --as-of says, and so does one that ended by the day
    # of the project's last commit, whatever this machine's clock says.
    ended_by = max(as_of, today, committed_on or today)
    # Nor may it start an authorization early: one dated after the practice's today has not
    # been signed yet, whatever later date --as-of names.
    signed_by = min(as_of, today)
    if record.signed_on > signed_by:
        reasons.append(("consent-not-yet-signed", f"consent {record_id} is dated {record.signed_on}, after {signed_by}"))
    if record.expires_on <= ended_by:
        reasons.append(("consent-expired", f"consent {record_id} expired on {record.expires_on}{_by_commit(record.expires_on, as_of, today, committed_on)}"))
    revoked_on = _revoked_on(record_id, record, project)
    if revoked_on is not None and revoked_on <= ended_by:
        undone = "" if revoked_on == record.revoked_on else (
            f" (in consent/{record_id}.yml's git history; its file no longer says so, and a revocation is final)")
        by_commit = _by_commit(revoked_on, as_of, today, committed_on)
        reasons.append(("consent-revoked", f"consent {record_id} was revoked on {revoked_on}{undone}{by_commit}"))
    # A revocation is the patient's latest word on the story: another record of this story
    # revoked on or after the day this one was signed ends this one too. An older record, or a
    # copy of the revoked one with another id and date, never outlives it; an authorization the
    # patient signs after the revocation does.
    for other_id, revoked_on, named in revocations.get(story.id, ()):
        if other_id != record_id and record.signed_on <= revoked_on <= ended_by:
            which = "for this story" if named is None else f"for '{named}', a slug close to this story's,"
            why = (f"consent {other_id} {which} was revoked on {revoked_on}, on or after the day "
                   f"consent {record_id} was signed ({record.signed_on}){_by_commit(revoked_on, as_of, today, committed_on)}")
            if named is not None:
                why += "; the story is withheld until that record names the story it revokes"
            reasons.append(("consent-revoked", why))
            break
    # A record of this story naming the signed form of a revoked record of it (a copy, `signed_on`
    # moved past the revocation: no new form was signed) is ended by that revocation too (rt11), once.
    # So is a record naming that form for a new slug, the story renamed (rt14: the record copied
    # under a new id for it, the revoked one kept or deleted, published the story): a revocation
    # for a story the project no longer holds ends every story its form is named for. A form
    # covering two stories the project holds still has each revoked on its own.
    this_story = [(other_id, day, None) for other_id, day, _ in revocations.get(form_key(record.form_ref, story.id), ())]
    renamed = [found for found in revocations.get(form_key(record.form_ref, ANY_STORY), ()) if found[2] not in project.stories]
    for other_id, revoked_on, named in [*this_story, *renamed]:
        if other_id != record_id and revoked_on <= ended_by and not any(code == "consent-revoked" for code, _ in reasons):
            gone = f" for the story '{named}', which is no longer one of the project's" if named is not None else ""
            why = (f"consent {record_id} names the signed form of consent {other_id}, revoked on "
                   f"{revoked_on}{_by_commit(revoked_on, as_of, today, committed_on)}{gone}; a new authorization needs a "
                   "newly signed form")
            reasons.append(("consent-revoked", why))
            break
    if "website" not in record.scope:
        scope = ", ".join(record.scope) or "nothing"
        reasons.append(("consent-scope", f"consent {record_id} covers {scope}, not the website"))
    if record.approved_fingerprint == legacy_fingerprint(story):
        reasons.append(
            (
                "consent-fingerprint",
                f"consent {record_id} was approved under the first fingerprint, which did not cover the "
                "material connection, the champion's name, bio and photo, or where the story is filed; "
                "show the patient the proof and record the fingerprint printed on it",
            )
        )
    elif record.approved_fingerprint != story_fingerprint(story, project):
        if record.approved_fingerprint == v2_fingerprint(story, project):
            why = (
                f"consent {record_id} was approved under contract v2's first fingerprint, which did "
                "not cover the names the page prints for the service line and topic, or the photo "
                "file itself (only its address); show the patient the proof again and record the "
                "fingerprint printed on it"
            )
        else:
            # The record keeps a digest, not the fields: what changed cannot be named here,
            # so the reason lists what the digest covers (shown.FIELDS) and where to see it.
            why = (
                f"the story's text, or what its page shows with it, changed since the patient approved it "
                f"under consent {record_id}: the title, summary, pull quote, body or disclosure, the "
                "champion's name, bio or photo, or the name of its service line or topic; the patient "
                f"must approve the new version (flywheel story proof {story.id} writes it, with what "
                "changed when git holds the approved text)"
            )
        reasons.append(("consent-fingerprint", why))
    return reasons


def _by_commit(day: dt.date, as_of: dt.date, today: dt.date, committed_on: dt.date | None) -> str:
    """Why a consent that ends after the build date and today has ended all the same."""
    if committed_on is None or day <= max(as_of, today):
        return ""
    return f" (the project's last commit is dated {committed_on}, though this machine's date is {today})"


# Letters that render as nothing or as space: a name joined with one of them reads as two.
_INVISIBLE_LETTERS = {"\u3164", "\u115f", "\u1160", "\uffa0", "\u2800"}


def is_first_name(name: str) -> bool:
    """One given name: after NFKC normalization, letters (and combining marks) only, one
    capital at most at the start of each case run, nothing invisible. 'Maria', 'Zoë', 'José'
    and 'Siobhán' are first names; 'Maria Lopez', 'Maria-Lopez', 'MariaLopez', 'Maria.L' and
    'Maria' joined to 'Lopez' by an invisible or blank letter are not."""
    text = unicodedata.normalize("NFKC", name).strip()
    if not text or len(text) > 40:
        return False
    for ch in text:
        if ch in _INVISIBLE_LETTERS or unicodedata.category(ch)[0] not in "LM":
            return False
    if unicodedata.category(text[0])[0] != "L":
        return False
    # 'MariaLopez': a capital after a lower-case letter starts a second name.
    return not any(a.islower() and b.isupper() for a, b in zip(text, text[1:], strict=False))


def champion_credit(name: str, identifiers: list[str]) -> str:
    """The credit a consent allows: the display name with first_name or full_name, else anonymous."""
    if "full_name" in identifiers or "first_name" in identifiers:
        return name
    return ANONYMOUS_CREDIT


def champion_named(story: Entry[Story], project: Project) -> str | None:
    """The champion's name as the story's consent lets it be credited, or None: the name the
    identifier scan allows besides the reviewers'."""
    record = project.consents.get(story.data.consent or "")
    champion = project.champions.get(story.data.champion)
    if record is None or record.data.story != story.id or champion is None:
        return None
    credit = champion_credit(champion.data.name, record.data.identifiers)
    return credit if credit != ANONYMOUS_CREDIT else None


def _gate_story(
    story: Entry[Story],
    project: Project,
    as_of: dt.date,
    today: dt.date,
    problems: list[Problem],
    broken: set[str],
    reviewers: frozenset[str],
    revocations: Revocations,
    committed_on: dt.date | None = None,
) -> Decision:
    reasons = [] if not story.data.draft else [("draft", "the story is a draft")]
    if story.id in project.placeholders:
        reasons.append(("placeholder", "it still holds a TODO placeholder"))
    if story.path in broken:
        reasons.append(("source-errors", f"{story.path} has errors"))
    reasons += _consent_reasons(story, project, as_of, today, broken, revocations, committed_on)
    record = project.consents.get(story.data.consent or "")
    record_ok = record is not None and record.data.story == story.id
    champion = project.champions.get(story.data.champion)
    credit, show_photo = ANONYMOUS_CREDIT, False
    if record_ok and champion is not None:
        identifiers = record.data.identifiers
        credit = champion_credit(champion.data.name, identifiers)
        show_photo = "photo" in identifiers and bool(champion.data.photo)
        if "first_name" in identifiers and "full_name" not in identifiers and not is_first_name(champion.data.name):
            problems.append(
                problem(
                    "name-exceeds-consent",
                    champion.path,
                    f"display name of '{champion.id}' is not a single first name, but consent "
                    f"{record.id} allows only a first name",
                    line=champion.line(champion.id, "name"),
                    field=f"{champion.id}.name",
                    hint="use the first name alone (letters only: no spaces, hyphens, dots or hidden "
                    "characters), or record a consent with full_name",
                )
            )
            reasons.append(("name-exceeds-consent", f"consent {record.id} allows only the champion's first name"))
    named = credit if credit != ANONYMOUS_CREDIT else None
    reasons += _identifier_reasons(story, project, record if record_ok else None, problems, named, reviewers)
    if record_ok and not reasons:
        days_left = (record.data.expires_on - as_of).days
        if days_left <= EXPIRY_WARNING_DAYS:
            problems.append(
                problem(
                    "consent-expiring",
                    record.path,
                    f"consent {record.id} for '{story.id}' expires on {record.data.expires_on}, in {days_left} day(s)",
                    line=record.line("expires_on"),
                    field="expires_on",
                    hint="renew the authorization with the patient before it expires",
                )
            )
        revoked_on = _revoked_on(record.id, record.data, project)
        if revoked_on is not None and revoked_on > as_of:
            # A patient revokes from the day they ask: a later date is a schedule, or a typo
            # (2027 for 2026) that would keep the story published for a year without a word.
            problems.append(
                problem(
                    "consent-revocation-ahead",
                    record.path,
                    f"consent {record.id} for '{story.id}' is revoked from {revoked_on}, in "
                    f"{(revoked_on - as_of).days} day(s): the story stays published until then",
                    line=record.line("revoked_on"),
                    field="revoked_on",
                    hint="if the patient revoked it already, set revoked_on to the day they did",
                )
            )
    return Decision(
        slug=story.id,
        kind="story",
        path=story.path,
        published=not reasons,
        reasons=tuple(reasons),
        consent=story.data.consent,
        expires_on=record.data.expires_on if record_ok else None,
        credit=credit if not reasons else None,
        show_photo=show_photo and not reasons,
    )


# Consent identifiers that accept every finding of a kind: the patient agreed to be placed by
# their town, or to show an age over 89.
_CONSENTED_KINDS = {"town": "town", "age": "age"}
_CREDENTIALS = re.compile(r"(?i)^(?:dr\.?|doctor|prof\.?)\s+|,.*$|\s+(?:md|do|rn|np|pa-c|phd)\.?$")


def reviewer_names(project: Project) -> frozenset[str]:
    """The practice's own medical reviewers as `reviewed_by` shows them (credentials removed):
    names in a story that are not the patient's identifiers. Computed once per gate."""
    names = {_CREDENTIALS.sub("", entry.data.reviewed_by).strip() for entry in project.guides.values()}
    return frozenset(name for name in names if name)


def allowed_names(reviewers: frozenset[str], champion_name: str | None) -> frozenset[str]:
    """Names that are not findings: the reviewers, and the champion's name where the consent
    allows it."""
    return reviewers | {champion_name} if champion_name else reviewers


def practice_towns(project: Project) -> frozenset[str]:
    """The towns the practice's own name and address name: a story names them without a place
    cue ("our Amarillo clinic") and that is no finding; after a cue it is one
    (`identifier_names.practice_towns`)."""
    from .identifier_names import practice_towns as towns_named

    practice = project.practice
    return towns_named(practice.data.name, practice.data.address) if practice is not None else frozenset()


def photo_shown(story: Entry[Story], project: Project) -> str | None:
    """The address of the champion's photo where the story's consent lets it be shown, or None."""
    record = project.consents.get(story.data.consent or "")
    champion = project.champions.get(story.data.champion)
    if record is None or record.data.story != story.id or champion is None:
        return None
    shown = "photo" in record.data.identifiers and champion.data.photo
    return champion.data.photo if shown else None


def scan_parts(story: Entry[Story], project: Project) -> list[tuple[str, int]]:
    """Every part of the story a reader sees, as they see it, with the file line it starts on.

    The typed body is scanned with entities decoded (exact lines), and the rendered body as a
    reader sees it (an identifier spelt with entities, escapes or emphasis inside it)."""
    data, doc = story.data, story.doc
    champion = project.champions.get(data.champion)
    at = doc.line_of
    shown, links = visible_parts(body_html(story, project))
    parts = [
        (plain_shown(data.title), at(("title",))),
        (plain_shown(data.summary), at(("summary",))),
        (plain_shown(data.pull_quote), at(("pull_quote",))),
        (plain_shown(data.material_connection), at(("material_connection",))),
        (plain_shown(doc.body), doc.body_line),
        (shown, doc.body_line),
    ]
    if champion is not None:
        parts.append((plain_shown(champion.data.bio), at(("champion",))))
    # Its address, and its champion's page's where the story credits the champion by name (the
    # page exists then): `/stories/<slug>/`, `/champions/<id>/`, read as words: the address bar,
    # the sitemap and every link show them (rt12). An id names a person, so it is read as a name
    # is written ("maria-lopez" as "Maria Lopez"). A date in either keeps its hyphens (rt13).
    parts.append((address_words(story.id), 1))
    if champion_named(story, project) is not None:
        parts.append((address_words(data.champion).title(), at(("champion",))))
    # The addresses of the files the page shows or links to, read as words too (rt13): the
    # photo's (`/media/maria-lopez.jpg` in the page, the sharing image and the served file's
    # address) and each link's in the body (`/media/lopez-family-letter.pdf`), at its line.
    if (photo := photo_shown(story, project)) is not None:
        parts.append((address_words(photo), at(("champion",))))
        # And what the photo's file says of itself (EXIF, XMP, text chunks): the consent covers
        # the picture, and a name or town written into it is published with it (rt13).
        parts += [(text, at(("champion",))) for text in photo_metadata(photo, project)]
    for link in dict.fromkeys(links):
        found = doc.body.find(link)
        line = doc.body_line + doc.body.count("\n", 0, found) if found >= 0 else doc.body_line
        parts.append((address_words(link), line))
        # And what a file on the site it links to says of itself (a picture's EXIF, XMP...);
        # an address ending in "/" is a page's, no file's.
        site_link = urllib.parse.urljoin(f"/stories/{story.id}/", link)
        if not urllib.parse.urlsplit(site_link).path.endswith("/"):
            parts += [(text, line) for text in photo_metadata(site_link, project)]
    return parts


def scan_key(story: Entry[Story], project: Project, names: frozenset[str]) -> tuple[str, str]:
    """The cache kind and text of a story's scan: everything `scan_parts` reads (the shown
    fields as validated, the typed body, the champion's bio, the file lines they start on) and
    the allowed names, as JSON. The findings are a pure function of these and of the code, so
    a warm check finds them without rendering the body's visible text again."""
    data, doc = story.data, story.doc
    champion = project.champions.get(data.champion)
    at = doc.line_of
    inputs = {
        "fields": [
            [data.title, at(("title",))],
            [data.summary, at(("summary",))],
            [data.pull_quote, at(("pull_quote",))],
            [data.material_connection, at(("material_connection",))],
            [doc.body, doc.body_line],
        ],
        "bio": [champion.data.bio, at(("champion",))] if champion is not None else None,
        "addresses": [story.id, data.champion if champion_named(story, project) is not None else None, at(("champion",))],
        # The photo's address where it is shown (the links are the body's, above) and the
        # digest of the file served for it (its metadata is scanned), both read since rt13: a
        # key without them is one of an older reading.
        "photo": (
            [photo, photo_digest(photo, project)] if (photo := photo_shown(story, project)) else None
        ),
        # The files on the site the body links to, by their bytes (their metadata is scanned).
        "linked": [[link, photo_digest(link, project)] for link in linked_addresses(story, project)],
        "allowed": sorted(names),
        # What the practice's towns are worked out from (`practice_towns`, a function of these
        # two texts and the code): a warm check then never loads the town lists to key a scan.
        "practice": [project.practice.data.name, project.practice.data.address] if project.practice is not None else None,
    }
    return f"findings-of:v{SCAN_KEY_VERSION}", json.dumps(inputs, ensure_ascii=False)


def _identifier_reasons(
    story: Entry[Story],
    project: Project,
    record,
    problems: list[Problem],
    champion_name: str | None,
    reviewers: frozenset[str],
) -> list[tuple[str, str]]:
    accepted = set(record.data.accepted_findings) if record is not None else set()
    consented = set(record.data.identifiers) if record is not None else set()
    accepted_kinds = {kind for key, kind in _CONSENTED_KINDS.items() if key in consented}
    reasons = []
    names = allowed_names(reviewers, champion_name)
    kind, text = scan_key(story, project, names)
    findings = project.cache.memo(
        kind, text, lambda: scan_story(scan_parts(story, project), names, practice_towns(project))
    )
    seen: set[str] = set()
    for finding in findings:
        if finding.id in accepted or finding.kind in accepted_kinds or finding.id in seen:
            continue
        seen.add(finding.id)
        where = f"consent/{record.id}.yml" if record is not None else "its consent record"
        problems.append(
            problem(
                "identifier-in-story",
                story.path,
                f"{finding.description} (finding {finding.id}); the story is withheld",
                line=finding.line,
                hint=f"remove it from the text, or, if the patient agreed to it, add '{finding.id}' "
                f"to accepted_findings in {where}",
            )
        )
        reasons.append(("identifier-found", f"line {finding.line}: {finding.description} (finding {finding.id})"))
    return reasons


def consent_gate(
    project: Project, as_of: dt.date, today: dt.date | None = None, committed_on: dt.date | None = None,
) -> Gate:
    """Decide, for every guide and story, whether it may be published on `as_of`.

    `today` is the practice's date (default: `as_of`); consent that ended by then stays ended.
    So does consent that ended by `committed_on`, the day of the project's last commit: a build
    machine whose clock lags behind the history it builds never reads a recorded revocation as
    one still to come. Signatures are still judged on the earlier date."""
    today = today or as_of
    gate = Gate(as_of=as_of)
    if committed_on is not None and committed_on > today:
        gate.problems.append(
            problem(
                "clock-behind",
                ".",
                f"this machine's date ({today}) is before the project's last commit ({committed_on}); "
                f"consent that ended by {committed_on} is treated as ended",
                hint="if this machine's clock is wrong, set it right (its time zone, NTP); if it is right, "
                "the last commit was dated ahead by its committer's clock",
            )
        )
    for record_id, (day, *_) in sorted(project.committed_revocations.items()):
        entry = project.consents.get(record_id)
        if entry is not None and (entry.data.revoked_on is None or entry.data.revoked_on > day):
            now = "no revocation" if entry.data.revoked_on is None else f"revoked_on {entry.data.revoked_on}"
            gate.problems.append(problem(
                "consent-revocation-undone", entry.path,
                f"consent {record_id} was revoked on {day} in a commit of this file, which now says {now}: "
                "a revocation is final, so the story stays withheld",
                line=entry.line("revoked_on"), field="revoked_on",
                hint=f"set revoked_on back to {day}; to publish the story again, record a new authorization "
                     "the patient signs, under a new id (flywheel consent record)"))
    for record_id, entry in sorted(project.consents.items()):
        if (wider := widened(record_id, entry.data, project)) is not None:
            key, why = wider
            gate.problems.append(problem(
                "consent-widened", entry.path, f"{why}: {NARROW_ONLY}, so its story stays withheld",
                line=entry.line(key), field=key,
                hint="put the committed value back; a wider authorization is a new form the patient signs, recorded "
                     "under a new id with its own form_ref (flywheel consent record)"))
    broken = {p.path for p in project.errors}
    for slug, guide in project.guides.items():
        reasons = [("draft", "the guide is a draft")] if guide.data.draft else []
        if slug in project.placeholders:
            reasons.append(("placeholder", "it still holds a TODO placeholder"))
        if slug in project.running_code:
            reasons.append(("guide-runs-code", "its text holds code (a script, an event handler or a javascript: address) or a style that moves text"))
        if guide.path in broken:
            reasons.append(("source-errors", f"{guide.path} has errors"))
        gate.decisions[slug] = Decision(slug, "guide", guide.path, not reasons, tuple(reasons))
    reviewers, revocations = reviewer_names(project), _revocations(project)
    for slug, story in project.stories.items():
        gate.decisions[slug] = _gate_story(
            story, project, as_of, today, gate.problems, broken, reviewers, revocations, committed_on
        )
    for slug, (kind, path) in project.invalid.items():
        gate.decisions[slug] = Decision(slug, kind, path, False, (("source-errors", f"{path} has errors"),))
    return gate
