"""Preview: withheld pieces shown with a banner and noindex, and never in a built site."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time

import pytest
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
    temp = tmp_path / "tmp"  # where MkDocs keeps the preview's built pages, withheld ones included
    temp.mkdir()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(temp)}
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port), "--as-of", AS_OF.isoformat()],
            stdout=subprocess.DEVNULL, stderr=err, env=env,
        )
    base = f"http://127.0.0.1:{port}"

    def shows(path: str, text: str) -> str:
        deadline = time.monotonic() + 30
        while text not in (page := fetch(f"{base}{path}", deadline)):
            assert time.monotonic() < deadline, f"the preview never showed {text!r} on {path}"
            time.sleep(0.3)
        return page

    try:
        page = fetch(f"{base}/stories/a-racing-heart/", time.monotonic() + 60)
        assert "Preview only: not published." in page and '<meta name="robots" content="noindex, nofollow">' in page
        story = root / "content/stories/spine/finding-answers.md"
        story.write_text(story.read_text().replace("I am running again now", "I am swimming again now"))
        edited = shows("/stories/finding-answers/", "swimming again")
        assert "changed since the patient approved it" in edited
        # A text edit: only that page is rendered again (rerender.py), and it shows.
        guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
        guide.write_text(guide.read_text() + "\nA sentence added while the preview runs.\n")
        shows("/cardiology/chest-pain/chest-pain-when-to-worry/", "A sentence added while the preview runs.")
        # A title edit reaches every page that lists the guide.
        guide.write_text(guide.read_text().replace('title: "Chest pain: when to worry"', 'title: "Chest pain: when to call"'))
        shows("/cardiology/chest-pain/", "Chest pain: when to call")  # the topic's pillar
        shows("/cardiology/chest-pain/stress-test-explained/", "Chest pain: when to call")
        # A page no longer generated leaves the preview (a dirty rebuild alone would keep it).
        guide.unlink()
        deadline = time.monotonic() + 30
        while any(temp.glob("mkdocs_*/cardiology/chest-pain/chest-pain-when-to-worry/index.html")):
            assert time.monotonic() < deadline, "the deleted guide's page stayed in the preview"
            time.sleep(0.3)
        assert any(temp.glob("mkdocs_*/cardiology/chest-pain/stress-test-explained/index.html"))
        # With nothing saved, nothing is rebuilt: a rebuild reads every content file, and a
        # watcher that took a read for a change would rebuild forever.
        time.sleep(3)
        rebuilds = log.read_text().count("Detected file changes")
        time.sleep(3)
        assert log.read_text().count("Detected file changes") == rebuilds
        assert any(temp.glob("mkdocs_*/stories/a-racing-heart/index.html"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (root / "site").exists()
    assert "the preview hears saves as they happen" in log.read_text()  # watcher.py: no polling
    # Stopped by a signal (a process manager, `docker stop`), the preview takes its pages with it.
    assert server.returncode == 0 and list(temp.iterdir()) == []


@contextlib.contextmanager
def _published_preview_with_a_pdf(tmp_path):
    """`serve --published-only` of the sample with a PDF named for finding-answers (published
    under consent C-2026-014) in docs_dir: yields the project and the preview's address."""
    root = copy_sample(tmp_path)
    (root / "theme/pages/downloads").mkdir()
    (root / "theme/pages/downloads/finding-answers.pdf").write_bytes(b"%PDF-1.4\n\x00 a fictional printable story")
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--published-only", "--root", str(root), "--port", str(port),
         "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    try:
        yield root, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _revoke_while_served(root, tmp_path, story: str) -> None:
    """Revoke consent C-2026-014 (the story's) while the preview runs, and wait until the
    story's page has left it."""
    consent = root / "consent/C-2026-014.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", f"revoked_on: {AS_OF.isoformat()}"))
    deadline = time.monotonic() + 30
    while any(tmp_path.glob(f"mkdocs_*/stories/{story}/index.html")):
        assert time.monotonic() < deadline, "the revoked story's page stayed on the preview"
        time.sleep(0.3)


def test_a_published_only_preview_drops_the_static_files_of_a_story_revoked_while_it_runs(tmp_path):
    """`serve --published-only` may listen beyond this computer and shows what a build publishes.
    Its rebuilds are dirty, and a dirty rebuild never deletes a file it copied before: a PDF named
    for a story stayed on the preview after the story's consent was revoked."""
    story = "finding-answers"  # published under consent C-2026-014
    with _published_preview_with_a_pdf(tmp_path) as (root, base):
        assert "%PDF" in fetch(f"{base}/downloads/{story}.pdf", time.monotonic() + 60)
        _revoke_while_served(root, tmp_path, story)
        assert not any(tmp_path.glob(f"mkdocs_*/downloads/{story}.pdf"))


