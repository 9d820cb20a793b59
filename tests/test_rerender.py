"""The preview renders again only what a save changed, and gives exactly the full render.

After every kind of edit, `PreviewRenders.render` must equal `render_site` on the same check,
page for page (source, title, kind, next step, everything) and in the navigation and frame;
and a save that changes only the text of pieces must render only those pieces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import REPO

from generator.check import run_check
from generator.load import read_markdown, read_yaml_file, settled
from generator.render import render_site
from generator.rerender import PreviewRenders, layout_digest
from generator.schema import Champion

AS_OF = dt.date(2026, 11, 22)
OPTIONS = {"site_name": "Riverbend", "site_url": "http://127.0.0.1:8000/", "directory_urls": True,
               "campaign": True, "preview": True}
GUIDE = "content/guides/cardiology/chest-pain-when-to-worry.md"
OTHER_GUIDE = "content/guides/thyroid/thyroid-blood-tests.md"
STORY = "content/stories/spine/finding-answers.md"


def _append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{text}\n", encoding="utf-8")


def _replace(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_yaml(root: Path, rel: str, **changes) -> None:
    path = root / rel
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _same_as_a_full_render(renders: PreviewRenders, root: Path) -> int:
    """Render with the preview's memory and afresh; assert they agree; how many guides and
    stories the preview rendered."""
    result = run_check(root, AS_OF)
    assert result.ok, [p.format() for p in result.errors]
    ours, full = renders.render(result, **OPTIONS), render_site(result, **OPTIONS)
    assert ours.pages == full.pages
    assert ours.nav == full.nav and ours.frame == full.frame
    assert ours.third_parties == full.third_parties
    return renders.rendered


def test_a_text_edit_renders_only_its_page(sample):
    renders = PreviewRenders()
    everything = _same_as_a_full_render(renders, sample)
    assert everything > 20
    assert _same_as_a_full_render(renders, sample) == 0  # nothing changed: nothing rendered
    _append(sample, GUIDE, "A new paragraph the preview must show.")
    assert _same_as_a_full_render(renders, sample) == 1
    _append(sample, GUIDE, "!!! urgent \"Ask for a same-day appointment if:\"\n    - it came back")
    assert _same_as_a_full_render(renders, sample) == 1
    _append(sample, GUIDE, "Another.")
    _append(sample, OTHER_GUIDE, "And one more in another guide.")
    assert _same_as_a_full_render(renders, sample) == 2


def test_a_story_edit_that_changes_its_decision_renders_everything(sample):
    renders = PreviewRenders()
    everything = _same_as_a_full_render(renders, sample)
    # The story no longer matches what the patient approved: withheld, so every listing of it
    # changes (the preview shows it marked as withheld).
    _append(sample, STORY, "A sentence the patient has not approved.")
    assert _same_as_a_full_render(renders, sample) == everything
    _append(sample, STORY, "And another: still withheld for the same reason.")
    assert _same_as_a_full_render(renders, sample) == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: _replace(root, GUIDE, 'title: "Chest pain: when to worry"', 'title: "Chest pain: when to call"'),
        lambda root: _replace(root, GUIDE, "stage: decide", "stage: learn"),
        lambda root: _edit_yaml(root, "consent/C-2026-014.yml", revoked_on="2026-11-01"),
        lambda root: _edit_yaml(root, "practice.yml", phone="+1 555 0199"),
        lambda root: _edit_yaml(root, "content/champions.yml", **{
            "maria-l": {**yaml.safe_load((root / "content/champions.yml").read_text())["maria-l"],
                        "bio": "A different bio."}}),
        lambda root: _replace(root, "service_lines/cardiology.yml", "Book a cardiology visit", "Book a heart visit"),
    ],
    ids=["title", "stage", "revocation", "practice", "champion-bio", "service-line"],
)
def test_any_other_edit_renders_everything(sample, edit):
    renders = PreviewRenders()
    everything = _same_as_a_full_render(renders, sample)
    before = layout_digest(run_check(sample, AS_OF), OPTIONS)
    edit(sample)
    assert layout_digest(run_check(sample, AS_OF), OPTIONS) != before
    assert _same_as_a_full_render(renders, sample) == everything


def test_other_options_render_everything(sample):
    renders = PreviewRenders()
    result = run_check(sample, AS_OF)
    renders.render(result, **OPTIONS)
    for changed in ({"preview": False}, {"campaign": False}, {"directory_urls": False}, {"site_url": None}):
        options = {**OPTIONS, **changed}
        full = render_site(result, **options)
        assert renders.render(result, **options).pages == full.pages
        assert renders.rendered == sum(p.kind in ("guide", "story") for p in full.pages) > 20


def test_after_the_problems_page_everything_is_rendered(sample):
    renders = PreviewRenders()
    everything = _same_as_a_full_render(renders, sample)
    renders.forget()
    assert _same_as_a_full_render(renders, sample) == everything


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: _replace(root, GUIDE, 'title: "Chest pain: when to worry"', 'title: "Chest pain: when to call"'),
        lambda root: _replace(root, "service_lines/cardiology.yml", "name: Cardiology", "name: Heart care"),
        lambda root: _replace(root, "service_lines/cardiology.yml", "Book a cardiology visit", "Book a heart visit"),
        lambda root: _edit_yaml(root, "practice.yml", name="Riverbend Health"),
        lambda root: _replace(root, "content/champions.yml", "name: Daniel Okafor", "name: Daniel O."),
        lambda root: _edit_yaml(root, "consent/C-2026-014.yml", revoked_on="2026-11-01"),
        lambda root: _replace(root, "campaigns/winter-heart-checks.yml", "name: Winter heart checks", "name: Heart checks"),
    ],
    ids=["guide-title", "service-line-name", "care-step", "practice", "champion-name", "consent", "campaign"],
)
def test_the_digest_covers_every_file_the_render_reads(sample, edit):
    """The digest hashes each document's source text, not its parsed data (rerender.py): an
    edit of any file the layout comes from must change it, by that file alone: also with the
    gate's decisions from before the edit (a champion's name is in the consent's fingerprint,
    so the edit withholds the champion's stories too)."""
    shutil.copytree(REPO / "campaigns", sample / "campaigns")
    before = run_check(sample, AS_OF, use_cache=True)
    digest = layout_digest(before, OPTIONS)
    edit(sample)
    after = run_check(sample, AS_OF, use_cache=True)
    assert layout_digest(after, OPTIONS) != digest
    assert layout_digest(dataclasses.replace(after, gate=before.gate), OPTIONS) != digest


