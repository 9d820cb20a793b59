"""Campaigns, measured outcomes and patients' questions, on the report clinic with
tests/fixtures/report/flywheel laid over it (test date 2026-11-22, so this week is 2026-11-16
and the four before are 2026-10-19 to 2026-11-09).

- palpitations-guide: 100 views a week, 150 this week (550); steps 10/8/6 a week, 20/16/12
  this week: 60 started, 48 completed, 36 attended; rates 60/550, 48/60, 36/48.
- palpitations-diary: 200 views every week (1,000) and no step: read often, no care step.
- campaign heart-week (active 2026-11-01 to 2026-12-31): 80 landing views and 8/6/0 steps this
  week, none before; it lists the withheld heart-story-expired and the draft valves-draft.
- campaign sleep-spring (in campaigns/old/) ended on 2026-05-31: no page.
- sleep: 10 steps started and 2 completed each week: 50 started, 10 completed, 20% (friction).
- questions: the monitor question is answered by palpitations-holter; the overnight question
  (9 in 3 weeks, once spelled differently) outranks the parking one (9 in 2 weeks), then
  Sundays (4): most asked first, then asked in more weeks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import site_settings, site_texts

from generator.cli import main
from generator.measure import identifying

FIXTURES = Path(__file__).parent / "fixtures" / "report"
AS_OF = ["--as-of", "2026-11-22"]


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    root = tmp_path / "clinic"
    shutil.copytree(FIXTURES / "clinic", root)
    shutil.copytree(FIXTURES / "flywheel", root, dirs_exist_ok=True)
    return root


def report(root: Path, capsys) -> tuple[int, str, str, dict]:
    code = main(["report", "--root", str(root), *AS_OF])
    out = capsys.readouterr()
    return code, out.out, out.err, json.loads((root / "report/report.json").read_text(encoding="utf-8"))


def test_report_carries_the_exact_flywheel_figures(clinic, capsys):
    code, out, err, data = report(clinic, capsys)
    assert (code, err) == (0, "")
    assert data["version"] == 2
    o = data["outcomes"]
    assert o["weeks"] == ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert o["this_week"] == "2026-11-16"
    page = next(p for p in o["pages"] if p["id"] == "palpitations-guide")
    assert page == {
        "id": "palpitations-guide", "kind": "guide", "service_line": "heart",
        "views": 550, "started": 60, "completed": 48, "attended": 36,
        "rates": {"started_per_view": 0.1091, "completed_per_started": 0.8, "attended_per_completed": 0.75},
        "this_week": {"views": 150, "started": 20, "completed": 16, "attended": 12},
        "before": {"views": 100.0, "started": 10.0, "completed": 8.0, "attended": 6.0},
        "change": {"views": 50.0, "started": 10.0, "completed": 8.0, "attended": 6.0},
    }
    campaign = next(c for c in o["campaigns"] if c["id"] == "heart-week")
    assert (campaign["state"], campaign["views"], campaign["started"], campaign["rates"]) == (
        "active", 80, 8, {"started_per_view": 0.1, "completed_per_started": 0.75, "attended_per_completed": 0.0}
    )
    assert next(c for c in o["campaigns"] if c["id"] == "sleep-spring")["state"] == "ended"
    lines = {r["id"]: (r["views"], r["started"], r["completed"]) for r in o["service_lines"]}
    assert lines == {"heart": (1630, 68, 54), "sleep": (50, 50, 10)}
    assert [(m["kind"], m["id"], m["metric"], m["change"]) for m in o["movers"]] == [
        ("campaign", "heart-week", "views", 80.0),
        ("page", "palpitations-guide", "views", 50.0),
        ("page", "palpitations-guide", "started", 10.0),
        ("campaign", "heart-week", "started", 8.0),
    ]
    assert o["read_no_step"] == [{"page": "palpitations-diary", "kind": "guide", "views": 1000}]
    assert o["friction"] == [
        {"service_line": "sleep", "care_step": "scheduling", "started": 50, "completed": 10,
         "completed_per_started": 0.2}
    ]
    q = data["questions"]
    assert [(b["question"], b["asked"], b["weeks_asked"]) for b in q["backlog"]] == [
        ("Can my partner stay overnight at the clinic?", 9, 3),
        ("Where do I park for my visit?", 9, 2),
        ("Do you open on Sundays?", 4, 1),
    ]
    answered = next(x for x in q["questions"] if x["question"] == "How long do I wear a heart monitor?")
    assert [a["guide"] for a in answered["answered_by"]] == ["palpitations-holter"]
    assert "  read often, no care step (1): palpitations-diary (1000 views)\n" in out
    html = (clinic / "report/index.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert "src=" not in html and "<script" not in html and "<link" not in html


def _error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": error:" in line or ": warning:" in line]


def test_bad_measurement_files_give_clean_errors_naming_file_line_and_column(clinic, capsys):
    (clinic / "outcomes/export-crm.csv").write_text(
        "week,utm_campaign,utm_content,care_step,started,completed,attended,Patient_Name\n"
        "2026-11-16,heart,palpitations-guide,intake,1,1,1,ZQXREFUSED\n",
        encoding="utf-8",
    )
    (clinic / "outcomes/steps-bad.csv").write_text(
        "week,utm_campaign,utm_content,care_step,started,completed,attended\n"
        "2026-11-17,heart,palpitations-guide,intake,1,1,1\n"
        "2026-11-16,hart,palpitations-guide,intake,1,1,1\n"
        "2026-11-16,heart,palpitations-guide,intake,-1,1,1\n",
        encoding="utf-8",
    )
    code, _, err, data = report(clinic, capsys)
    assert code == 1
    assert _error_lines(err) == [
        "outcomes/export-crm.csv:1: error: Patient_Name: column 'Patient_Name' could identify a person: "
        "the file is refused and nothing in it was read [identifying-column]",
        "outcomes/steps-bad.csv:2: error: week: 2026-11-17 is a Tuesday, not a Monday [bad-week]",
        "outcomes/steps-bad.csv:3: error: utm_campaign: names neither a campaign in campaigns/ nor a "
        "service line [unknown-campaign]",
        "outcomes/steps-bad.csv:4: error: started: expected a whole number, zero or more [bad-count]",
    ]
    assert "    hint: did you mean 'heart'?" in err
    assert data["summary"]["measurement_errors"] == 4
    # The good file still counts; the refused and bad rows add nothing.
    assert next(p for p in data["outcomes"]["pages"] if p["id"] == "palpitations-guide")["started"] == 60


def test_no_input_row_reaches_the_report(clinic, capsys):
    (clinic / "questions/with-emails.csv").write_text(
        "week,service_line,question,count,source,E-mail\n"
        "2026-11-16,heart,ZQXQUESTIONREFUSED?,3,phone,ZQXEMAIL@example.org\n",
        encoding="utf-8",
    )
    with (clinic / "questions/asked-fall.csv").open("a", encoding="utf-8") as handle:
        handle.write("2026-11-16,heart,Where do I park for my visit?,1,phone,ZQXEXTRACOLUMN\n")
    code, _, err, _ = report(clinic, capsys)
    assert code == 1
    assert "questions/asked-fall.csv:9: error: has 6 field(s) where the header names 5; the row was skipped [csv-row]" in err
    written = "".join(p.read_text(encoding="utf-8") for p in (clinic / "report").iterdir())
    for marker in ("ZQXQUESTIONREFUSED", "ZQXEMAIL", "ZQXEXTRACOLUMN"):
        assert marker not in written
        assert marker not in err


def test_a_question_that_could_identify_a_patient_is_left_out_and_never_quoted(clinic, capsys):
    practice = clinic / "practice.yml"  # the practice in a town the scan knows by name
    practice.write_text(practice.read_text().replace("Riverbend, ST 00000", "Amarillo, TX 79101"))
    (clinic / "questions/asked-winter.csv").write_text(
        "week,service_line,question,count,source\n"
        "2026-11-16,heart,Can Maria Zqxlopez move her Holter visit?,2,phone\n"
        "2026-11-16,heart,Was the Holter I wore call 312-555-0187 back?,1,phone\n"
        "2026-11-16,heart,Is my Holter from my visit on 3/14/1961 read yet?,1,intake\n"
        "2026-11-16,heart,Does Dr. Example read the Holter results himself?,3,intake\n"
        "2026-11-16,heart,Do you open on Saturdays?,1,Maria Zqxlopez at the desk\n"
        "2026-11-16,heart,Is the Amarillo clinic open on Sundays?,2,intake\n"
        "2026-11-16,heart,Can my Tulsa cardiologist send the Holter results?,1,phone\n",
        encoding="utf-8",
    )
    code, _, err, data = report(clinic, capsys)
    assert code == 1
    assert [line.split(": the row")[0] for line in _error_lines(err)] == [
        "questions/asked-winter.csv:2: error: question: the question could identify a person (name)",
        "questions/asked-winter.csv:3: error: question: the question could identify a person (phone)",
        "questions/asked-winter.csv:4: error: question: the question could identify a person (date)",
        "questions/asked-winter.csv:6: error: source: the source could identify a person (name)",
        "questions/asked-winter.csv:8: error: question: the question could identify a person (town)",
    ]
    # The practice's own reviewer is no patient: that question is counted.
    asked = {q["question"]: q["asked"] for q in data["questions"]["questions"]}
    assert asked.get("Does Dr. Example read the Holter results himself?") == 3
    assert asked.get("Is the Amarillo clinic open on Sundays?") == 2  # the practice's own town
    written = err + "".join(p.read_text(encoding="utf-8") for p in (clinic / "report").iterdir())
    for marker in ("Zqxlopez", "0187", "1961", "Tulsa"):
        assert marker not in written


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "csv-header"),
        (b"\xef\xbb\xbfweek,path,views\n2026-11-16,/sleep/,x\n", "bad-count"),
        (b"week,path,views\n2026-11-16,/sleep/,\xff\xfe\n", "undecodable"),
        (b'week,path,views\n2026-11-16,"/sleep/' + b"a" * (2 * 1024 * 1024) + b'",1\n', "csv-syntax"),
        (b"week,path,views\n2026-11-16,/sleep/\x00,1\n", "unknown-page"),
        (b"week,path\n2026-11-16,/sleep/\n", "csv-header"),
        (b"week,path,views\n2026-11-16,/nowhere/,1\n2026-11-16\n", "unknown-page"),
    ],
)
def test_any_csv_gives_catalogued_errors_never_a_traceback(clinic, capsys, content, code):
    (clinic / "outcomes/pageviews-odd.csv").write_bytes(content)
    exit_code, _, err, data = report(clinic, capsys)
    assert exit_code == 1
    assert "Traceback" not in err
    assert f"[{code}]" in err
    assert all(p["file"] == "outcomes/pageviews-odd.csv" for p in data["measurement_problems"])


@pytest.mark.parametrize(
    "header", ["patient_name", "E-mail", "dob", "mrn", "ip", "zip", "Phone Number", "visit_id",
               "PatientID", "date_of_birth", "Street Address", "IP-Address"],
)
def test_identifying_headers_are_recognised(header):
    assert identifying(header)


@pytest.mark.parametrize("header", ["week", "utm_campaign", "utm_content", "care_step", "started",
                                    "completed", "attended", "path", "views", "service_line",
                                    "question", "count", "source"])
def test_the_contract_columns_are_not_refused(header):
    assert not identifying(header)


def test_campaign_problems_name_file_line_and_hint(clinic, capsys):
    (clinic / "campaigns/heart-week-copy.yml").write_text(
        (clinic / "campaigns/heart-week.yml").read_text(encoding="utf-8")
        .replace("service_line: heart", "service_line: haert")
        .replace("care_step: scheduling", "care_step: urgnt")
        .replace("[palpitations-guide, valves-draft]", "[palpitation-guide]"),
        encoding="utf-8",
    )
    (clinic / "campaigns/old/heart-week.yml").write_text(
        (clinic / "campaigns/heart-week.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (clinic / "campaigns/sleep-dates.yml").write_text(
        (clinic / "campaigns/old/sleep-spring.yml").read_text(encoding="utf-8")
        .replace("ends_on: 2026-05-31", "ends_on: 2026-02-01")
        .replace("[snoring-guide]", "[snoring-guid]"),
        encoding="utf-8",
    )
    code = main(["check", "--root", str(clinic), *AS_OF])
    out = capsys.readouterr().out
    assert code == 1
    assert "campaigns/heart-week-copy.yml:3: error: care_step: expected one of intake, scheduling, urgent; got 'urgnt' [bad-choice]\n    hint: did you mean 'urgent'?" in out
    for one, other in (("heart-week.yml", "old/heart-week.yml"), ("old/heart-week.yml", "heart-week.yml")):
        assert (
            f"campaigns/{one}:1: error: campaign id 'heart-week' is also used by campaigns/{other}; "
            "neither file is used [duplicate-id]"
        ) in out
    assert "campaigns/sleep-dates.yml:6: error: ends_on: ends_on 2026-02-01 is before starts_on 2026-03-01 [campaign-dates]" in out
    assert "campaigns/sleep-dates.yml:10: error: landing.guides.0: no guide 'snoring-guid' in content/guides/ [unknown-guide]\n    hint: did you mean 'snoring-guide'?" in out


def test_unknown_service_line_in_a_campaign_has_a_did_you_mean(clinic, capsys):
    path = clinic / "campaigns/heart-week.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("service_line: heart", "service_line: haert"), encoding="utf-8")
    assert main(["check", "--root", str(clinic), *AS_OF]) == 1
    out = capsys.readouterr().out
    assert "campaigns/heart-week.yml:2: error: service_line: no service line 'haert' in service_lines/ [unknown-service-line]\n    hint: did you mean 'heart'?" in out


def test_a_campaign_whose_stories_are_all_withheld_is_a_warning(clinic, capsys):
    path = clinic / "campaigns/heart-week.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("[steady-heart, heart-story-expired]", "[heart-story-expired]"), encoding="utf-8")
    assert main(["check", "--root", str(clinic), *AS_OF]) == 0
    out = capsys.readouterr().out
    assert ("campaigns/heart-week.yml:11: warning: landing.stories: campaign 'heart-week' lists 1 story(ies) "
            "and the consent gate withholds every one: its landing page lists no story [campaign-stories-withheld]") in out


@pytest.mark.parametrize("channels", ["[email, print, social]", "[email, print, tv]"])
def test_a_campaign_lists_a_story_only_on_channels_its_consent_covers(clinic, capsys, channels):
    """The patient allowed the website, email and print: a campaign that also runs on social
    media (or on a channel Flywheel cannot match to a scope) leaves the story out, with a warning
    at the story's line; the story's own page stays published."""
    site_settings(clinic)
    path = clinic / "campaigns/heart-week.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("[email, print]", channels), encoding="utf-8")
    assert main(["check", "--root", str(clinic), *AS_OF]) == 0
    # "tv" may be email, social media or print: the consent covers two of them, not social.
    assert (f"campaigns/heart-week.yml:11: warning: landing.stories: campaign 'heart-week' runs on "
            f"{channels.strip('[]')}, and the consent for story 'steady-heart' does not cover social: "
            "its landing page leaves the story out [campaign-story-scope]") in capsys.readouterr().out
    assert main(["build", "--root", str(clinic), *AS_OF]) == 0
    landing = (clinic / "site/campaigns/heart-week/index.html").read_text(encoding="utf-8")
    assert "steady-heart" not in landing and "palpitations" in landing
    assert (clinic / "site/stories/steady-heart/index.html").is_file()


def test_campaign_links_tag_the_landing_page_per_channel(clinic, capsys):
    site_settings(clinic)
    assert main(["campaign", "links", "heart-week", "--root", str(clinic)]) == 0
    assert capsys.readouterr().out == (
        "email  https://example.org/campaigns/heart-week/?utm_source=email&utm_medium=campaign&utm_campaign=heart-week\n"
        "print  https://example.org/campaigns/heart-week/?utm_source=print&utm_medium=campaign&utm_campaign=heart-week\n"
    )
    assert main(["campaign", "links", "heart-wek", "--root", str(clinic)]) == 1
    assert "campaigns/: error: no campaign 'heart-wek' in campaigns/ [unknown-campaign]\n    hint: did you mean 'heart-week'?" in capsys.readouterr().err


def test_real_build_has_the_active_landing_page_gated_and_nothing_of_the_ended_one(clinic, capsys):
    site_settings(clinic)
    assert main(["build", "--root", str(clinic), *AS_OF]) == 0
    # MkDocs warns of a page missing from the nav unless it is declared not in the nav.
    assert "campaigns/heart-week" not in capsys.readouterr().err
    site = clinic / "site"
    page = site / "campaigns/heart-week/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex, nofollow"
    cta = soup.select_one("a.fw-cta")["href"]
    assert cta == ("https://example.org/book/heart?utm_source=website&utm_medium=cta"
                   "&utm_campaign=heart-week&utm_content=heart-week")
    text = str(soup.select_one("article") or soup)
    assert "steady-heart" in text and "palpitations" in text
    for hidden in ("heart-story-expired", "valves-draft", "ZQXEXPIRED"):
        assert hidden not in text
    assert not (site / "campaigns/sleep-spring").exists()
    texts = site_texts(site)
    assert not any("sleep-spring" in t for t in texts.values())
    assert "campaigns/heart-week" not in texts["sitemap.xml"]
    assert "Racing heart" not in texts["index.html"]  # not in the navigation
    assert "Racing heart" not in texts["search/search_index.json"]
    # Pages outside campaigns keep the service line as utm_campaign.
    guide = texts["heart/palpitations/index.html"]
    assert "utm_campaign=heart&amp;utm_content=palpitations-guide" in guide


def test_new_guide_from_a_backlog_question(clinic, capsys):
    code = main(["new", "guide", "--root", str(clinic), "--question", "Where do I  park for my visit?",
                 "--service-line", "heart", "--topic", "palpitations", "--stage", "learn"])
    assert code == 0
    text = (clinic / "content/guides/heart/where-do-i-park-for-my-visit.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Where do I park for my visit?  #")


def test_relpath_is_posixpath_relpath_for_site_addresses():
    import itertools
    import posixpath

    from generator.render import relpath

    parts = ["", ".", "..", "a", "b", "index.md", "a/b", "a/", "/x", "a//b", "b/a/c.md"]
    for target, start in itertools.product(parts, repeat=2):
        if target and start:
            assert relpath(target, start) == posixpath.relpath(target, start), (target, start)