def test_a_published_only_preview_drops_a_revoked_story_a_guide_still_quotes(tmp_path):
    """red team rt6: a guide quoting a story while its consent covered it, then the consent
    revoked while `serve --published-only` runs: the guide's page check stopped the rebuild,
    and a preview's rebuild is dirty, so every page of the last good one stayed served, the
    revoked story's own page and the search index with its text among them, for as long as the
    guide quoted it. A rebuild that fails takes off what today's gate withholds, as a failed
    build takes it off site/."""
    story = "finding-answers"  # published under consent C-2026-014
    with _published_preview_with_a_pdf(tmp_path) as (root, base):
        guide = root / "content/guides/thyroid/thyroid-ultrasound.md"
        guide.write_text(guide.read_text() + "\nRead *Finding answers after a year of headaches*.\n")
        assert f"stories/{story}/" in fetch(f"{base}/search/search_index.json", time.monotonic() + 60)
        assert "year of headaches" in fetch(f"{base}/thyroid/thyroid-nodules/thyroid-ultrasound/", time.monotonic() + 10)
        _revoke_while_served(root, tmp_path, story)
        assert not any("a year of headaches" in path.read_text() for path in tmp_path.glob("mkdocs_*/search/*.json"))
        time.sleep(2)
        shown = [p for p in tmp_path.glob("mkdocs_*/**/*.html") if "year of headaches" in p.read_text()]
        assert shown == []


def test_a_published_only_preview_showing_problems_drops_what_a_revocation_withholds(tmp_path):
    """Red team rt4: a revocation that lands with a content error (the same commit, or a record
    being edited) turns the preview into the problems page, and that rebuild kept a PDF named
    for the story and the last search index, the story's text in it, on the server."""
    story = "finding-answers"  # published under consent C-2026-014
    with _published_preview_with_a_pdf(tmp_path) as (root, base):
        assert f"stories/{story}/" in fetch(f"{base}/search/search_index.json", time.monotonic() + 60)
        assert "%PDF" in fetch(f"{base}/downloads/{story}.pdf", time.monotonic() + 10)
        assert any(tmp_path.glob(f"mkdocs_*/downloads/{story}.pdf"))
        consent = root / "consent/C-2026-014.yml"
        consent.write_text(consent.read_text().replace("revoked_on: null", f"revoked_on: {AS_OF.isoformat()}"))
        guide = root / "content/guides/thyroid/thyroid-ultrasound.md"
        guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
        deadline = time.monotonic() + 30
        while any(tmp_path.glob(f"mkdocs_*/downloads/{story}.pdf")):
            assert time.monotonic() < deadline, "the revocation never reached the preview's static files"
            time.sleep(0.3)
        time.sleep(1)
        assert not any(tmp_path.glob(f"mkdocs_*/stories/{story}/index.html"))
        assert not any("a year of headaches" in path.read_text() for path in tmp_path.glob("mkdocs_*/search/*.json"))


def test_the_preview_shows_on_the_page_why_it_could_not_be_built(tmp_path):
    """A guide including a snippet that is not there: the build writes the notice (and fails);
    the preview shows the editor the error on the page, where they are looking, and the
    rest of the site as usual."""
    root = copy_sample(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - admonition\n", f"  - admonition\n  - pymdownx.snippets:\n      check_paths: true\n      base_path: [{root}/theme/pages]\n", 1))
    guide = root / "content/guides/thyroid/fine-needle-aspiration-biopsy.md"
    guide.write_text(guide.read_text() + '\n--8<-- "missing-snippet.md"\n')
    port = free_port()
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port), "--as-of", AS_OF.isoformat()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        page = fetch(f"{base}/thyroid/thyroid-nodules/fine-needle-aspiration-biopsy/", time.monotonic() + 60)
        assert "This page could not be built" in page
        assert "Snippet at path &#x27;missing-snippet.md&#x27; could not be found" in page
        assert "Thyroid" in fetch(f"{base}/", time.monotonic() + 30)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_the_preview_answers_no_page_loaded_under_another_name(tmp_path, command):
    """DNS rebinding: a web page the editor opens points its own name at 127.0.0.1 and reads the
    preview as its own pages, every withheld story with them; the request still carries that
    name in its Host header. The preview answers only to this computer's names."""
    import http.client

    root = copy_sample(tmp_path)
    port = free_port()
    if command == "flywheel":
        argv = [sys.executable, "-m", "generator.cli", "serve", "--root", str(root), "--port", str(port),
                "--as-of", AS_OF.isoformat()]
    else:
        config = (root / "mkdocs.yml").read_text().replace("  - flywheel:\n", "  - flywheel:\n      preview: true\n")
        (root / "mkdocs.yml").write_text(config)
        argv = [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "FLYWHEEL_AS_OF": AS_OF.isoformat()})

    def get(host: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/stories/a-racing-heart/", headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    try:
        assert "Preview only: not published." in fetch(f"http://127.0.0.1:{port}/stories/a-racing-heart/",
                                                      time.monotonic() + 60)
        for host in ("localhost", f"localhost:{port}", f"[::1]:{port}", f"127.0.0.1:{port}"):
            status, page = get(host)
            assert status == 200 and "A racing heart" in page, host
        for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.nip.io:{port}", f"localhost.attacker.example:{port}"):
            status, page = get(host)
            assert status == 403 and "racing" not in page.lower(), host
    finally:
        server.terminate()
        server.wait(timeout=10)
