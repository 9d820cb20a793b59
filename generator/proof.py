"""`flywheel story proof STORY`: the story exactly as it will be published, for the patient.

The proof is a standalone HTML file, readable on a phone and printable, with the story's
fingerprint at the bottom; compliance attaches it to the signed authorization and records the
same fingerprint. When the champion approved an earlier version, the proof first shows what
changed since, word by word, against the approved text found in git (generator/approved.py). Proofs hold
unpublished text: they are written to `proofs/` (git-ignored), never into `site/`.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from .approved import approved_version, changes
from .errors import FlywheelError
from .paths import refuse_published
from .gate import ANONYMOUS_CREDIT, champion_credit
from .load import read_bytes
from .shown import bytes_digest, photo_bytes, shown_fields, story_fingerprint
from .project import Entry, Project
from .render import template_environment
from .schema import Story

PROOFS_DIR = "proofs"


def proof_html(project: Project, story: Entry[Story], site_name: str) -> str:
    data = story.data
    champion = project.champions.get(data.champion)
    record = project.consents.get(data.consent or "")
    if record is not None and record.data.story == story.id and champion is not None:
        credit = champion_credit(champion.data.name, record.data.identifiers)
        note = f"as '{credit}', as consent {record.id} allows."
    else:
        credit = ANONYMOUS_CREDIT
        name = champion.data.name if champion is not None else "your name"
        note = (
            f"as '{ANONYMOUS_CREDIT}' unless your authorization lists your first or full name, "
            f"in which case as '{name}'."
        )
    fields = shown_fields(story, project)
    line = project.service_lines[data.service_line].data
    topic = line.topics.get(data.topic or "")
    return template_environment().get_template("proof.html.j2").render(
        comparison=comparison(project, story),
        story=data,
        slug=story.id,
        line=line,
        topic_title=topic.title if topic else "",
        credit=credit,
        credit_note=note,
        body_html=fields["body"],
        champion_name=fields["champion_name"],
        champion_bio=fields["champion_bio"],
        champion_photo=fields["champion_photo"],
        photo_file=fields["champion_photo_file"],
        photo_src=_photo_src(project, fields),
        fingerprint=story_fingerprint(story, project),
        site_name=site_name,
    )


def _photo_src(project: Project, fields: dict[str, str]) -> str | None:
    """The champion photo as a `data:` address, so the patient sees the very picture the
    fingerprint covers (the proof is one file, read away from the site); None when there is
    no image file, or it changed while the proof was made."""
    photo = fields["champion_photo"]
    data = photo_bytes(photo, project) if photo else None
    kind = mimetypes.guess_type(photo.split("?")[0].split("#")[0])[0] or ""
    if data is None or not kind.startswith("image/") or bytes_digest(data) != fields["champion_photo_file"]:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def comparison(project: Project, story: Entry[Story]) -> dict:
    """What changed since the champion last approved: `state` is first | unchanged | changed |
    unknown, with the changes word by word when the approved text was found."""
    record = project.consents.get(story.data.consent or "")
    if record is None or record.data.story != story.id:
        return {"state": "first"}
    facts = {"record": record.id, "signed_on": record.data.signed_on}
    if story_fingerprint(story, project) == record.data.approved_fingerprint:
        return {"state": "unchanged", **facts}
    approved = approved_version(project, story, record)
    if approved is None:
        return {"state": "unknown", **facts}
    return {"state": "changed", "changes": changes(approved.story, story), "commit": approved.commit[:12], **facts}


def write_proof(project: Project, story: Entry[Story], site_name: str, out: Path | None = None) -> Path:
    if story.data.service_line not in project.service_lines:
        raise FlywheelError(f"{story.path}: fix the story's service_line before making a proof")
    path = out or project.root / PROOFS_DIR / f"{story.id}.html"
    refuse_published(path, project.root, "proof (it holds unpublished text)")
    if path.is_dir() or (path.exists() and not _is_proof(path)):
        raise FlywheelError(
            f"refusing to write the proof into {path}: it is a folder or a file that is not a proof; "
            "name a new file (a proof replaces only an earlier proof)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(proof_html(project, story, site_name), encoding="utf-8")
    except OSError as exc:
        raise FlywheelError(f"cannot write the proof to {path}: {exc.strerror or exc}") from None
    return path


def _is_proof(path: Path) -> bool:
    """Whether `path` holds a proof this command wrote (its head is the template's)."""
    try:
        head = read_bytes(path, 400)[:400]  # a named pipe is refused, not waited on
    except OSError:
        return False
    return head.startswith(b"<!doctype html>") and b"<title>Proof: " in head
