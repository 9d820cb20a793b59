"""`flywheel report` on the sample content shows the sample's real gaps, and no story text."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from generator.cli import main
from helpers import copy_base, copy_sample

AS_OF = ["--as-of", "2026-11-22"]


def run_report(root, capsys, *extra):
    code = main(["report", "--root", str(root), *AS_OF, *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_report_on_sample_content(tmp_path, capsys):
    root = copy_sample(tmp_path)
    code, out, _ = run_report(root, capsys)
    assert code == 0
    data = json.loads((root / "report/report.json").read_text())
    assert data["summary"] == {
        "above_reading_grade": 1, "coverage_gaps": 3, "errors": 0, "missing_pillars": 1,
        "published_guides": 26, "published_stories": 5, "reviews_overdue": 2, "service_lines": 4,
        "thin_clusters": 5, "withheld_stories": 3,
    }
    assert data["coverage"]["sleep"] == {"learn": 1, "decide": 0, "prepare": 1, "recover": 0, "share": 1}
    assert data["coverage_gaps"] == [
        {"service_line": "sleep", "stage": "decide"},
        {"service_line": "sleep", "stage": "recover"},
        {"service_line": "thyroid", "stage": "prepare"},
    ]
    assert data["stories"]["withheld_by_rule"] == {"consent-expired": 1, "consent-not-found": 1, "consent-revoked": 1}
    assert data["stories"]["consents_expiring"] == [
        {"consent": "C-2026-015", "days_left": 18, "expires_on": "2026-12-10", "story": "finally-sleeping-through-the-night", "within": 30}
    ]
    assert data["next_steps"]["cardiology"] == {"intake": 11, "scheduling": 0, "triage": 1}
    assert [r["guide"] for r in data["quality"]["reviews_due"] if r["overdue"]] == ["sleep-apnea-guide", "thyroid-blood-tests"]
    assert "sleep: no decide, recover" in out and "topic sleep/insomnia has no pillar guide" in out

    page = BeautifulSoup((root / "report/index.html").read_text(), "html.parser")
    heatmap = page.find("table")
    sleep_row = [row for row in heatmap.select("tbody tr") if row.th.get_text() == "Sleep medicine"][0]
    assert [td.get_text() for td in sleep_row.find_all("td")] == ["1", "gap", "1", "gap", "1"]
    assert [td.get("class") for td in sleep_row.find_all("td")][1] == ["gap"]


def test_report_never_contains_story_text(tmp_path, capsys):
    root = copy_sample(tmp_path)
    run_report(root, capsys)
    texts = [(root / "report" / name).read_text() for name in ("index.html", "report.json")]
    for marker in ["A steady plan beats a racing heart", "I finally felt heard", "One blood test changed everything"]:
        assert not any(marker in text for text in texts)
    assert any("a-racing-heart" in text for text in texts)  # slugs are allowed, so this can fail


def test_report_refuses_to_write_inside_site_or_content(tmp_path, capsys):
    root = copy_base(tmp_path)
    for folder in ["site/report", "content/report", "consent"]:
        code, _, err = run_report(root, capsys, "--out", str(root / folder))
        assert code == 1 and "never written inside" in err
    assert not (root / "site").exists()


def test_report_is_still_written_when_content_has_errors(tmp_path, capsys):
    root = copy_base(tmp_path)
    bad = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    bad.write_text(bad.read_text().replace("stage: decide", "stage: decidee"))
    code, _, err = run_report(root, capsys, "--format", "json")
    assert code == 1 and "1 error(s)" in err
    assert json.loads((root / "report/report.json").read_text())["summary"]["errors"] == 1
