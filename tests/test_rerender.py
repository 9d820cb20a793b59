"""The preview renders again only what a save changed, and gives exactly the full render.

After every kind of edit, `PreviewRenders.render` must equal `render_site` on the same check,
page for page (source, title, kind, next step, everything) and in the navigation and frame;
and a save that changes only the text of pieces must render only those pieces.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from generator.check import run_check
from generator.render import render_site
from generator.rerender import PreviewRenders, layout_digest

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
