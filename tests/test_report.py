"""`flywheel report` on a tiny fictional clinic (tests/fixtures/report/clinic).

What the clinic holds, on the test date 2026-11-22, and so what the report must say:

- Heart care (urgent: has triage): topic palpitations with a pillar and four cluster guides
  (decide x2, prepare, recover) and one published story; topic valves with only a draft
  pillar, so no published pillar and no cluster guides.
- Sleep medicine: topic snoring with a pillar (learn) and one cluster guide (prepare), one
  published story; no decide and no recover guide.
- Stories withheld: heart-story-expired (consent expired), sleep-story-revoked (revoked),
  sleep-story-no-record (no record). Their titles, bodies and pull quotes carry ZQX markers.
- Consents: steady-heart's expires in 20 days, quiet-nights' in 75.
- Reviews: palpitations-holter 21 days overdue, snoring-sleep-study 25 days overdue (sleep
  reviews every 180 days), palpitations-diary due in 18 days; the draft is never counted.
- palpitations-diary reads far above grade 8; so does the withheld heart-story-expired,
  which is not a page and must not be listed.
- In-content links: see the guides' bodies; two are broken (a withheld story, a typo), one is
  external, one sits in a code block.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import CASES, add_case, copy_base, tree_digest

from generator.cli import main
from generator.readability import reading_grade
from generator.report import resolve_link

CLINIC = Path(__file__).parent / "fixtures" / "report" / "clinic"
AS_OF = ["--as-of", "2026-11-22"]
MARKERS = [
    f"ZQX{story}{part}"
    for story in ("EXPIRED", "REVOKED", "NORECORD")
    for part in ("TITLE", "BODY", "QUOTE")
]


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    root = tmp_path / "clinic"
    shutil.copytree(CLINIC, root)
    return root


def run_report(root: Path, capsys, *extra: str) -> tuple[int, str, str]:
    code = main(["report", "--root", str(root), *AS_OF, *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report_json(root: Path) -> dict:
    return json.loads((root / "report/report.json").read_text(encoding="utf-8"))


def test_report_json_has_the_clinics_exact_numbers(clinic, capsys):
    code, _, err = run_report(clinic, capsys)
    assert (code, err) == (0, "")
    data = report_json(clinic)
    assert data["summary"] == {
        "active_campaigns": 0,
        "backlog_questions": 0,
        "friction": 0,
        "measurement_errors": 0,
        "measurement_files": 0,
        "questions": 0,
        "read_no_step": 0,
        "weeks_measured": 0,
        "above_reading_grade": 1,
        "first_visit_gaps": 2,  # neither clinic line says who it is for or what the first visit is
        "broken_links": 2,
        "consents_expiring_90": 2,
        "coverage_gaps": 2,
        "errors": 0,
        "missing_pillars": 1,
        "no_inbound_links": 4,
        "published_guides": 7,
        "published_stories": 2,
        "reviews_due_soon": 1,
        "reviews_overdue": 2,
        "service_lines": 2,
        "thin_clusters": 2,
        "withheld_stories": 3,
    }
    assert data["coverage"] == {
        "heart": {"learn": 1, "decide": 2, "prepare": 1, "recover": 1, "share": 1},
        "sleep": {"learn": 1, "decide": 0, "prepare": 1, "recover": 0, "share": 1},
    }
    assert data["coverage_gaps"] == [
        {"service_line": "sleep", "stage": "decide"},
        {"service_line": "sleep", "stage": "recover"},
    ]
    assert [
        (c["topic"], c["pillar"], c["cluster_guides"], c["stories"], c["thin"])
        for c in data["clusters"]
    ] == [
        ("palpitations", "palpitations-guide", 4, 1, False),
        ("valves", None, 0, 0, True),
        ("snoring", "snoring-guide", 1, 0, True),
    ]
    assert data["next_steps"] == {
        "heart": {"intake": 4, "scheduling": 1, "triage": 1},
        "sleep": {"intake": 1, "scheduling": 2, "triage": 0},
    }


def test_stories_and_quality_sections(clinic, capsys):
    run_report(clinic, capsys)
    stories, quality = report_json(clinic)["stories"], report_json(clinic)["quality"]
    assert stories["by_service_line"] == {
        "heart": {"published": 1, "withheld": 1},
        "sleep": {"published": 1, "withheld": 2},
    }
    assert stories["withheld_by_rule"] == {
        "consent-expired": 1,
        "consent-not-found": 1,
        "consent-revoked": 1,
    }
    assert [(w["story"], w["rules"]) for w in stories["withheld"]] == [
        ("heart-story-expired", ["consent-expired"]),
        ("sleep-story-no-record", ["consent-not-found"]),
        ("sleep-story-revoked", ["consent-revoked"]),
    ]
    assert stories["consents_expiring"] == [
        {
            "story": "steady-heart",
            "consent": "C-2026-101",
            "expires_on": "2026-12-12",
            "days_left": 20,
            "within": 30,
        },
        {
            "story": "quiet-nights",
            "consent": "C-2026-103",
            "expires_on": "2027-02-05",
            "days_left": 75,
            "within": 90,
        },
    ]
    assert stories["expiring_within"] == {"30": 1, "60": 1, "90": 2}
    assert [
        (r["guide"], r["overdue"], r["days_overdue"], r["due_on"]) for r in quality["reviews_due"]
    ] == [
        ("palpitations-diary", False, 0, "2026-12-10"),
        ("palpitations-holter", True, 21, "2026-11-01"),
        ("snoring-sleep-study", True, 25, "2026-10-28"),
    ]
    assert [(p["slug"], p["kind"]) for p in quality["above_reading_grade"]] == [
        ("palpitations-diary", "guide")
    ]


def test_in_content_links_count_only_links_between_pages(clinic, capsys):
    run_report(clinic, capsys)
    data = report_json(clinic)
    # Linked: the pillar (from two guides), triggers (.md link), holter (directory URL),
    # snoring-guide and steady-heart (reference link). Not linked: the diary, whose only
    # "links" are external or in a code block; and the pieces nobody links to.
    assert data["no_inbound_links"] == [
        "palpitations-ablation",
        "palpitations-diary",
        "quiet-nights",
        "snoring-sleep-study",
    ]
    assert data["broken_links"] == [
        {"from": "palpitations-guide", "link": "../../stories/heart-story-expired.md"},
        {"from": "snoring-sleep-study", "link": "snoring-guid.md"},
    ]


@pytest.mark.parametrize(
    "target, page, expected",
    [
        (
            "palpitations-triggers.md",
            "heart/palpitations/index.md",
            ["heart/palpitations/palpitations-triggers.md"],
        ),
        ("index.md#causes", "heart/palpitations/x.md", ["heart/palpitations/index.md"]),
        ("../../stories/a.md", "heart/palpitations/index.md", ["stories/a.md"]),
        (
            "../y/",
            "heart/palpitations/x.md",
            ["heart/palpitations/y/index.md", "heart/palpitations/y.md"],
        ),
        (
            "y/",
            "heart/palpitations/index.md",
            ["heart/palpitations/y/index.md", "heart/palpitations/y.md"],
        ),
        ("/sleep/", "heart/palpitations/index.md", ["sleep/index.md", "sleep.md"]),
        ("https://example.org/a.md", "heart/palpitations/index.md", []),
        ("mailto:care@example.org", "heart/palpitations/index.md", []),
        ("#top", "heart/palpitations/index.md", []),
        ("chart.pdf", "heart/palpitations/index.md", []),
        ("../../../outside.md", "heart/palpitations/index.md", []),
    ],
)
def test_links_resolve_like_the_built_site(target, page, expected):
    assert resolve_link(target, page) == expected


def test_heatmap_is_a_real_table_with_gap_cells(clinic, capsys):
    run_report(clinic, capsys)
    html = (clinic / "report/index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    heatmap = page.find("table", id="heatmap")
    assert [th.get_text() for th in heatmap.thead.find_all("th")] == [
        "Service line",
        "learn",
        "decide",
        "prepare",
        "recover",
        "share",
    ]
    assert all(th["scope"] == "col" for th in heatmap.thead.find_all("th"))
    rows = {row.th.get_text(): row.find_all("td") for row in heatmap.tbody.find_all("tr")}
    assert [td.get_text() for td in rows["Sleep medicine"]] == ["1", "gap", "1", "gap", "1"]
    assert [td.get("class") for td in rows["Sleep medicine"]][1::2] == [["gap"], ["gap"]]
    assert [td.get_text() for td in rows["Heart care"]] == ["1", "2", "1", "1", "1"]
    assert "Sleep medicine has no published recover guide." in page.get_text()
    assert "Lakeside Test Clinic (a fictional practice" in page.get_text()
    # Self-contained: no script, no stylesheet or image fetched from anywhere.
    assert not page.find_all(["script", "link", "img"])


def test_no_story_text_of_withheld_stories_anywhere(clinic, capsys):
    _, out, _ = run_report(clinic, capsys)
    _, json_out, _ = run_report(clinic, capsys, "--format", "json")
    texts = [out, json_out] + [p.read_text(encoding="utf-8") for p in (clinic / "report").iterdir()]
    assert sorted(p.name for p in (clinic / "report").iterdir()) == ["index.html", "report.json"]
    assert [m for m in MARKERS if any(m in text for text in texts)] == []
    # Slugs may appear, and do: so the search above looks in the right files.
    assert all("sleep-story-revoked" in text for text in texts[2:])


def test_terminal_summary_is_short_and_names_the_gaps(clinic, capsys):
    _, out, _ = run_report(clinic, capsys)
    lines = out.splitlines()
    assert 10 <= len(lines) <= 25
    assert "  coverage gaps (2): sleep: decide, recover" in lines
    assert "  topics without a pillar (1): heart/valves" in lines
    assert (
        "  medical reviews overdue (2): palpitations-holter 21 days, snoring-sleep-study 25 days"
        in lines
    )
    assert lines[-1] == f"wrote {clinic / 'report/index.html'} and {clinic / 'report/report.json'}"
    _, json_out, _ = run_report(clinic, capsys, "--format", "json")
    assert json.loads(json_out) == report_json(clinic)["summary"]


def test_output_is_deterministic_and_unchanged_files_are_not_rewritten(clinic, capsys, tmp_path):
    run_report(clinic, capsys)
    first = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clinic / "report").iterdir()}
    other = tmp_path / "copy"
    shutil.copytree(CLINIC, other)
    run_report(other, capsys)
    run_report(clinic, capsys)
    second = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clinic / "report").iterdir()}
    assert first == second
    assert {p.name: p.read_bytes() for p in (other / "report").iterdir()} == {
        n: b for n, (b, _) in first.items()
    }


@pytest.mark.parametrize(
    "folder", ["site", "site/report", "content/report", "consent", "service_lines/x"]
)
def test_out_inside_site_or_content_is_refused(clinic, capsys, folder):
    before = tree_digest(clinic / "content", clinic / "consent", clinic / "service_lines")
    code, out, err = run_report(clinic, capsys, "--out", str(clinic / folder))
    assert code == 1
    assert f"it would land in {folder.split('/')[0]} (" in err
    assert tree_digest(clinic / "content", clinic / "consent", clinic / "service_lines") == before
    assert not (clinic / "site").exists() and not (clinic / "report").exists()
    assert "Traceback" not in out + err


def test_unwritable_out_is_an_error_not_a_traceback(clinic, capsys):
    (clinic / "taken").write_text("a file, not a folder")
    code, _, err = run_report(clinic, capsys, "--out", str(clinic / "taken"))
    assert code == 1 and err.startswith("error: cannot write the report into")


def test_report_is_written_when_content_has_errors(clinic, capsys):
    # A published guide in a topic whose only pillar is a draft: the no-pillar error.
    guide = clinic / "content/guides/heart/palpitations-holter.md"
    (clinic / "content/guides/heart/valves-repair.md").write_text(
        guide.read_text().replace("topic: palpitations", "topic: valves")
    )
    code, out, err = run_report(clinic, capsys)
    assert code == 1
    assert "the content has 1 error(s)" in err
    assert "content errors: 1" in out
    data = report_json(clinic)
    assert data["summary"]["errors"] == 1
    assert data["clusters"][1] == {
        "service_line": "heart",
        "topic": "valves",
        "pillar": None,
        "cluster_guides": 1,
        "stories": 0,
        "thin": True,
    }


SIMPLE = "We check your heart. It takes ten minutes. You can go home after."
COMPLEX = (
    "Electrocardiographic documentation of intermittent supraventricular arrhythmias necessitates "
    "meticulous symptomatological correlation with contemporaneous physiological circumstances."
)


def test_reading_grade_orders_simple_below_complex():
    assert reading_grade(SIMPLE) < 8 < reading_grade(COMPLEX)
    assert reading_grade(f"# {SIMPLE}\n\n[{SIMPLE}](https://example.org/x-y-z)") == reading_grade(
        SIMPLE
    )


@pytest.mark.parametrize(
    "grade_max, listed", [("8", ["palpitations-diary"]), ("60", []), ("0", [])]
)
def test_reading_grade_max_option(clinic, capsys, grade_max, listed):
    run_report(clinic, capsys, "--reading-grade-max", grade_max)
    hard = report_json(clinic)["quality"]["above_reading_grade"]
    assert [p["slug"] for p in hard] == listed


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_any_broken_input_gives_a_report_not_a_traceback(tmp_path, capsys, case):
    root = copy_base(tmp_path)
    add_case(root, case)
    code, _, _ = run_report(root, capsys)
    assert code in (0, 1)
    assert report_json(root)["as_of"] == "2026-11-22"


def test_service_lines_without_first_visit_details_are_named(clinic, capsys):
    line = clinic / "service_lines/heart.yml"
    line.write_text(line.read_text() + 'who_for: "Adults with heart symptoms. No referral needed."\n'
                    'first_visit: {wait: "Within 5 working days.", length: "About an hour.", bring: [photo ID]}\n')
    code, out, _ = run_report(clinic, capsys)
    assert code == 0
    data = json.loads((clinic / "report/report.json").read_text())
    assert data["quality"]["first_visit_gaps"] == [
        {"service_line": "sleep", "file": "service_lines/sleep.yml", "missing": ["who_for", "first_visit"]}
    ]
    assert "service lines without who_for/first_visit (1): sleep (who_for, first_visit)" in out


@pytest.mark.parametrize("name", ["index.html", "report.json"])
def test_report_never_overwrites_a_file_it_did_not_write(clinic, capsys, tmp_path, name):
    # `--out` at a folder of the practice's own files replaced its index.html, exit 0.
    out = tmp_path / "theirs"
    out.mkdir()
    (out / name).write_text("the practice's own file\n")
    code, _, err = run_report(clinic, capsys, "--out", str(out))
    assert code == 1
    assert f"its {name} was not written by flywheel report" in err
    assert [p.name for p in out.iterdir()] == [name]
    assert (out / name).read_text() == "the practice's own file\n"
    for _ in range(2):  # a report's own files are replaced
        code, _, err = run_report(clinic, capsys, "--out", str(tmp_path / "new"))
        assert "refusing" not in err and (tmp_path / "new" / name).is_file()


def test_a_named_pipe_among_the_measurements_is_unreadable_not_a_hang(clinic, capsys):
    import os
    import threading

    (clinic / "questions").mkdir(exist_ok=True)
    os.mkfifo(clinic / "questions/asked.csv")
    codes: list = []
    worker = threading.Thread(target=lambda: codes.append(run_report(clinic, capsys)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "report waited on the pipe"
    code, _, err = codes[0]
    assert code == 1
    assert "questions/asked.csv: error: cannot read file: it is a pipe, socket or device, not a regular file [unreadable]" in err


def test_a_measurement_file_whose_name_is_not_utf8_is_read_and_named(clinic, capsys, tmp_path):
    # `pageviews-caf\xe9.csv` (a Latin-1 name): the report crashed with UnicodeEncodeError.
    import os

    (clinic / "outcomes").mkdir(exist_ok=True)
    with open(os.path.join(os.fsencode(clinic / "outcomes"), b"pageviews-caf\xe9.csv"), "w") as handle:
        handle.write("week,path,views\n2026-11-16,/,3\n")
    code, _, err = run_report(clinic, capsys, "--out", str(tmp_path / "report"))
    assert "Traceback" not in err
    data = json.loads((tmp_path / "report/report.json").read_text(encoding="utf-8"))
    assert "outcomes/pageviews-caf\ufffd.csv" in json.dumps(data, ensure_ascii=False)
    assert data["summary"]["weeks_measured"] == 1


@pytest.mark.parametrize("folder", ["outcomes", "questions"])
def test_a_measurement_folder_saved_as_a_file_is_named_not_ignored(clinic, capsys, folder):
    # An export saved at the top level under the folder's name was read as no measurements at
    # all, with exit 0: the report said nothing had been measured.
    if (clinic / folder).is_dir():
        shutil.rmtree(clinic / folder)
    (clinic / folder).write_text("week,question,count\n2026-11-16,Can I drive after a stress test?,4\n")
    code, _, err = run_report(clinic, capsys)
    assert code == 1
    assert f"{folder}: error: is a file where a folder of '.csv' files belongs; nothing in it is read [unreadable]" in err
