"""The web editor in a real headless Chromium, against `flywheel serve`, which is also its local
backend (generator/local_backend.py: Decap's local-backend API at /api/v1), on a temporary copy
of the sample project.

An editor creates a guide and edits a story through the UI; the files appear in the copy, and
`flywheel check` accepts them (the edited story is withheld until its patient re-approves it).
A guide missing a required field cannot be saved; the editor reaches nothing but the preview.
FLYWHEEL_SKIP_BROWSER=1 switches this off.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, copy_sample
from test_browser import CHROMIUM, CHROMIUM_ARGS

from generator.cli import main

DECAP = REPO / "node_modules/decap-cms/dist/decap-cms.js"
AS_OF = "2026-11-22"

if os.environ.get("FLYWHEEL_SKIP_BROWSER") == "1":
    pytest.skip("FLYWHEEL_SKIP_BROWSER=1: browser tests switched off on purpose", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """(admin URL, project root) with flywheel serve running on the copy."""
    missing = [str(p) for p in (Path(CHROMIUM), DECAP) if not p.exists()]
    if missing:
        pytest.fail(f"the web editor test needs {', '.join(missing)}: run `make test` (npm ci, chromium)")
    root = copy_sample(tmp_path_factory.mktemp("cms"))
    for part in ("practice.yml", "admin"):
        (shutil.copytree if (REPO / part).is_dir() else shutil.copyfile)(REPO / part, root / part)
    (root / "node_modules").symlink_to(REPO / "node_modules")
    web = free_port()
    logs = root.parent
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(web),
                               "--as-of", AS_OF], cwd=REPO, stdout=open(logs / "serve.log", "w"), stderr=subprocess.STDOUT)
    try:
        wait_for(web, server, 120)
        yield f"http://127.0.0.1:{web}/admin/", root
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, editor):
    admin, _ = editor
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    hosts = set()
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(admin)
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Guides: Cardiology").first.wait_for()
    yield page
    context.close()
    assert hosts == {admin.split("/")[2]}, hosts  # the preview is the editor's backend too


def field(page, name: str):
    return page.locator(f"[id^='{name}-field-']").first


def choose(page, name: str, option: str) -> None:
    control = field(page, name)
    control.fill(option)
    page.keyboard.press("Enter")


def publish(page) -> None:
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()


def check(root: Path, capsys) -> dict:
    capsys.readouterr()
    main(["check", "--root", str(root), "--as-of", AS_OF, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def fill_guide(page, **skip: bool) -> None:
    values = {"title": "Heart palpitations: what they mean", "summary": "When a racing or fluttering heart is harmless and when to call.",
              "reviewed_by": "A. Example, MD"}
    for name, value in values.items():
        if not skip.get(name):
            field(page, name).fill(value)
    choose(page, "topic", "chest-pain")
    choose(page, "stage", "learn")
    field(page, "reviewed_on").fill("2026-11-20")
    body = page.locator("label[for^='body-field-']").locator("xpath=../..").get_by_role("textbox")
    body.click()
    page.keyboard.type("Most palpitations are harmless.\n\n- They can follow coffee\n- Or stress\n")


def test_a_guide_missing_a_required_field_cannot_be_saved(page, editor, capsys):
    admin, root = editor
    page.goto(admin + "#/collections/guides-cardiology/new")
    field(page, "title").wait_for()
    fill_guide(page, reviewed_by=True)
    before = sorted((root / "content").rglob("*.md"))
    publish(page)
    page.get_by_text("missed a required field").wait_for()
    time.sleep(1)
    assert sorted((root / "content").rglob("*.md")) == before


def test_an_editor_creates_a_guide_that_flywheel_check_accepts(page, editor, capsys):
    admin, root = editor
    page.goto(admin + "#/collections/guides-cardiology/new")
    field(page, "title").wait_for()
    fill_guide(page)
    publish(page)
    path = root / "content/guides/cardiology/heart-palpitations-what-they-mean.md"
    deadline = time.monotonic() + 20
    text = ""
    while "reviewed_by" not in text and time.monotonic() < deadline:
        time.sleep(0.3)
        text = path.read_text() if path.exists() else ""
    assert path.exists(), sorted(p.name for p in path.parent.iterdir())
    assert "service_line: cardiology" in text and "reviewed_by: A. Example, MD" in text
    result = check(root, capsys)
    assert [p for p in result["problems"] if p["severity"] == "error"] == []
    assert "heart-palpitations-what-they-mean" in result["published"]["guides"]


def test_editing_a_story_withholds_it_until_the_patient_approves_again(page, editor, capsys):
    admin, root = editor
    path = root / "content/stories/spine/finding-answers.md"
    assert "finding-answers" in check(root, capsys)["published"]["stories"]
    page.goto(admin + "#/collections/stories-spine/entries/finding-answers")
    pull_quote = field(page, "pull_quote")
    pull_quote.wait_for()
    pull_quote.fill("I finally felt heard, and believed.")
    publish(page)
    deadline = time.monotonic() + 20
    while "and believed" not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert "I finally felt heard, and believed." in path.read_text()
    result = check(root, capsys)
    assert result["ok"], result["problems"]
    assert "finding-answers" not in result["published"]["stories"]
    withheld = {d["slug"]: d for d in result["withheld"]}
    assert withheld["finding-answers"]["rule"] == "consent-fingerprint"


def test_nothing_in_the_editor_opens_consent(page, editor):
    admin, root = editor
    collections = page.evaluate("() => [...document.querySelectorAll('a[href*=\"#/collections/\"]')].map(a => a.getAttribute('href'))")
    assert collections and not [c for c in collections if "consent" in c.lower()]
    page.goto(admin + "#/collections/consent")
    page.wait_for_timeout(1000)
    assert "C-2026-014" not in page.inner_text("body")