def test_the_digest_covers_the_gate_and_the_day(sample):
    """What is not in any file: the gate's decisions, its dates, today."""
    result = run_check(sample, AS_OF)
    digest = layout_digest(result, OPTIONS)
    assert layout_digest(run_check(sample, AS_OF), OPTIONS) == digest  # the same check, the same digest
    decisions = result.gate.decisions
    slug, decision = next((s, d) for s, d in decisions.items() if d.kind == "story" and d.published)
    for changed in (dataclasses.replace(decision, published=False, reasons=(("revoked", "revoked"),)),
                    dataclasses.replace(decision, credit=None), dataclasses.replace(decision, show_photo=not decision.show_photo)):
        result.gate.decisions = {**decisions, slug: changed}
        assert layout_digest(result, OPTIONS) != digest
    result.gate.decisions = decisions
    assert layout_digest(result, OPTIONS) == digest
    assert layout_digest(dataclasses.replace(result, today=AS_OF + dt.timedelta(days=1)), OPTIONS) != digest
    result.gate.as_of = AS_OF + dt.timedelta(days=30)
    assert layout_digest(result, OPTIONS) != digest


def _entries_of(project) -> list:
    entries = [project.practice] if project.practice is not None else []
    for kind in (project.service_lines, project.champions, project.consents, project.guides, project.stories,
                 project.campaigns):
        entries += kind.values()
    return entries


def test_entries_are_their_documents(sample):
    """What lets the digest hash a document's source instead of its data: after a check and a
    render, every document's data and lines are still what its file's text parses to (nothing
    changed them), every entry's data is its model validating that data (a champion's: the
    part under its id), and every piece's raw frontmatter is its document's."""
    shutil.copytree(REPO / "campaigns", sample / "campaigns")
    result = run_check(sample, AS_OF, use_cache=True)
    render_site(result, **OPTIONS)
    PreviewRenders().render(result, **OPTIONS)
    project = result.project
    entries = _entries_of(project)
    assert {type(e.data).__name__ for e in entries} >= {"Practice", "ServiceLine", "Champion", "ConsentRecord",
                                                           "Guide", "Story", "Campaign"}
    for entry in entries:
        doc = entry.doc
        assert doc.source is not None, doc.path
        read = read_markdown if doc.path.endswith(".md") else read_yaml_file
        fresh = read(sample / doc.path, sample)
        assert (fresh.source, fresh.body_line, fresh.first_line) == (doc.source, doc.body_line, doc.first_line)
        assert fresh.data == doc.data and dict(settled(fresh.lines)) == dict(settled(doc.lines)), doc.path
        data = doc.data[entry.id] if type(entry.data) is Champion else doc.data
        assert entry.data == type(entry.data).model_validate(data), doc.path
    for slug, (_, doc, data) in project.raw.items():
        assert data is doc.data and doc.source is not None, slug
