"""What the consent gate decided, as data: light enough for a warm `flywheel check`, which
prints a report it kept without loading the gate itself (snapshot.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .errors import Problem

# rule -> the contract's wording, listed in the docs and in `--format json`.
RULES: dict[str, str] = {
    "draft": "drafts are never published",
    "placeholder": "a scaffold's TODO placeholder is still in it",
    "guide-runs-code": "the guide's text holds code, which could show what the checks keep off the site",
    "consent-missing": "rule 1: the story names no consent record",
    "consent-not-found": "rule 1: the named consent record does not exist",
    "consent-other-story": "rule 1: the consent record covers a different story",
    "consent-invalid": "rule 1: the consent record has errors",
    "consent-widened": (
        "rule 1: the consent record authorizes more than a committed version of it did under the same "
        "signed form (a later expiry, another channel or identifier, another signature date)"
    ),
    "consent-not-yet-signed": "rule 2: signed after the build date",
    "consent-expired": "rule 3: expired on or before the build date",
    "consent-revoked": "rule 4: revoked on or before the build date",
    "consent-history-unreadable": "rule 4: the git history of consent records, which may hold a revocation, cannot be read",
    "consent-scope": "rule 5: the scope does not include the website",
    "consent-fingerprint": (
        "rule 6: the story's text, or what its page shows with it (the champion's name, bio or photo, "
        "the service line's or topic's name), changed since the patient approved it"
    ),
    "name-exceeds-consent": "the champion's display name reveals more than the consent allows",
    "source-errors": "the story's own file has errors",
    "identifier-found": "the story text contains an identifier the consent does not accept",
}

@dataclass(frozen=True)
class Decision:
    """The gate's answer for one piece: published or withheld, and why."""

    slug: str
    kind: str  # "guide" or "story"
    path: str
    published: bool
    reasons: tuple[tuple[str, str], ...] = ()  # (rule, plain-words reason)
    consent: str | None = None
    expires_on: dt.date | None = None
    credit: str | None = None  # the champion credit the consent allows
    show_photo: bool = False

    @property
    def rule(self) -> str | None:
        return self.reasons[0][0] if self.reasons else None

    @property
    def reason(self) -> str:
        return "; ".join(text for _, text in self.reasons)


@dataclass
class Gate:
    as_of: dt.date
    decisions: dict[str, Decision] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def published(self, kind: str) -> list[str]:
        return sorted(s for s, d in self.decisions.items() if d.kind == kind and d.published)

    @property
    def withheld(self) -> list[Decision]:
        return sorted((d for d in self.decisions.values() if not d.published), key=lambda d: (d.kind, d.slug))

    def is_published(self, slug: str) -> bool:
        decision = self.decisions.get(slug)
        return decision is not None and decision.published
