"""Scan story text for identifiers of the kinds HIPAA's Safe Harbor rule lists
(45 CFR 164.514(b)(2)) that a patient story might contain.

A finding withholds the story until the text changes or the consent record accepts it by
its id. Findings are reported by kind, line and id, never by the text they matched.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_STREET_TYPES = (
    r"(?i:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|place|pl|"
    r"terrace|ter|circle|cir|highway|hwy|parkway|pkwy)\.?"
)

# kind -> (what a compliance officer reads, pattern). Order matters only for reporting.
PATTERNS: dict[str, tuple[str, re.Pattern[str]]] = {
    "email": ("an email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    "url": (
        "a web address",
        re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]]+|\b[\w-]+\.(?:com|net|org|me|info|blog|io)/[^\s]*"),
    ),
    "ssn": ("a social security number", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    "phone": (
        "a phone or fax number",
        re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}\b|(?<![\w-])\d{3}[.-]\d{4}\b"),
    ),
    "date": (
        "a full date",
        re.compile(
            rf"(?i)\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
            rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+\d{{4}}\b"
            r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
            r"|\b(?:19|20)\d{2}-\d{2}-\d{2}\b"
        ),
    ),
    "record-number": (
        "a record or account number",
        re.compile(
            r"(?i)\b(?:mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?|#)|account(?: number| no\.?| #)?|"
            r"patient id|member id|policy(?: number| no\.?| #)?|chart(?: number| no\.?| #))\s*[:#]?\s*[A-Z0-9-]*\d[A-Z0-9-]*"
        ),
    ),
    "street-address": (
        "a street address",
        re.compile(rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){{1,4}}{_STREET_TYPES}(?=[\s,.;:!?)]|$)"),
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    line: int  # line in the story's file
    id: str  # "<kind>:<8 hex>", stable while the matched text is unchanged

    @property
    def description(self) -> str:
        return PATTERNS[self.kind][0]


def finding_id(kind: str, text: str) -> str:
    digest = hashlib.sha256(f"{kind}\n{text.strip().lower()}".encode()).hexdigest()[:8]
    return f"{kind}:{digest}"


def scan(text: str, first_line: int = 1) -> list[Finding]:
    """Every identifier-like match in `text`, with the file line it starts on."""
    findings: dict[tuple[str, int, str], Finding] = {}
    taken: list[tuple[int, int]] = []
    for kind, (_, pattern) in PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue  # already reported as a more specific kind (an email's domain is not a URL)
            taken.append((start, end))
            line = first_line + text.count("\n", 0, start)
            found = Finding(kind, line, finding_id(kind, match.group()))
            findings.setdefault((kind, line, found.id), found)
    return sorted(findings.values(), key=lambda f: (f.line, f.kind))


def scan_story(parts: list[tuple[str, int]], allowed_names: Iterable[str] = ()) -> list[Finding]:
    """Findings in every shown part of a story: `parts` is (visible plain text, file line it
    starts on). `allowed_names` are names that are not findings (not used by these patterns)."""
    found = []
    for text, first_line in parts:
        found += scan(text, first_line)
    return sorted(found, key=lambda f: (f.line, f.kind, f.id))


def findings_key(parts: list[tuple[str, int]], allowed_names: Iterable[str] = ()) -> tuple[str, str]:
    """The cache kind and text of a story's scan, encoded so that no two inputs share a key."""
    return "findings", json.dumps([[list(p) for p in parts], sorted(allowed_names)], ensure_ascii=False)
