"""Preview: withheld pieces shown with a banner and noindex, and never in a built site."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time

from helpers import copy_sample, fetch, free_port, site_texts

from generator.check import run_check
from generator.cli import main
from generator.render import render_site

AS_OF = dt.date(2026, 11, 22)


def test_preview_render_marks_withheld_pieces(tmp_path):
    root = copy_sample(tmp_path)
    site = render_site(run_check(root, AS_OF), site_name="R", preview=True)
    revoked = site.page("a-racing-heart", "story")
    assert revoked is not None and not revoked.published
    assert "Preview only: not published.</strong> consent C-2026-017 was revoked on 2026-11-10" in revoked.markdown
    assert "robots: noindex, nofollow" in revoked.markdown
    assert "Shared by a patient champion" in revoked.markdown  # no name without a valid consent
    draft = site.page("cardiac-rehab-what-to-expect", "guide")
    assert draft is not None and "the guide is a draft" in draft.markdown
    production = render_site(run_check(root, AS_OF), site_name="R")
    assert production.page("a-racing-heart") is None
    assert all("Preview only" not in p.markdown and "noindex" not in p.markdown for p in production.pages)


def test_preview_can_never_be_built(tmp_path, monkeypatch, capsys):
    root = copy_sample(tmp_path)
    monkeypatch.setenv("FLYWHEEL_PREVIEW", "1")
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 1
    assert "preview is only for" in capsys.readouterr().err
    assert not (root / "site").exists()
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("campaign_params: true", "campaign_params: true\n      preview: true"))
    monkeypatch.delenv("FLYWHEEL_PREVIEW")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True, text=True,
                          env={**os.environ, "FLYWHEEL_AS_OF": AS_OF.isoformat()})
    assert proc.returncode == 1 and "preview is only for" in proc.stderr
    assert not (root / "site").exists() or not any("Preview only" in t for t in site_texts(root / "site").values())






def test_serve_previews_withheld_story_and_reloads_after_an_edit(tmp_path):
    root = copy_sample(tmp_path)
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port), "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        page = fetch(f"{base}/stories/a-racing-heart/", time.monotonic() + 60)
        assert "Preview only: not published." in page and '<meta name="robots" content="noindex, nofollow">' in page
        story = root / "content/stories/spine/finding-answers.md"
        story.write_text(story.read_text().replace("I am running again now", "I am swimming again now"))
        deadline = time.monotonic() + 30
        while "swimming again" not in fetch(f"{base}/stories/finding-answers/", deadline):
            assert time.monotonic() < deadline, "the preview never showed the edit"
            time.sleep(0.3)
        edited = fetch(f"{base}/stories/finding-answers/", deadline)
        assert "the story&#39;s text changed since the patient approved it" in edited or "text changed since" in edited
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (root / "site").exists()
