"""`flywheel story proof STORY`: the story exactly as it will be published, for the patient.

The proof is a standalone HTML file with the story's fingerprint at the bottom; compliance
attaches it to the signed authorization and records the same fingerprint. Proofs hold
unpublished text: they are written to `proofs/` (git-ignored), never into `site/`.
"""

from __future__ import annotations

from pathlib import Path

from .errors import FlywheelError
from .paths import refuse_published
from .gate import ANONYMOUS_CREDIT, champion_credit
from .shown import shown_fields, story_fingerprint
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
        fingerprint=story_fingerprint(story, project),
        site_name=site_name,
    )


def write_proof(project: Project, story: Entry[Story], site_name: str, out: Path | None = None) -> Path:
    if story.data.service_line not in project.service_lines:
        raise FlywheelError(f"{story.path}: fix the story's service_line before making a proof")
    path = out or project.root / PROOFS_DIR / f"{story.id}.html"
    refuse_published(path, project.root, "proof (it holds unpublished text)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(proof_html(project, story, site_name), encoding="utf-8")
    return path
