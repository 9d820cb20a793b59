"""Screenshots of the web editor for docs/writing-guide.md, taken with headless Chromium.

Run `make cms-screenshots` (not part of the test suite; its name does not start with test_): it starts flywheel serve (the editor's backend too) on a temporary copy of
the sample project (never this working tree) and writes docs/screenshots/cms-*.png.
"""

from __future__ import annotations

from pathlib import Path

from test_cms_browser import browser, editor, page  # noqa: F401  (the fixtures)

OUT = Path(__file__).resolve().parent.parent / "docs/screenshots"


def test_cms_screenshots(page, editor):
    admin, _ = editor
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(admin + "#/collections/guides-cardiology")
    page.get_by_text("Chest pain: when to worry").first.wait_for()
    page.screenshot(path=OUT / "cms-collections.png")
    page.goto(admin + "#/collections/guides-cardiology/new")
    page.locator("[id^='title-field-']").first.fill("Heart palpitations: what they mean")
    page.locator("[id^='topic-field-']").first.click()
    page.wait_for_timeout(300)
    page.screenshot(path=OUT / "cms-new-guide.png")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    page.get_by_text("missed a required field").wait_for()
    page.screenshot(path=OUT / "cms-required-field.png")

