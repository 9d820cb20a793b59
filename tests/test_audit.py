"""The outside audit's routes around the consent promise, each written as the attack.

Every test here failed on the first release (see docs/security.md for the table of
properties, attacks and tests). The sample site is fictional.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from helpers import copy_base, copy_sample, site_settings, site_texts, tree_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import practice_today, run_check
from generator.cli import main
from generator.gate import is_first_name
from generator.publish import SiteSwap
from generator.schema import RECORD_ID_PATTERN, SLUG_PATTERN
from generator.shown import legacy_fingerprint, story_fingerprint
from generator.withdraw import scrub

AS_OF = "2026-11-22"
STORY = "learning-to-live-with-heart-failure"  # published in the sample under consent C-2026-012
TITLE = "Learning to live with heart failure"


def _edit_yaml(path: Path, **changes) -> None:
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _approve(root: Path, slug: str, record: str) -> None:
    """The patient approves the story as it is now (a new proof, its fingerprint recorded)."""
    project = run_check(root, dt.date.fromisoformat(AS_OF)).project
    _edit_yaml(root / f"consent/{record}.yml", approved_fingerprint=story_fingerprint(project.stories[slug], project))


def _traces(root: Path, *markers: str) -> list[str]:
    return sorted(path for path, text in site_texts(root / "site").items() if any(m in text for m in markers))


# 1. Duplicate ids in subfolders ---------------------------------------------------------


def test_an_archived_copy_of_a_consent_record_cannot_hide_its_revocation(sample):
    record = sample / "consent/C-2026-012.yml"
    archive = sample / "consent/archive/C-2026-012.yml"
    archive.parent.mkdir()
    archive.write_text(record.read_text())  # the old copy, before the revocation
    _edit_yaml(record, revoked_on="2026-11-20")
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert not result.gate.is_published(STORY)
    messages = [p.format() for p in result.errors if p.code == "duplicate-id"]
    assert messages == [
        "consent/C-2026-012.yml:1: error: record id 'C-2026-012' is also used by consent/archive/C-2026-012.yml; "
        "neither file is used [duplicate-id]\n    hint: keep one file per id: move old copies out of the project, "
        "or give the file its own id",
        "consent/archive/C-2026-012.yml:1: error: record id 'C-2026-012' is also used by consent/C-2026-012.yml; "
        "neither file is used [duplicate-id]\n    hint: keep one file per id: move old copies out of the project, "
        "or give the file its own id",
    ]


@pytest.mark.parametrize("copy", ["consent/c-2026-012.yml", "consent/C-2026-012.yaml"])
def test_a_renamed_copy_of_a_record_is_an_error_too(sample, copy):
    (sample / copy).write_text((sample / "consent/C-2026-012.yml").read_text())
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert {p.code for p in result.errors} & {"duplicate-id", "wrong-extension"}
    assert copy in {p.path for p in result.errors}


def test_an_old_service_line_copy_cannot_remove_the_triage_notice(sample):
    old = sample / "service_lines/old/cardiology.yml"
    old.parent.mkdir()
    text = (sample / "service_lines/cardiology.yml").read_text()
    old.write_text(text.replace("  triage:", "  # triage:"))
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert "cardiology" not in result.project.service_lines
    assert [p.path for p in result.errors if p.code == "duplicate-id"] == [
        "service_lines/cardiology.yml",
        "service_lines/old/cardiology.yml",
    ]


def test_a_duplicate_story_slug_publishes_neither_file(sample):
    copy = sample / "content/stories/thyroid/learning-to-live-with-heart-failure.md"
    copy.write_text((sample / f"content/stories/cardiology/{STORY}.md").read_text().replace("scale", "SCALE"))
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert not result.gate.is_published(STORY)


# 2. Withdrawal always deploys -------------------------------------------------------------


def _built(sample: Path) -> None:
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, f"stories/{STORY}/")


def _build_by(command: str, sample: Path, capsys) -> tuple[int, str]:
    """`flywheel build` (in this process) or plain `mkdocs build` of the sample: the exit
    status and everything printed."""
    if command == "flywheel":
        code = main(["build", "--root", str(sample), "--as-of", AS_OF])
        out, err = capsys.readouterr()
        return code, out + err
    env = {**os.environ, "FLYWHEEL_AS_OF": AS_OF}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def test_strict_build_that_fails_still_withdraws_a_revoked_story(sample, capsys):
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    # The sample has warnings (overdue reviews), so --strict fails; the revocation deploys anyway.
    assert main(["build", "--strict", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "building site/ from today's content" in capsys.readouterr().err
    assert _traces(sample, f"stories/{STORY}", TITLE, "My scale is my early warning system") == []
    assert (sample / "site/cardiology/heart-failure/index.html").is_file()  # the rest is still there
    # Nothing left to withdraw: a failing strict build leaves site/ exactly as it is.
    before = tree_digest(sample / "site")
    assert main(["build", "--strict", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before


def test_an_error_in_an_unrelated_guide_does_not_hold_back_a_withdrawal(sample):
    _built(sample)
    before = tree_digest(sample / "site")
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before  # no withdrawal due: the old site stays
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/spine/index.html").is_file()


def test_mkdocs_build_strict_withdraws_too(sample):
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\n[A broken link](no-such-page.md)\n")
    env = dict(os.environ, FLYWHEEL_AS_OF=AS_OF)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=sample, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert _traces(sample, f"stories/{STORY}", TITLE) == []


def test_a_story_deleted_from_the_repository_is_withdrawn_by_a_failing_build(sample):
    _built(sample)
    (sample / f"content/stories/cardiology/{STORY}.md").unlink()
    (sample / "consent/C-2026-012.yml").unlink()
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}", TITLE) == []


@pytest.mark.parametrize("broken", ["extension", "inherit"])
def test_a_mkdocs_yml_that_does_not_load_does_not_hold_back_a_withdrawal(sample, capsys, broken):
    # The check passes (it does not load MkDocs' settings); MkDocs then stops on an extension that
    # is not installed, or an INHERIT loop, before the plugin runs. The revoked story stayed on
    # site/ with every link.
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    settings = sample / "mkdocs.yml"
    if broken == "extension":
        settings.write_text(settings.read_text().replace("  - admonition", "  - admonition\n  - no_such_extension"))
    else:
        settings.write_text("INHERIT: mkdocs.yml\n" + settings.read_text())
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "the build failed: deleted the" in capsys.readouterr().err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/spine/index.html").is_file()


@pytest.mark.parametrize("withdrawn", ["photo permission", "consent"])
def test_a_failing_build_withdraws_a_photo_no_longer_allowed(sample, withdrawn):
    """Grace's story is published with her photo; then the patient withdraws permission for the
    photo (`photo` leaves the record's identifiers) or the whole consent, while an unrelated guide
    error stops the build, or a `mkdocs.yml` that does not load stops the rebuild too (the last
    resort). A passing build leaves the photo out, but the failed one kept the story page showing
    it and the file itself (red team rt4): neither was a trace of a withheld story."""
    _edit_yaml(sample / "content/champions.yml", **{"grace-t": {
        **yaml.safe_load((sample / "content/champions.yml").read_text())["grace-t"], "photo": "/img/Grace.jpg"}})
    (sample / "theme/pages/img").mkdir()
    (sample / "theme/pages/img/Grace.jpg").write_bytes(b"\xff\xd8 a fictional photo")
    _edit_yaml(sample / "consent/C-2026-012.yml", identifiers=["first_name", "age", "town", "photo"])
    _approve(sample, STORY, "C-2026-012")
    _built(sample)
    assert (sample / "site/img/Grace.jpg").is_file() and _traces(sample, "/img/Grace.jpg")
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    if withdrawn == "photo permission":
        _edit_yaml(sample / "consent/C-2026-012.yml", identifiers=["first_name", "age", "town"])
    else:
        _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
        settings = sample / "mkdocs.yml"
        settings.write_text(settings.read_text().replace("  - admonition", "  - admonition\n  - no_such_extension"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert not (sample / "site/img/Grace.jpg").exists()
    assert _traces(sample, "img/Grace.jpg") == []
    assert (sample / "site/spine/index.html").is_file()


@pytest.mark.parametrize("how", ["mkdocs.yml", "environment", "mkdocs build"])
def test_a_refused_preview_does_not_hold_back_a_withdrawal(sample, monkeypatch, how):
    """Red team rt4: `preview: true` under the plugin (or FLYWHEEL_PREVIEW=1 in CI) makes every
    build stop in the plugin's `on_config`, before it built anything or looked at site/: the
    revoked story stayed on site/ through every build."""
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    if how == "environment":
        monkeypatch.setenv("FLYWHEEL_PREVIEW", "1")
    else:
        config.write_text(config.read_text().replace("campaign_params: true", "campaign_params: true\n      preview: true"))
    if how == "mkdocs build":
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True,
                              text=True, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
        assert done.returncode == 1 and "preview is only for" in done.stderr, done.stderr
    else:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/spine/index.html").is_file()


@pytest.mark.parametrize("how", ["mkdocs build", "flywheel build"])
def test_another_plugin_failing_in_on_config_does_not_hold_back_a_withdrawal(sample, how):
    """Red team rt4: a plugin that fails in its own `on_config` before Flywheel's runs (Material's
    group plugin naming a plugin this machine lacks) stops every build before Flywheel has
    looked at site/. `flywheel build` withdrew anyway (its last resort), but plain `mkdocs
    build` kept the revoked story on site/ for as long as the failure stood."""
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    group = "  - material/group:\n      enabled: true\n      plugins:\n        - no-such-plugin\n"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n" + group, 1))
    if how == "mkdocs build":
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True,
                              text=True, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
        assert done.returncode == 1 and "no-such-plugin" in done.stderr, done.stderr
        assert "before Flywheel ran" in done.stderr, done.stderr
    else:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/spine/index.html").is_file()


def test_a_build_in_the_same_process_does_not_inherit_the_last_builds_findings(sample):
    """MkDocs keeps one plugin object per configuration in a process and hands it to the next
    build. A build that withdrew a story while a guide's error failed it had set "site/ was
    looked at"; the next build, failing in another plugin's `on_config` before Flywheel's ran,
    took that for its own and skipped the last resort: a second story revoked in between stayed
    on site/."""
    _built(sample)
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    good = guide.read_text()
    guide.write_text(good.replace("stage: learn", "stage: lern", 1))
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert _traces(sample, "stories/finding-answers")
    guide.write_text(good)
    _edit_yaml(sample / "consent/C-2026-014.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    group = "  - material/group:\n      enabled: true\n      plugins:\n        - no-such-plugin\n"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n" + group, 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, "stories/finding-answers", "Finding answers after a year of headaches") == []
    assert list((sample / "site/thyroid").rglob("index.html"))  # the rest of the site stays


def test_plugins_listed_after_flywheel_write_into_the_site_it_commits(sample):
    """Flywheel commits the built site in its `on_post_build`; listed before the search plugin,
    it committed before the search index was written, which then landed in a staging folder left
    beside site/ (red team rt4): the site had no search index and the folder stayed."""
    config = sample / "mkdocs.yml"
    text = config.read_text()
    search = "  - search\n"
    assert search in text
    config.write_text(text.replace(search, "", 1).replace("markdown_extensions:", search.rstrip() + "\n\nmarkdown_extensions:", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / "site/search/search_index.json").is_file()
    assert [p.name for p in sample.iterdir() if p.name.startswith(".site.")] == []


def test_the_last_resort_deletes_every_file_that_shows_the_story(sample):
    _built(sample)
    deleted = scrub(sample / "site", [STORY])
    assert f"stories/{STORY}/" in deleted and "search/search_index.json" in deleted
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/spine/index.html").is_file()


def test_an_expiring_consent_does_not_fail_a_strict_build(tmp_path):
    root = copy_base(tmp_path)
    site_settings(root)
    _edit_yaml(root / "consent/C-2026-001.yml", expires_on="2026-12-01")
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    assert [p.code for p in result.notices] == ["consent-expiring"]
    assert "consent-expiring" not in [p.code for p in result.warnings]


# 3. Ids become paths only after validation -------------------------------------------------


@pytest.mark.parametrize("champion", ["../../../theme/pages/x", "a/b", "Maria", "x\n"])
def test_a_champion_id_that_is_not_a_slug_is_refused(tmp_path, champion):
    root = copy_base(tmp_path)
    path = root / "content/champions.yml"
    data = yaml.safe_load(path.read_text())
    data[champion] = {"name": "Ana", "bio": "Fictional."}
    path.write_text(yaml.safe_dump(data))
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    assert champion not in result.project.champions
    assert "bad-slug" in [p.code for p in result.errors]


@pytest.mark.parametrize("text", ["abc\n", "abc\n\n", "-abc", "abc/..", "ABC"])
def test_slugs_are_matched_to_the_very_end(text):
    assert SLUG_PATTERN.match(text) is None
    assert RECORD_ID_PATTERN.match("C-2026-014\n") is None


# 5. Everything a patient can see is approved ------------------------------------------------


def _edit_file(path: Path, old: str, new: str) -> None:
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def _with_photo(root: Path) -> None:
    """Grace's photo is on file and her record lets it be shown; she approved it."""
    (root / "theme/pages/img").mkdir()
    (root / "theme/pages/img/grace.jpg").write_bytes(b"\xff\xd8 the approved picture (fictional)")
    _edit_champions(root, "photo", "/img/grace.jpg")
    path = root / "consent/C-2026-012.yml"
    _edit_yaml(path, identifiers=[*yaml.safe_load(path.read_text())["identifiers"], "photo"])
    _approve(root, STORY, "C-2026-012")


def _replace_photo(root: Path) -> None:
    (root / "theme/pages/img/grace.jpg").write_bytes(b"\xff\xd8 another picture (fictional)")


@pytest.mark.parametrize(
    "edit",
    [
        lambda root: _edit_story(root, 'material_connection: ""', 'material_connection: "received a free visit"'),
        lambda root: _edit_champions(root, "bio", "Fictional sample champion. Lives next to the bakery."),
        lambda root: _edit_champions(root, "name", "Gracie"),
        lambda root: _edit_champions(root, "photo", "/img/grace.jpg"),
        lambda root: _edit_story(root, "topic: heart-failure", "topic: chest-pain"),
        # What the page prints for where the story is filed, and the picture it shows (rt2).
        lambda root: _edit_file(root / "service_lines/cardiology.yml", "name: Cardiology\n", "name: Oncology\n"),
        lambda root: _edit_file(root / "service_lines/cardiology.yml", "title: Living with heart failure\n", "title: Living with HIV\n"),
        _replace_photo,
    ],
    ids=["material-connection", "bio", "display-name", "photo", "topic", "service-line-name", "topic-title", "photo-file"],
)
def test_changing_anything_shown_about_a_story_withholds_it(sample, edit):
    if edit is _replace_photo:
        _with_photo(sample)
    assert run_check(sample, dt.date.fromisoformat(AS_OF)).gate.is_published(STORY)
    edit(sample)
    decision = run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions[STORY]
    assert "consent-fingerprint" in [rule for rule, _ in decision.reasons]


def _edit_story(root: Path, old: str, new: str) -> None:
    path = root / f"content/stories/cardiology/{STORY}.md"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def _edit_champions(root: Path, key: str, value: str) -> None:
    path = root / "content/champions.yml"
    data = yaml.safe_load(path.read_text())
    data["grace-t"][key] = value
    path.write_text(yaml.safe_dump(data))


def test_a_record_approved_under_the_first_fingerprint_is_not_accepted(sample):
    story = run_check(sample, dt.date.fromisoformat(AS_OF)).project.stories[STORY]
    _edit_yaml(sample / "consent/C-2026-012.yml", approved_fingerprint=legacy_fingerprint(story))
    decision = run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions[STORY]
    assert decision.reasons[0][0] == "consent-fingerprint"
    assert "approved under the first fingerprint" in decision.reasons[0][1]


def test_the_proof_shows_everything_the_fingerprint_covers(sample):
    _edit_story(sample, 'material_connection: ""', 'material_connection: "received a free visit"')
    assert main(["story", "proof", STORY, "--root", str(sample)]) == 0
    proof = (sample / f"proofs/{STORY}.html").read_text()
    for shown in ("received a free visit", "Grandmother of four", "Grace", "Cardiology", "Living with heart failure"):
        assert shown in proof


# 6. A first name is one name in Unicode terms -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Maria\u2800Lopez", "Maria\u3164Lopez", "Maria\u200bLopez", "Maria\u180eLopez", "Maria-Lopez",
     "MariaLopez", "Maria Lopez", "Maria.L", "Maria\u00a0Lopez", "Maria\u2003Lopez", "M4ria", "",
     "Maria\ufeffLopez", "Maria\u115fLopez"],
)
def test_a_name_that_reads_as_two_is_not_a_first_name(name):
    assert not is_first_name(name)


@pytest.mark.parametrize("name", ["Maria", "Zoë", "Zoe\u0308", "José", "Siobhán", "Nguyễn", "Łucja", "Ana"])
def test_real_first_names_pass(name):
    assert is_first_name(name)


def test_a_hidden_second_name_withholds_the_story(sample):
    _edit_champions(sample, "name", "Grace\u2800Tanaka")
    _approve(sample, STORY, "C-2026-012")
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert "name-exceeds-consent" in [rule for rule, _ in result.gate.decisions[STORY].reasons]


# 7. The scan reads what the reader sees; only http(s) links ----------------------------------


@pytest.mark.parametrize(
    "line", ["Write to jane.doe&#64;example.com any time.", "Call 555&#45;867&#45;5309 after six.",
             "Call 555\\-867\\-5309 after six.", "Mail me: jane.doe&#x40;example.com"],
)
def test_an_identifier_spelt_with_entities_or_escapes_is_found(sample, line):
    _edit_story(sample, "My scale is my early warning system.\"", "My scale is my early warning system.\"")
    path = sample / f"content/stories/cardiology/{STORY}.md"
    path.write_text(path.read_text() + f"\n{line}\n")
    _approve(sample, STORY, "C-2026-012")
    decision = run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions[STORY]
    assert "identifier-found" in [rule for rule, _ in decision.reasons]


def test_only_http_links_from_a_story_are_published(sample):
    path = sample / f"content/stories/cardiology/{STORY}.md"
    path.write_text(path.read_text() + "\n[Write to the team](mailto:team) and [call](tel:911) or [run](data:text/html,x)\n")
    _approve(sample, STORY, "C-2026-012")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    from bs4 import BeautifulSoup

    page = BeautifulSoup((sample / f"site/stories/{STORY}/index.html").read_text(), "html.parser")
    body = page.select_one(".fw-story-body")
    assert "Write to the team" in body.get_text()
    assert [a.get("href") for a in body.find_all("a")] == [None, None, None]


# 8. Links to withheld stories ------------------------------------------------------------------


def test_a_guide_linking_to_a_withheld_story_publishes_no_trace_of_it(sample, capsys):
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\nRead [Daniel's racing heart story](../../stories/a-racing-heart/).\n"
                     "<a href='/stories/a-racing-heart.html'>again</a>\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, "a-racing-heart", "racing heart story") == []
    assert "links to 'a-racing-heart', which is not published" in capsys.readouterr().err


def _decoded_traces(root: Path, marker: str) -> list[str]:
    """Files of the site that show `marker` once a browser has decoded character references
    and percent escapes (twice, in either order)."""
    found = []
    for path, text in site_texts(root / "site").items():
        for _ in range(2):
            text = unquote(html.unescape(text))
        if marker in text:
            found.append(path)
    return sorted(found)


@pytest.mark.parametrize(
    "link",
    [
        "<a href='../../stories/a-r&#97;cing-heart/'>Daniel's racing heart story</a>",
        "<a href='../../stories/a&#x2d;racing&#x2d;heart/'>Daniel's racing heart story</a>",
        "<a href='../../stories/a-r&amp;#97;cing-heart/'>Daniel's racing heart story</a>",
        "<a href='../../stories/%61-racing-heart/'>Daniel's racing heart story</a>",
        "[Daniel's racing heart story](../../stories/a-r%2561cing-heart/)",
        "<img src='../../stories/a-r&#97;cing-heart/daniel.jpg' alt=\"Daniel's racing heart story\">",
    ],
    ids=["decimal-reference", "hex-references", "escaped-reference", "percent", "double-percent", "image"],
)
def test_an_encoded_link_to_a_withheld_story_is_removed_too(sample, capsys, link):
    """A browser decodes character references and percent escapes before it follows a link:
    `a-r&#97;cing-heart` is the withheld story's address, and its slug."""
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + f"\nRead {link} too.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _decoded_traces(sample, "a-racing-heart") == []
    assert "links to 'a-racing-heart', which is not published" in capsys.readouterr().err


@pytest.mark.parametrize("typed", ["stories/a&#x2d;racing&#x2d;heart", "stories/a-r&amp;#97;cing-heart",
                                   "stori&#101;s/a-racing-heart", "stories/a-rac&shy;ing-heart",
                                   "stories/a-rac\u200bing-heart", "stories/a-racing-he&#8204;art",
                                   # Markup inside a word parts nothing a reader sees.
                                   "stories/a-rac<b>ing</b>-heart", "stories/a-rac*ing*-heart",
                                   "stor<wbr>ies/a-racing-heart",
                                   # Paths a browser reads as the story's: a dot segment, a doubled slash.
                                   "stories/./a-racing-heart", "stories//a-racing-heart"])
def test_an_encoded_address_typed_as_text_stops_the_build(sample, typed):
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + f"\nSee example.org/{typed}/ for Daniel's story.\n")
    before = tree_digest(sample / "site")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before


PASSAGE = "My cardiologist sat with my wife and me and went through it slowly."  # a-racing-heart's


def test_a_guide_pasting_a_passage_of_a_withheld_story_stops_the_build(sample, capsys):
    """The story's consent was revoked; its words leave the site with it, wherever they were
    pasted. Twelve words in a row is a quotation (leaks.PASSAGE_WORDS)."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    before = tree_digest(sample / "site")
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    text = guide.read_text()
    guide.write_text(text + f"\nOne patient told us: *{PASSAGE.upper()}*\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before
    err = capsys.readouterr().err
    assert "quotes a withheld story" in err and "went through it slowly" not in err
    # Eleven of those words are not a quotation: common phrasing must not stop a build.
    guide.write_text(text + "\nOne patient told us: my cardiologist sat with my wife and me and went through.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0


@pytest.mark.parametrize("quote", ["A racing heart, and a ste\u200bady plan", "A rac&shy;ing heart, and a steady plan",
                                   "A steady plan beats a ra\u2060cing heart.",
                                   "\uff21 \uff52\uff41\uff43\uff49\uff4e\uff47 heart, and a steady plan",  # fullwidth
                                   "A steady plan beats a \U0001d42b\U0001d41a\U0001d41c\U0001d422\U0001d427\U0001d420 heart.",  # mathematical bold letters
                                   "A r\u0430cing he\u0430rt, \u0430nd \u0430 ste\u0430dy pl\u0430n",  # Cyrillic a
                                   "\u0406 still w\u03bflk every d\u0430y. \u0406 still get \u0430 little nervous when my heart skips.",  # Cyrillic I, Greek o
                                   # Markup inside a word: emphasis, a line-break opportunity, a comment.
                                   "A rac*ing* heart, and a steady plan", "A steady plan beats a ra<wbr>cing heart.",
                                   "I still w<!-- -->alk every day. I still get a little ner<span>vous</span> when my heart skips."])
def test_a_quotation_with_invisible_characters_in_it_stops_the_build(sample, quote):
    """A soft hyphen or a zero-width space hides nothing from a reader, so nothing from the check;
    nor do letters in another compatibility form (fullwidth, mathematical bold: NFKC), nor
    letters of another script that look the same (Unicode's confusables)."""
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + f"\nAs one patient put it: {quote}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    # With no previous site (CI's fresh checkout) the site is written, without the page's text (rt5).
    assert _traces(sample, "As one patient put it") == []
    assert "cardiology/atrial-fibrillation/afib-blood-thinners/index.html" in _traces(sample, "This page is being updated.")


def _svg_data(text: str, base64_encoded: bool = True) -> str:
    """A `data:` address of an SVG image that shows `text`."""
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><text y="20">{text}</text></svg>'
    if base64_encoded:
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return "data:image/svg+xml," + urllib.parse.quote(svg)


@pytest.mark.parametrize("quote", [
    # Text the markup hides from the reader, inside a quotation: the reader reads the quotation.
    "A racing<span hidden> x</span> heart, and a steady plan",
    'A racing<span STYLE="font-size: 0"> bird</span> heart, and a steady plan',  # any style, any case
    "A racing<template>x</template> heart, and a steady plan",
    "A racing<noscript>x</noscript> heart, and a steady plan",
    'A racing<svg width="0" height="0"><text>x</text></svg> heart, and a steady plan',
    "A ra<ruby>c<rt>k</rt></ruby>ing heart, and a steady plan",  # an annotation above a letter
    # (Flywheel's own classes that hide: a guide may not use the theme's layout classes since
    # stop 48, tests/test_rt16.py; a practice page's are read as hidden there.)
    ("Out of nowhere my heart<span hidden> x</span> started racing and fluttering, like a bird "
     "trapped<span hidden> x</span> in my chest."),  # twelve words in a row, cut twice
    "A ra\u0336cing heart, and a steady plan",  # a letter struck through is still read
    # Written backwards and shown the right way round: an override element, a style, a character.
    'A <bdo dir="rtl">nalp ydaets a dna ,traeh gnicar</bdo>',
    # (A style that overrides the direction: a guide may not move its text with a style since
    # stop 48, tests/test_rt16.py; a practice page's is read as shown there.)
    "&#x202e;nalp ydaets a dna ,traeh gnicar A",
    # A document carried in the page: an SVG image, base64 or percent-encoded, its scheme
    # written with character references.
    f'<img alt="chart" src="{_svg_data("A racing heart, and a steady plan")}">',
    f'<img alt="chart" src="{_svg_data("A racing heart, and a steady plan", False)}">',
    f'<img alt="chart" src="&#100;ata{_svg_data("A racing heart, and a steady plan")[4:]}">',
    f'<span style="background: url({_svg_data("A racing heart, and a steady plan")})">*</span>',
])
def test_a_quotation_a_reader_sees_whatever_the_markup_hides_or_carries_stops_the_build(sample, quote, capsys):
    """Markup that hides a letter or a word inside a quotation hid the quotation from the check
    and from no reader; an image written into the page as a `data:` address shows its text to
    every reader, and the check never decoded it. Each of these was published."""
    _guide_quoting_stops_the_build(sample, f"\n{quote}\n", capsys)


def _guide_quoting_stops_the_build(sample: Path, addition: str, capsys=None,
                                   guide: str = "cardiology/afib-blood-thinners.md") -> None:
    """The sample builds; with `addition` at the end of a guide, the build stops (given
    `capsys`: on a quotation of the withheld story) and leaves the site as it was."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    before = tree_digest(sample / "site")
    path = sample / "content/guides" / guide
    path.write_text(path.read_text() + addition)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    if capsys is not None:
        assert "quotes a withheld story" in capsys.readouterr().err
    assert tree_digest(sample / "site") == before


def test_hidden_or_styled_text_that_quotes_nothing_still_builds(sample):
    """The same markup around words of the guide's own is no quotation."""
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + (
        '\nA racing<span hidden> x</span> heart is often <span style="color: #333">hidden</span> '
        f'from view. <img alt="chart" src="{_svg_data("Blood thinners, week by week")}">\n'))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0


def test_documents_carried_too_deep_to_read_stop_the_build(sample, capsys):
    """An SVG in an SVG in an SVG in an SVG: read three deep, and deeper it counts as a quotation,
    so no nesting hides one."""
    inner = "A racing heart, and a steady plan"
    for _ in range(3):
        inner = f'<image href="{_svg_data(inner)}"/>'
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + f'\n<img alt="chart" src="{_svg_data(inner)}">\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "quotes a withheld story" in capsys.readouterr().err


@pytest.mark.parametrize("element", [
    "![A racing heart, and a steady plan](../../img/heart.png)",  # alternative text, read aloud
    '<abbr title="Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest">AF</abbr>',
    "<span aria-label='A racing heart, and a steady plan'>*</span>",
    '<img src="heart.png" alt="But I am not scared the way I was that \ufb01rst night">',  # twelve words, one a ligature
    '<img src="heart.png" alt' + " " * 60 + '="A racing heart, and a steady plan">',  # spaces before the "="
    '<svg><a xlink:title="A racing heart, and a steady plan"><circle r="4"/></a></svg>',  # a namespaced title
    '<img src="heart.png" alt="<A racing heart, and a steady plan>">',  # a value is shown as written: no tag in it
    # Published with the page though never between its tags: a comment, a `data-` attribute (a
    # script or the practice's CSS may show it; anyone may read the source), an unquoted value
    # whose spaces are character references.
    "<!-- One evening, a few months after I finished cardiac rehab, I was sitting on the couch -->",
    "<!-- A steady plan beats a racing heart. -> not closed on this line\n-->",
    '<span data-note="My cardiologist sat with my wife and me and went through it slowly.">*</span>',
    "<img src=heart.png alt=A&#32;racing&#32;heart,&#32;and&#32;a&#32;steady&#32;plan>",  # unquoted
    "<img src=heart.png alt=A.racing.heart,.and.a.steady.plan>",  # no spaces at all
    # Cut into values too short to quote anything alone: read in the page's order, as one run.
    '<span data-a="My cardiologist sat" data-b="with my wife" data-c="and me and" data-d="went through it slowly.">*</span>',
    ('<i title="My cardiologist"></i><i title="sat with my wife"></i><i title="and me and went"></i>'
     '<i title="through it slowly."></i>'),
])
def test_a_quotation_in_an_attribute_or_a_comment_stops_the_build(sample, element):
    """Alternative text, a tooltip or what a screen reader announces is published as surely as
    the page's text, and so is the page source; the quotation check read only the text between
    tags, then only the quoted values of the attributes a reader sees."""
    _guide_quoting_stops_the_build(sample, f"\n{element}\n")


def test_a_passage_a_published_story_shows_too_is_not_a_leak(sample):
    """The same champion tells the same moment in a published story: its own consent covers it."""
    path = sample / f"content/stories/cardiology/{STORY}.md"
    path.write_text(path.read_text() + f"\n{PASSAGE}\n")
    _approve(sample, STORY, "C-2026-012")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, PASSAGE) == ["search/search_index.json", f"stories/{STORY}/index.html"]


def test_a_withheld_story_address_typed_as_text_stops_the_build(sample):
    before_build = main(["build", "--root", str(sample), "--as-of", AS_OF])
    assert before_build == 0
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\nSee example.org/stories/a-racing-heart/ for Daniel's story.\n")
    before = tree_digest(sample / "site")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before


@pytest.mark.parametrize("text", [
    "See example.org/stories/a-rac<span hidden>x</span>ing-heart/ for Daniel's story.",
    f'<img alt="map" src="{_svg_data("example.org/stories/a-racing-heart/")}">',  # text/html would be code
])
def test_a_withheld_story_address_behind_hidden_markup_or_in_a_carried_document_stops_the_build(sample, text, capsys):
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + f"\n{text}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "shows the address of withheld story a-racing-heart" in capsys.readouterr().err


# 9. Outputs never land where they are published -------------------------------------------------


@pytest.mark.parametrize("where", ["theme/pages/proof.html", "public/proof.html", "campaigns/p.html"])
def test_a_proof_is_refused_in_published_folders_whatever_their_names(sample, where, capsys):
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", "site_dir: public"))
    assert main(["story", "proof", STORY, "--root", str(sample), "--out", str(sample / where)]) == 1
    assert "refusing to write the proof" in capsys.readouterr().err
    assert not (sample / where).exists()


@pytest.mark.parametrize("command", [["report", "--out"], ["export"]])
def test_report_and_export_are_refused_in_a_renamed_site_dir(sample, command, capsys):
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", "site_dir: public"))
    assert main([*command, str(sample / "public/x"), "--root", str(sample)]) == 1
    assert not (sample / "public/x").exists()


def test_export_from_a_project_called_docs_never_deletes_the_project(tmp_path, capsys):
    root = copy_sample(tmp_path, name="docs")
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n")

    def before_digest() -> dict:
        return {k: v for k, v in tree_digest(root).items() if "/.flywheel-cache/" not in k}

    before = before_digest()
    previous = os.getcwd()
    os.chdir(root)
    try:
        for out in ("..", "/", ".", str(root / "content")):
            assert main(["export", out, "--root", str(root)]) == 1
    finally:
        os.chdir(previous)  # not tmp_path: pytest deletes a passing test's folder as it ends
    assert before_digest() == before
    other = tmp_path / "not-ours"
    other.mkdir()
    (other / "keep.txt").write_text("someone else's file")
    assert main(["export", str(other), "--root", str(root)]) == 1
    assert (other / "keep.txt").read_text() == "someone else's file"


# 11-12. A build date never resurrects; the practice's date ----------------------------------------


@pytest.mark.parametrize("as_of", ["2026-11-09", "2026-05-05"])
def test_a_backdated_build_never_publishes_a_revoked_or_expired_story(sample, as_of):
    result = run_check(sample, dt.date.fromisoformat(as_of))
    assert not result.gate.is_published("a-racing-heart")  # revoked 2026-11-10
    assert not result.gate.is_published("back-to-the-workshop")  # expired 2026-11-01


def test_flywheel_as_of_in_the_environment_cannot_backdate_mkdocs_build(sample):
    env = dict(os.environ, FLYWHEEL_AS_OF="2026-11-09")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert _traces(sample, "stories/a-racing-heart", "A racing heart, and a steady plan") == []


@pytest.mark.parametrize("where", ["environment", "mkdocs.yml", "mkdocs.yml quoted"])
def test_a_build_date_set_outside_the_command_line_gates_flywheel_build_as_it_gates_mkdocs_build(sample, capsys,
                                                                                                 monkeypatch, where):
    """FLYWHEEL_AS_OF, or the plugin's `as_of`, five days ahead; a consent expiring in three.
    `mkdocs build` withheld the story, `flywheel build` ignored both settings and published it:
    one project, two sites. And `as_of: 2026-12-11` unquoted, which YAML reads as a date, was
    a configuration error under either command."""
    today = dt.date.today()
    _edit_yaml(sample / "consent/C-2026-012.yml", expires_on=(today + dt.timedelta(days=3)).isoformat())
    ahead = (today + dt.timedelta(days=5)).isoformat()
    if where == "environment":
        monkeypatch.setenv("FLYWHEEL_AS_OF", ahead)
    else:
        shown = f"'{ahead}'" if where.endswith("quoted") else ahead
        config = (sample / "mkdocs.yml").read_text().replace("  - flywheel:\n", f"  - flywheel:\n      as_of: {shown}\n")
        (sample / "mkdocs.yml").write_text(config)
    assert main(["build", "--root", str(sample)]) == 0
    assert not (sample / f"site/stories/{STORY}").exists()
    assert (sample / "site/stories/finding-answers/index.html").is_file()
    shutil.rmtree(sample / "site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (sample / f"site/stories/{STORY}").exists()
    assert (sample / "site/stories/finding-answers/index.html").is_file()
    capsys.readouterr()
    assert main(["check", "--root", str(sample), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == ahead


@pytest.mark.parametrize("where", ["environment", "mkdocs.yml"])
def test_a_build_date_that_is_no_date_still_withdraws_under_flywheel_build(sample, capsys, monkeypatch, where):
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    if where == "environment":
        monkeypatch.setenv("FLYWHEEL_AS_OF", "yesterday")
    else:
        config = (sample / "mkdocs.yml").read_text().replace("  - flywheel:\n", "  - flywheel:\n      as_of: soon\n")
        (sample / "mkdocs.yml").write_text(config)
    code = main(["build", "--root", str(sample)])
    err = capsys.readouterr().err
    assert code == 1 and "must be a date written YYYY-MM-DD" in err and "the gate used the practice's today" in err, err
    assert not (sample / f"site/stories/{STORY}").exists()
    assert (sample / "site/stories/finding-answers/index.html").is_file()


def test_today_is_the_practices_date_not_the_machines(sample):
    project = run_check(sample, dt.date.fromisoformat(AS_OF)).project
    late_evening_in_chicago = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    assert practice_today(project, late_evening_in_chicago) == dt.date(2026, 11, 23)
    (sample / "practice.yml").write_text((sample / "practice.yml").read_text().replace("America/Chicago", "Asia/Tokyo"))
    project = run_check(sample, dt.date.fromisoformat(AS_OF)).project
    assert practice_today(project, late_evening_in_chicago) == dt.date(2026, 11, 24)


def test_a_revocation_dated_today_counts_on_every_machine(sample):
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-23")
    for tz in ("UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"):
        code = (
            "import os,time,datetime as dt;from generator.check import run_check;time.tzset();"
            f"r=run_check(__import__('pathlib').Path({str(sample)!r}), today=dt.date(2026,11,23));"
            f"print(r.gate.is_published({STORY!r}))"
        )
        done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, TZ=tz), capture_output=True, text=True)
        assert done.stdout.strip() == "False", (tz, done.stderr)


def test_a_bad_time_zone_is_an_error_with_a_suggestion(sample):
    (sample / "practice.yml").write_text((sample / "practice.yml").read_text().replace("America/Chicago", "America/Chicgo"))
    result = run_check(sample)
    assert [p.format() for p in result.errors] == [
        "practice.yml:7: error: timezone: unknown time zone 'America/Chicgo' [bad-timezone]\n"
        "    hint: did you mean 'America/Chicago'?"
    ]


# 13. What the reader sees, not how it is typed -------------------------------------------------


def test_text_that_stops_showing_changes_the_fingerprint(sample):
    """A sentence re-wrapped to the start of a line becomes a reference definition, which the
    page does not show: the typed words are the same, what the reader sees is not."""
    path = sample / f"content/stories/cardiology/{STORY}.md"
    path.write_text(path.read_text() + '\nI keep going. [note]: /x "An approved sentence."\n')
    _approve(sample, STORY, "C-2026-012")
    assert run_check(sample, dt.date.fromisoformat(AS_OF)).gate.is_published(STORY)
    path.write_text(path.read_text().replace("I keep going. [note]", "I keep going.\n[note]"))
    assert not run_check(sample, dt.date.fromisoformat(AS_OF)).gate.is_published(STORY)
    # Re-wrapping a paragraph keeps the patient's approval.
    path.write_text(path.read_text().replace("I keep going.\n[note]", "I keep going. [note]"))
    text = path.read_text()
    path.write_text(text.replace("I am seventy-four, and I have", "I am seventy-four,\nand   I have"))
    assert run_check(sample, dt.date.fromisoformat(AS_OF)).gate.is_published(STORY)


# Also: previews, quoting, placeholders, content in the wrong place -------------------------------


def test_the_preview_refuses_to_show_withheld_stories_off_loopback(sample, capsys):
    assert main(["serve", "--host", "0.0.0.0", "--root", str(sample)]) == 2
    assert "refusing to show the preview on 0.0.0.0" in capsys.readouterr().err


def test_a_mistyped_draft_value_is_not_quoted(sample, capsys):
    secret = "I was diagnosed with a rare condition in Millbrook"
    _edit_story(sample, "consent: C-2026-012", f'consent: C-2026-012\ndraft: "{secret}"')
    for fmt in ("text", "json", "github"):
        main(["check", "--root", str(sample), "--format", fmt])
        out, err = capsys.readouterr()
        assert "rare condition" not in out + err and "I was diag" not in out + err


@pytest.mark.parametrize("where", ["consent-value", "unknown-key", "champion-key"])
def test_text_typed_where_a_key_or_an_id_belongs_is_not_quoted(sample, capsys, where):
    """A line of the patient's text pasted above the closing `---` (a key), or typed as the
    consent reference, is described in every format, never repeated: a pull request's
    annotations are public. A mistyped key is still named, to be found and fixed."""
    secret = "My surgeon Dr Alvarez said at Mercy West on March 3"
    if where == "consent-value":
        _edit_story(sample, "consent: C-2026-012", f"consent: {secret}")
    elif where == "unknown-key":
        _edit_story(sample, "consent: C-2026-012", f"consent: C-2026-012\n{secret}: 1\nchampoin: x")
    else:
        champions = sample / "content/champions.yml"
        champions.write_text(champions.read_text().replace("  bio:", f"  {secret}: 1\n  bio:", 1))
    for fmt in ("text", "json", "github"):
        assert main(["check", "--root", str(sample), "--format", fmt]) == 1
        out, err = capsys.readouterr()
        assert "Alvarez" not in out + err and "Mercy" not in out + err
        if where == "unknown-key":
            assert "unknown key 'champoin'" in out


def test_an_empty_consent_is_none_yet_not_an_error(sample):
    """The web editor saves an optional field left empty as '': the story waits for consent,
    as one that names none does; only text that is not a record id is an error."""
    _edit_story(sample, "consent: C-2026-012", 'consent: ""')
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert result.errors == []
    assert result.gate.decisions[STORY].rule == "consent-missing"


def test_an_unfilled_scaffold_never_publishes(sample):
    assert main(["new", "guide", "--root", str(sample), "--title", "Sleep hygiene", "--service-line", "sleep",
                 "--topic", "sleep-apnea", "--stage", "learn", "--reviewed-by", "R. Example, MD"]) == 0
    guide = sample / "content/guides/sleep/sleep-hygiene.md"
    guide.write_text(guide.read_text().replace("reviewed_on:", "reviewed_on: 2026-11-01", 1))
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert "placeholder" in [p.code for p in result.warnings if p.path.endswith("sleep-hygiene.md")]
    assert result.gate.decisions["sleep-hygiene"].rule == "placeholder"
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, "sleep-hygiene", "Sleep hygiene") == []


@pytest.mark.parametrize(
    "path, code",
    [
        ("content/notes/guide.md", "misplaced-content"),
        ("content/guides/cardiology/new-guide.markdown", "wrong-extension"),
    ],
)
def test_content_in_the_wrong_place_says_where_it_belongs(sample, path, code):
    target = sample / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((sample / "content/guides/cardiology/chest-pain-when-to-worry.md").read_text())
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert (path, code) in {(p.path, p.code) for p in result.errors}


def test_a_guide_among_stories_gets_one_clear_error(sample):
    target = sample / "content/stories/cardiology/misplaced-guide.md"
    target.write_text((sample / "content/guides/cardiology/chest-pain-when-to-worry.md").read_text())
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    mine = [p for p in result.problems if p.path.endswith("misplaced-guide.md")]
    assert [p.code for p in mine] == ["misplaced-content"]
    assert "move it under content/guides/" in mine[0].format()


# Crashes and destruction ------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["- " * 3000 + "x", "[" * 4000, "[a](" * 10000, "![" * 20000, "> " * 3000])
def test_text_nested_beyond_reason_is_an_error_not_a_crash(sample, body, capsys):
    path = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    path.write_text(path.read_text() + "\n" + body + "\n")
    started = time.monotonic()
    assert main(["check", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "[too-deeply-nested]" in capsys.readouterr().out
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert time.monotonic() - started < 120  # generous: a shared, slow machine; it was minutes to hours


@pytest.mark.parametrize("edit", [("reviewed_on: 2026-09-01", "reviewed_on: 9999-12-30"),
                                  ("review_interval_days: 365", "review_interval_days: 99999999999")])
def test_dates_at_the_edge_of_the_calendar_give_no_traceback(tmp_path, edit, capsys):
    root = copy_base(tmp_path)
    for path in [*root.glob("content/guides/**/*.md"), *root.glob("service_lines/*.yml")]:
        path.write_text(path.read_text().replace(*edit))
    assert main(["check", "--root", str(root), "--as-of", AS_OF]) in (0, 1)
    assert "Traceback" not in "".join(capsys.readouterr())


def test_a_build_killed_between_the_two_renames_leaves_a_site(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous good site")
    # The moment the audit killed: site/ renamed aside, the new one not yet in place.
    os.rename(site, tmp_path / f".site.old-{os.getpid() + 1}")
    swap = SiteSwap(site)
    assert (site / "index.html").read_text() == "previous good site"
    (swap.staging / "index.html").write_text("new site")
    swap.commit()
    assert (site / "index.html").read_text() == "new site"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failed_build_in_a_fresh_checkout_writes_a_site_without_withheld_stories(sample, capsys):
    """CI builds in a fresh checkout and deploys what the build leaves: with no previous site
    to keep, a failing build still writes one, without withheld stories or broken pieces."""
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    assert main(["build", "--strict", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "there is no previous site/ to keep" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/thyroid/thyroid-nodules/thyroid-ultrasound").exists()
    assert _traces(sample, f"stories/{STORY}", TITLE, "thyroid-ultrasound") == []


def test_a_name_the_consent_no_longer_allows_is_withdrawn_by_a_failing_build(sample):
    """Not a withheld story, but the same promise: the consent now credits the story to 'a
    patient champion', so the old pages naming the champion must go even if the build fails."""
    _built(sample)
    assert (sample / "site/champions/grace-t/index.html").is_file()
    _edit_yaml(sample / "consent/C-2026-012.yml", identifiers=["town"])
    guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
    guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert not (sample / "site/champions/grace-t").exists()
    page = (sample / f"site/stories/{STORY}/index.html").read_text()
    assert "a patient champion" in page and "Shared by Grace" not in page


@pytest.mark.parametrize("setting", ["docs_dir: content", "docs_dir: .", "docs_dir: consent/x", "site_dir: .",
                                     "site_dir: content", "site_dir: ..",
                                     # a build turned mkdocs.yml into the site's folder (exit 0), and
                                     # replaced the web editor's files or the CI workflow
                                     "site_dir: mkdocs.yml", "site_dir: admin", "site_dir: .github/pages"])
def test_mkdocs_yml_cannot_publish_sources_or_replace_the_project(sample, setting, capsys):
    config = sample / "mkdocs.yml"
    key = setting.split(":")[0]
    text = "\n".join(line for line in config.read_text().splitlines() if not line.startswith(f"{key}:"))
    config.write_text(text + f"\n{setting}\n")
    before = {k: v for k, v in tree_digest(sample).items() if "/.flywheel-cache/" not in k and "/site/" not in k}
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert f"{key} " in capsys.readouterr().err
    after = {k: v for k, v in tree_digest(sample).items() if "/.flywheel-cache/" not in k and "/site/" not in k}
    assert after == before


@pytest.mark.parametrize("outside", [False, True])
@pytest.mark.parametrize("command", [["build"], ["mkdocs"]])
def test_a_site_dir_of_someone_elses_files_is_never_replaced(sample, tmp_path, outside, command, capsys):
    """A build replaces site_dir whole. Pointed (by a slip, or by a pull request) at a folder of
    files no build made, in the project or anywhere on the machine, it deleted them: now the
    build refuses, names the folder, and leaves every file as it was; a site a build made is
    still replaced."""
    folder = (tmp_path / "elsewhere" / "notes") if outside else (sample / "notes")
    (folder / "drafts").mkdir(parents=True)
    (folder / "todo.txt").write_text("the practice's own notes\n")
    (folder / "drafts/plan.md").write_text("# plan\n")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", f"site_dir: {folder}", 1))
    before = tree_digest(folder)
    if command == ["build"]:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
        assert "holds files no MkDocs build made (drafts, todo.txt)" in capsys.readouterr().err
    else:  # MkDocs' own command runs the same plugin
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, capture_output=True,
                              text=True, check=False, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
        assert done.returncode == 1 and "holds files no MkDocs build made" in done.stderr
    assert tree_digest(folder) == before
    assert not list(folder.parent.glob(".notes.*"))  # no staging folder left beside it
    # Emptied, the folder takes a site; the site a build made is replaced by the next build.
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (folder / "index.html").is_file()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert f"built {folder.resolve() if outside else 'notes'}/ in" in capsys.readouterr().out


def test_a_checkout_kept_in_the_site_folder_is_never_deleted(sample, capsys):
    """A gh-pages worktree kept in site/: the swap would delete its .git with the old site."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    (sample / "site/.git").mkdir()
    (sample / "site/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "site/ holds .git, a version-control checkout" in capsys.readouterr().err
    assert (sample / "site/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"


def test_a_build_deletes_only_the_leftovers_it_names(tmp_path):
    """A killed build's staging and old folders are removed by the next; a folder of the
    practice's own whose name merely looks like one is not."""
    import subprocess

    site = tmp_path / "site"
    ended = subprocess.Popen(["true"])
    ended.wait()  # a build's pid that no process has now (one still running keeps its folders: rt12)
    made = [f".site.staging-{ended.pid}", ".site.old.trash-41-0a1b2c3d", ".site.staging.trash-7-deadbeef"]
    kept = [".site.backup-2024", ".site.old-backup", ".site.staging-notes", ".site.draft-1"]
    for name in made + kept:
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text(name)
    SiteSwap(site).discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)
    assert all((tmp_path / name / "keep.txt").read_text() == name for name in kept)


def test_site_dir_cannot_replace_the_theme_folder_that_holds_docs_dir(sample, capsys):
    """The theme's custom_dir may hold docs_dir (the static pages in theme/pages), but a build
    whose site_dir is in it would replace the practice's templates with the site."""
    config = sample / "mkdocs.yml"
    text = config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: theme\n")
    config.write_text(text)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0  # docs_dir: theme/pages
    config.write_text(text.replace("site_dir: site", "site_dir: theme/out"))
    before = tree_digest(sample / "theme")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "site_dir would replace the theme's custom_dir" in capsys.readouterr().err
    assert tree_digest(sample / "theme") == before


def test_an_inherit_loop_in_mkdocs_yml_is_an_error_not_a_traceback(sample, capsys):
    # MkDocs follows INHERIT without a limit: RecursionError, as a traceback.
    config = sample / "mkdocs.yml"
    config.write_text("INHERIT: mkdocs.yml\n" + config.read_text())
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "mkdocs.yml nests too deeply, or its INHERIT chain leads back to itself" in err
    assert "Traceback" not in err
    # a fresh checkout: the site with Flywheel's defaults, so that a deploy carries every withdrawal
    assert "Flywheel's default settings" in err and (sample / "site/index.html").is_file()


@pytest.mark.parametrize("text", [
    '> "It was my thyroid all along." -- **Priya Kumar**, one of our patients',
    "As Priya Kumar, who tested our software, told us: ask about your thyroid.",
])
def test_a_guide_naming_a_champion_no_published_story_credits_stops_the_build(sample, text):
    """Red team rt4: Priya Kumar's only story is withheld (no consent yet), and no check compared
    pages with champions' names: a guide quoting her by her full name was published. A
    revocation then withdraws the name from the previous site too."""
    _guide_quoting_stops_the_build(sample, f"\n\n{text}\n", guide="thyroid/hypothyroidism-guide.md")


def test_a_revocation_withdraws_the_champion_s_name_a_guide_showed(sample):
    """Grace is credited by name while her story is published, and a guide names her; once the
    consent is revoked, the failing build deletes the pages that name her."""
    _edit_yaml(sample / "content/champions.yml", **{"grace-t": {
        **yaml.safe_load((sample / "content/champions.yml").read_text())["grace-t"], "name": "Grace Tanaka"}})
    _edit_yaml(sample / "consent/C-2026-012.yml", identifiers=["full_name", "age", "town"])
    _approve(sample, STORY, "C-2026-012")
    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + "\n\nGrace Tanaka weighs herself every morning.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _traces(sample, "Grace Tanaka")
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, "Grace Tanaka") == []


def test_a_guide_quoting_a_withheld_story_stops_the_build(sample):
    _guide_quoting_stops_the_build(sample, '\nAs one patient put it: "A steady plan beats a racing heart."\n',
                                   guide="cardiology/chest-pain-when-to-worry.md")
    assert _traces(sample, "A steady plan beats a racing heart") == []


@pytest.mark.parametrize("tag", [
    "A racing heart, and a steady plan",  # a withheld story's title
    "Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest",  # its text
    "https://example.org/stories/a-racing-heart/",  # its address
])
def test_frontmatter_the_page_does_not_show_is_checked_too(sample, tag):
    """Red team rt4: a page kept in docs_dir with `tags:` in its frontmatter. Without the tags
    plugin the page never shows them, so the page checks passed, but the search plugin writes
    them into search/search_index.json, published with the site."""
    (sample / "theme/pages/more.md").write_text(f'---\ntags:\n  - "{tag}"\n---\n# More from our patients\n\nStories.\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, "racing heart, and a steady", "bird trapped", "stories/a-racing-heart") == []


def test_frontmatter_quoting_a_withheld_story_does_not_stop_a_fresh_checkout_withdrawing(sample, capsys):
    """The frontmatter twin of rt5's route: the frontmatter check raised where the page was
    written, so in CI's fresh checkout no site/ was written and a revocation never deployed.
    The page is written as a notice, as one whose text quotes the story, and the build fails."""
    (sample / "theme/pages/more.md").write_text('---\ntags:\n  - "A racing heart, and a steady plan"\n---\n'
                                                "# More from our patients\n\nStories.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "the frontmatter of page more.md quotes a withheld story" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file() and (sample / "site/spine/index.html").is_file()
    assert _traces(sample, "racing heart, and a steady") == []


@pytest.mark.parametrize("code", [
    '<script>document.write(atob("QSByYWNpbmcgaGVhcnQ="))</script>',  # a withheld title, base64
    "<img src=heart.png onerror=\"fetch('/x').then(r => r.text()).then(t => this.alt = t)\">",
    '[Read more](#){ onclick="location = atob(\'L3N0b3JpZXMv\')" }',  # an attribute list
    "[Daniel's story](java&#x09;script:void(0))",
    '<a href="&#106;avascript:void(0)">more</a>',
    '<iframe srcdoc="&lt;p&gt;A racing heart&lt;/p&gt;"></iframe>',
    '<meta http-equiv="refresh" content="0; url=/stories/">',
    '<iframe src="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0Pjwvc2NyaXB0Pjwvc3ZnPg=="></iframe>',  # an SVG with a script
    '<svg><a><set attributeName="onmouseover" to="location=atob(\'L3N0b3JpZXMv\')"/><text y="9">more</text></a></svg>',
    '<style>.fw-q::after { content: "\\41  r\\61 cing heart, \\61 nd \\61  steady plan"; }</style><p class="fw-q"></p>',  # CSS escapes
])
def test_a_guide_that_runs_code_is_withheld_and_leaves_the_site(sample, code, capsys):
    """Every check that keeps a withheld story off the site reads text; a script writes text no
    file holds (base64 here). A guide's raw HTML reached the page as written, code included.
    Now the guide is withheld with a warning at its line, like a placeholder: the rest of the
    site is built, so the guide's page leaves the live site at once (an error would have kept
    the previous site, and with it a page that already held the code), and `--strict` fails."""
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    page = sample / "site/cardiology/chest-pain/chest-pain-when-to-worry/index.html"
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0 and page.is_file()
    lines = guide.read_text().count("\n")
    guide.write_text(guide.read_text() + f"\n{code}\n")
    capsys.readouterr()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF, "--strict"]) == 1
    assert page.is_file()  # a strict build that fails keeps the previous site
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert f"content/guides/cardiology/chest-pain-when-to-worry.md:{lines + 2}: warning:" in out
    assert "[guide-runs-code]" in out
    assert not page.exists()
    assert not any(code in text for text in site_texts(sample / "site").values())
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert [p.code for p in result.warnings if p.code == "guide-runs-code"] == ["guide-runs-code"]
    assert result.gate.decisions["chest-pain-when-to-worry"].reasons[0][0] == "guide-runs-code"
    assert not result.gate.is_published("chest-pain-when-to-worry")


def test_a_guide_showing_html_as_text_is_not_code(sample):
    """Words that look like attributes in prose, and escaped markup, run nothing."""
    guide = sample / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\nTake it on=time {.note}, and write &lt;script&gt; as text: "
                     "[our page](/cardiology/){ .button title=\"javascript is not needed\" }.\n")
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    assert [p for p in result.errors] == []


# The property behind all of the above: after any build, no withheld story is anywhere. -------

STORIES = {  # slug -> (record, a sentence of its own that no other page repeats)
    "learning-to-live-with-heart-failure": ("C-2026-012", "My scale is my early warning system"),
    "walking-again-after-my-heart-attack": ("C-2026-011", "walking-again-after-my-heart-attack"),
    "finding-answers": ("C-2026-014", "finding-answers"),
}


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    withdrawn=st.lists(st.sampled_from(sorted(STORIES)), unique=True, min_size=1),
    how=st.sampled_from(["revoked", "expired", "edited", "deleted"]),
    broken=st.booleans(),
    strict=st.booleans(),
    build_first=st.booleans(),
)
def test_no_build_ever_leaves_a_withheld_story_in_site(tmp_path_factory, withdrawn, how, broken, strict, build_first):
    sample = copy_sample(tmp_path_factory.mktemp("property"))
    if build_first:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    for slug in withdrawn:
        record, _ = STORIES[slug]
        story = next((sample / "content/stories").rglob(f"{slug}.md"))
        if how == "revoked":
            _edit_yaml(sample / f"consent/{record}.yml", revoked_on="2026-11-20")
        elif how == "expired":
            _edit_yaml(sample / f"consent/{record}.yml", expires_on="2026-11-21")
        elif how == "edited":
            story.write_text(story.read_text() + "\nOne more sentence the patient never saw.\n")
        else:
            story.unlink()
    if broken:
        guide = sample / "content/guides/thyroid/thyroid-ultrasound.md"
        guide.write_text(guide.read_text().replace("stage: learn", "stage: lern", 1))
    main(["build", *(["--strict"] if strict else []), "--root", str(sample), "--as-of", AS_OF])
    if (sample / "site").exists():
        for slug in withdrawn:
            assert _traces(sample, f"stories/{slug}", STORIES[slug][1]) == [], (slug, how, broken, strict)


def test_a_topic_with_its_own_triage_step_can_be_a_pages_next_step(tmp_path):
    root = copy_base(tmp_path)
    line = root / "service_lines/thyroid.yml"
    data = yaml.safe_load(line.read_text())
    topic = next(iter(data["topics"]))
    guide = root / "content/guides/thyroid/urgent-thyroid.md"
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(
        "---\ntitle: When a thyroid problem is urgent\nsummary: Signs that need care today.\n"
        f"service_line: thyroid\ntopic: {topic}\nstage: learn\nnext_step: triage\n"
        "reviewed_by: A. Example, MD\nreviewed_on: 2026-09-01\n---\nSome words.\n"
    )
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    assert "next-step-unavailable" in [p.code for p in result.errors if p.path.endswith("urgent-thyroid.md")]
    data["topics"][topic]["triage"] = {"label": "Trouble breathing?", "text": "Call 911.", "phone": "911"}
    line.write_text(yaml.safe_dump(data))
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    assert "next-step-unavailable" not in [p.code for p in result.errors]


def test_a_photo_named_without_a_leading_slash_stays_off_the_site_too(tmp_path):
    root = copy_base(tmp_path)
    site_settings(root)
    champions = root / "content/champions.yml"
    champions.write_text(champions.read_text() + "  photo: img/ana.jpg\n")
    photo = root / "theme/pages/img/ana.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"a fictional photo")
    _approve(root, "walking-again", "C-2026-001")
    assert run_check(root, dt.date.fromisoformat(AS_OF)).gate.is_published("walking-again")
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert not (root / "site/img/ana.jpg").exists()


# 10. Static files are copied as they are ---------------------------------------------------------


def test_static_files_that_show_a_withheld_story_are_left_out(sample, capsys):
    """A page saved from the live site into docs_dir, a file named for the story, a transcript
    quoting it: MkDocs copies static files unfiltered, so each would publish a story withheld
    today. Each is left out, with a warning naming it; files of published stories stay."""
    static = sample / "theme/pages"  # the sample's docs_dir
    consent = sample / "consent/C-2026-014.yml"  # finding-answers: published, until revoked below
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    saved = (sample / "site/stories/finding-answers/index.html").read_bytes()
    files = {
        "stories/finding-answers/index.html": saved,
        "old/copy.html": saved,
        "downloads/finding-answers.pdf": b"%PDF-1.4 a fictional transcript",
        "downloads/notes.txt": b"Our favourite: Finding answers after a year of headaches, from the spine team.",
        "downloads/address.txt": b"See example.org/stori&#101;s/finding-answers/ for her story.",
        "downloads/kept.txt": b"Nothing about any story here.",
    }
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (sample / "overrides/assets").mkdir(parents=True)
    (sample / "overrides/assets/old.html").write_bytes(saved)
    for rel, data in files.items():
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_bytes(data)
    capsys.readouterr()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0  # published: all kept
    assert all((sample / "site" / rel).is_file() for rel in files)
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    left_out = [rel for rel in [*files, "assets/old.html"] if not (sample / "site" / rel).exists()]
    assert left_out == [*list(files)[:5], "assets/old.html"]
    assert "Static file 'stories/finding-answers/index.html' left out of the site" in err
    assert _decoded_traces(sample, "finding-answers") == []
    out = sample.parent / "export"
    assert main(["export", str(out), "--root", str(sample), "--as-of", AS_OF]) == 0
    exported = sorted(p.relative_to(out / "docs").as_posix() for p in (out / "docs").rglob("*") if p.is_file())
    assert "downloads/kept.txt" in exported and not set(list(files)[:5]) & set(exported)


def test_a_static_file_is_read_as_text_whatever_its_name_or_encoding(sample, capsys):
    """Only files with a known text extension, and only their first 8 MiB as UTF-8, used to be
    read: a browser shows each of these as the withheld story's words."""
    import gzip

    static = sample / "theme/pages"
    quote = "Finding answers after a year of headaches, from the spine team."
    files = {
        "transcript.vtt": f"WEBVTT\n\n00:00.000 --> 00:04.000\n{quote}\n".encode(),
        "page.xhtml": f"<html xmlns='http://www.w3.org/1999/xhtml'><body><p>{quote}</p></body></html>".encode(),
        "notes": quote.encode(),
        "utf16.txt": quote.encode("utf-16"),
        "padded.txt": b" " * (8 * 1024 * 1024 + 1) + quote.encode(),
        "notes.txt.gz": gzip.compress(quote.encode()),
        "backwards.txt": ("\u202e" + quote[::-1]).encode(),  # shown the right way round
    }
    for rel, data in files.items():
        (static / rel).write_bytes(data)
    (static / "kept.vtt").write_bytes(b"WEBVTT\n\n00:00.000 --> 00:04.000\nNothing about any story.\n")
    consent = sample / "consent/C-2026-014.yml"  # finding-answers
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert [rel for rel in files if (sample / "site" / rel).exists()] == []
    assert "Static file 'utf16.txt' left out of the site: it quotes a withheld story" in err
    assert (sample / "site/kept.vtt").is_file()


def test_a_named_pipe_among_the_static_files_or_in_site_never_hangs_a_build(sample, capsys):
    """Opening a named pipe for reading waits for a writer: the static-file check and the last
    resort read files with `open()`, so a pipe in docs_dir or in the previous site/ hung the
    build. It is left out (it cannot be checked), and the last resort reads past it."""
    import threading

    from generator.withdraw import withdrawals_due

    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    os.mkfifo(sample / "theme/pages/feed.txt")
    os.mkfifo(sample / "site/feed.txt")
    consent = sample / "consent/C-2026-014.yml"  # finding-answers
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    outcome: list = []

    def run():
        outcome.append(withdrawals_due(sample / "site", run_check(sample, dt.date.fromisoformat(AS_OF))))
        (sample / "site/feed.txt").unlink()
        outcome.append(main(["build", "--root", str(sample), "--as-of", AS_OF]))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "a named pipe hung the build"
    due, built = outcome
    assert "finding-answers" in due and built == 0
    assert "Static file 'feed.txt' left out of the site: it cannot be read" in capsys.readouterr().err
    assert not (sample / "site/feed.txt").exists()


@pytest.mark.parametrize("page", ["notes/tired-for-years.md", "tired-for-years/index.md"])
def test_a_page_named_for_a_withheld_story_is_left_out(sample, capsys, page):
    """Red team rt4: a static file named for a withheld story was left out, but a Markdown page in
    docs_dir so named was published at an address showing the story's slug, in the sitemap and
    the search index too."""
    (sample / "theme/pages" / page).parent.mkdir(parents=True, exist_ok=True)
    (sample / "theme/pages" / page).write_text("# Coming soon\n\nA new story.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert f"Page '{page}' left out of the site: it is named for withheld story tired-for-years" in capsys.readouterr().err
    assert _traces(sample, "tired-for-years") == []


@pytest.mark.parametrize("page", ["stories/new-patient.md", "stories/new-patient/index.md", "Stories/new-patient.md",
                                  "stories/new-patient.html", "st%6Fries/new-patient.md", "champions/new-patient.md"])
@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_a_page_in_docs_dir_cannot_pose_as_a_story(sample, capsys, page, command):
    """stories/ is where the consent gate publishes stories. A page kept in docs_dir at
    `stories/<slug>.md` (an editor's mistake, or a pull request skipping consent) was published
    beside them at /stories/<slug>/, in the sitemap and the search index, its identifiers never
    scanned and no consent asked for."""
    story = "I am Wilhelmina Quist of 12 Larkspur Lane and this is my fictional story."
    (sample / "theme/pages" / page).parent.mkdir(parents=True, exist_ok=True)
    (sample / "theme/pages" / page).write_text(f"# My story\n\n{story}\n")
    code, err = _build_by(command, sample, capsys)
    assert code == 0, err
    folder = page.split("/")[0].replace("%6F", "o").lower()
    assert f"'{page}' left out of the site: {folder}/ holds only the" in err and "pages the consent gate publishes" in err
    assert _traces(sample, "Wilhelmina", "Larkspur") == []
    assert not any("new-patient" in str(p).lower() for p in (sample / "site").rglob("*"))
    # The stories the gate published are all there.
    assert (sample / "site/stories/finding-answers/index.html").is_file()


def test_an_export_leaves_out_a_page_posing_as_a_story(sample):
    """The export copies docs_dir for another renderer: a page there under stories/ would be
    published beside the gate's stories as the build's site would have."""
    (sample / "theme/pages/stories").mkdir(parents=True)
    (sample / "theme/pages/stories/new-patient.md").write_text("# My story\n\nWilhelmina Quist, fictional.\n")
    (sample / "theme/pages/stories/portrait.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    out = sample.parent / "export"
    assert main(["export", str(out), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not [p for p in out.rglob("*") if p.is_file() and b"Wilhelmina" in p.read_bytes()]
    assert [p.name for p in out.rglob("portrait.jpg")] == ["portrait.jpg"]  # pictures there stay
    assert (out / "docs/stories/finding-answers.md").is_file()


def test_a_binary_static_file_that_carries_a_withheld_story_is_left_out(sample, capsys):
    """A NUL byte made a file binary, and a binary file was never read: one typed in front of a
    withheld story's text, a tar or an uncompressed zip of it, or the text in UTF-16 without a
    byte order mark was published as it was, for anyone to download (red team rt4)."""
    import io
    import random
    import tarfile
    import zipfile

    static = sample / "theme/pages/downloads"
    static.mkdir()
    story = (sample / "content/stories/spine/finding-answers.md").read_bytes()
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w") as tar:
        info = tarfile.TarInfo("story.md")
        info.size = len(story)
        tar.addfile(info, io.BytesIO(story))
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("story.md", story)
    noise = random.Random(4).randbytes(9 * 1024 * 1024)  # past the first chunk read
    files = {
        "nul.txt": b"\0" + story,
        "story.tar": packed.getvalue(),
        "story.zip": stored.getvalue(),
        "utf16.txt": story.decode().encode("utf-16-le"),
        "late.bin": noise + story,
    }
    for rel, data in files.items():
        (static / rel).write_bytes(data)
    (static / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\0\x10JFIF\0" + noise[:200_000] + b"Nothing about any story at all.")
    consent = sample / "consent/C-2026-014.yml"  # finding-answers
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert [rel for rel in files if (sample / "site/downloads" / rel).exists()] == []
    assert "Static file 'downloads/nul.txt' left out of the site: it quotes a withheld story" in err
    assert (sample / "site/downloads/photo.jpg").is_file()


def test_the_last_resort_deletes_static_files_of_every_kind(sample):
    """A transcript (`.vtt`) quoting the story and a PDF named for it, published with its
    consent; then the consent is revoked while a guide still quotes the story, so the rebuild
    fails too and the last resort runs. It read only `.html`, `.json`, `.xml`, `.txt`, `.js`,
    `.md` and `.gz` files, and by their text alone: both stayed on site/."""
    static = sample / "theme/pages"
    (static / "downloads").mkdir()
    (static / f"downloads/{STORY}.pdf").write_bytes(b"%PDF-1.4\n\x00\x01 a fictional printable story")
    (static / "transcript.vtt").write_text(f"WEBVTT\n\n00:00.000 --> 00:04.000\n{TITLE}, by Grace.\n")
    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + f"\n> {TITLE}, a story from our patients.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert (sample / f"site/downloads/{STORY}.pdf").is_file() and (sample / "site/transcript.vtt").is_file()
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert not (sample / f"site/downloads/{STORY}.pdf").exists()
    assert not (sample / "site/transcript.vtt").exists()
    assert _traces(sample, f"stories/{STORY}", TITLE) == []


@pytest.mark.parametrize("photo", ["./img/../img/Daniel.jpg", "IMG/daniel.jpg", "img/Dani%65l.jpg",
                                   "https://example.org/img/Daniel.jpg", "//EXAMPLE.org/img/Daniel.jpg"])
def test_an_unconsented_photo_stays_off_however_its_address_is_written(sample, photo):
    """Daniel's story is withheld (consent revoked): his photo file must not be copied to the
    site or the export, whichever way the champions file spells its address (the sample's
    site_url is https://example.org/)."""
    champions = sample / "content/champions.yml"
    data = yaml.safe_load(champions.read_text())
    data["daniel-o"]["photo"] = photo
    champions.write_text(yaml.safe_dump(data, sort_keys=False))
    (sample / "theme/pages/img").mkdir(parents=True)
    (sample / "theme/pages/img/Daniel.jpg").write_bytes(b"\xff\xd8 a fictional photo")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample / "site/img/Daniel.jpg").exists()
    assert main(["export", str(sample.parent / "export"), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample.parent / "export/docs/img/Daniel.jpg").exists()


def test_an_unconsented_photo_stays_off_without_site_url(sample):
    """Red team rt4: with no `site_url` in mkdocs.yml, a photo given as the practice's own https
    address read as another host's picture, so its file in docs_dir was published whatever the
    consent said (and at that very address, once deployed)."""
    config = sample / "mkdocs.yml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith("site_url:")))
    _edit_yaml(sample / "content/champions.yml", **{"daniel-o": {
        **yaml.safe_load((sample / "content/champions.yml").read_text())["daniel-o"],
        "photo": "https://example.org/img/daniel.jpg"}})
    (sample / "theme/pages/img").mkdir()
    (sample / "theme/pages/img/daniel.jpg").write_bytes(b"\xff\xd8 a fictional photo of Daniel")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample / "site/img/daniel.jpg").exists()


def test_a_copy_of_an_unconsented_photo_under_another_name_stays_off(sample, capsys):
    """Red team rt4: Daniel's story is withheld and his photo file is left out, but the same
    picture copied for a guide under another name (`img/guides/patient.jpg`, in docs_dir or the
    theme folder) was published, and exported."""
    _edit_yaml(sample / "content/champions.yml", **{"daniel-o": {
        **yaml.safe_load((sample / "content/champions.yml").read_text())["daniel-o"], "photo": "/img/daniel.jpg"}})
    picture = b"\xff\xd8 a fictional photo of Daniel"
    (sample / "theme/pages/img/guides").mkdir(parents=True)
    (sample / "theme/pages/img/daniel.jpg").write_bytes(picture)
    (sample / "theme/pages/img/guides/patient.jpg").write_bytes(picture)
    (sample / "theme/pages/img/guides/clinic.jpg").write_bytes(b"\xff\xd8 the clinic")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert "Static file 'img/guides/patient.jpg' left out of the site: it is the photo of champion daniel-o" in (
        capsys.readouterr().err)
    assert not (sample / "site/img/guides/patient.jpg").exists() and not (sample / "site/img/daniel.jpg").exists()
    assert (sample / "site/img/guides/clinic.jpg").is_file()
    assert main(["export", str(sample.parent / "export"), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample.parent / "export/docs/img/guides/patient.jpg").exists()
    assert (sample.parent / "export/docs/img/guides/clinic.jpg").is_file()


# 11. Pages made from templates alone, and the words a revocation leaves behind ----------------

QUOTED_WHILE_PUBLISHED = "I knew every pothole on my route, and I thought I knew my body just as well"  # walking-again


def _with_custom_404(sample: Path, body: str) -> None:
    """The practice's own 404 page, in its theme folder (`custom_dir`), as MkDocs renders it."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (sample / "overrides").mkdir(exist_ok=True)
    (sample / "overrides/404.html").write_text(
        '{% extends "main.html" %}\n{% block content %}<h1>Page not found</h1><p>' + body + "</p>{% endblock %}\n"
    )


@pytest.mark.parametrize("body", [
    "Read A racing heart, and a steady plan.",  # the title of a story whose consent was revoked
    "Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest.",  # its text
    "Lost? Try example.org/stories/a-r&#97;cing-heart/ instead.",  # its address, typed and encoded
])
def test_a_404_page_showing_a_withheld_story_stops_the_build(sample, body, capsys):
    """MkDocs renders the 404 page (and the sitemap, and `extra_templates`) from templates alone,
    never as a page, so the page checks never saw it: a practice's own 404.html published a
    revoked story on every address that does not exist."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    before = tree_digest(sample / "site")
    _with_custom_404(sample, body)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "template 404.html" in capsys.readouterr().err
    assert tree_digest(sample / "site") == before
    for marker in ("a-racing-heart", "bird trapped in my chest", "racing heart, and a steady"):
        assert _decoded_traces(sample, marker) == []


def test_a_template_named_for_a_withheld_story_stops_the_build(sample):
    """Red team rt4: a theme template listed under `static_templates` (or `extra_templates`),
    named for a withheld story, was rendered to an address showing the story's slug, however
    little it quoted. It stops the build; in CI's fresh checkout (no site/ yet) that wrote no
    site, so a revocation never deployed (red team rt6): the site is written without it."""
    _with_custom_404(sample, "Not found.")
    (sample / "overrides/notes").mkdir()
    (sample / "overrides/notes/tired-for-years.html").write_text("<html><head></head><body>Soon.</body></html>\n")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  custom_dir: overrides\n", "  custom_dir: overrides\n  static_templates: [notes/tired-for-years.html]\n"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/notes/tired-for-years.html").exists()
    assert not [path for path in site_texts(sample / "site") if "tired-for-years" in path]


def test_a_404_page_linking_an_unpublished_piece_loses_the_link(sample, capsys):
    _with_custom_404(sample, '<a href="/cardiology/cardiac-rehab-what-to-expect/">Our rehab guide</a>, coming soon.')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0  # the draft guide's link goes
    assert "Template '404.html' links to 'cardiac-rehab-what-to-expect'" in capsys.readouterr().err
    page = (sample / "site/404.html").read_text()
    assert "coming soon" in page and "cardiac-rehab-what-to-expect" not in page


@pytest.mark.parametrize("strict", [False, True])
def test_a_revocation_withdraws_the_words_other_pages_quoted(sample, strict, capsys):
    """While the story was published, a guide and the practice's 404 page quoted the patient
    (allowed: the consent covered it). Then the consent is revoked. The next build stops on the
    quotation, and a stopped build used to keep the previous site whole, except pages showing
    the story's address: the patient's words stayed published on both pages."""
    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + f'\n\nOne patient told us: "{QUOTED_WHILE_PUBLISHED}."\n')
    _with_custom_404(sample, f"As a patient of ours said: {QUOTED_WHILE_PUBLISHED}.")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert len(_traces(sample, "pothole on my route")) >= 3  # the story, the guide, the 404 page
    _edit_yaml(sample / "consent/C-2026-011.yml", revoked_on="2026-11-20")
    assert main(["build", *(["--strict"] if strict else []), "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, "pothole on my route", "walking-again-after-my-heart-attack") == []
    assert "site/ left as it was" not in capsys.readouterr().err  # it was not: files were deleted
    assert (sample / "site/spine/index.html").is_file()  # the rest of the site stays


def test_a_site_that_only_quotes_a_withheld_story_is_due_a_withdrawal(sample):
    """An older site whose story page is gone but whose guide still quotes the patient: the
    quotation alone makes a failed build withdraw (before, only the story's address did)."""
    from generator.withdraw import withdrawals_due

    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + f'\n\nOne patient told us: "{QUOTED_WHILE_PUBLISHED}."\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    scrub(sample / "site", ["walking-again-after-my-heart-attack"])  # the story's page and links gone
    assert _traces(sample, "pothole on my route") == ["cardiology/heart-failure/heart-failure-daily-weights/index.html"]
    _edit_yaml(sample / "consent/C-2026-011.yml", revoked_on="2026-11-20")
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    # Daniel's champion page still shows his full name, which no published story credits now:
    # a trace of both his withheld stories (red team rt4: `leaks.unconsented_names`).
    assert withdrawals_due(sample / "site", result) == [
        "a-racing-heart", "champions/daniel-o", "walking-again-after-my-heart-attack"]


# 12. A revocation in a file Flywheel cannot use -------------------------------------------------


def _point_at_an_older_record(sample: Path) -> Path:
    """Point the revoked story at an older record of it (no revocation, signed before it), so
    only the revoking record, returned, keeps it off the site."""
    revoked = sample / "consent/C-2026-017.yml"
    older = yaml.safe_load(revoked.read_text())
    older.update(revoked_on=None, signed_on="2026-04-01", form_ref="esign/7000")
    (sample / "consent/C-2026-099.yml").write_text(yaml.safe_dump(older, sort_keys=False))
    story = sample / "content/stories/cardiology/a-racing-heart.md"
    story.write_text(story.read_text().replace("consent: C-2026-017", "consent: C-2026-099"))
    return revoked


@pytest.mark.parametrize("how", ["yaml-error", "flow-mapping", "shared-id", "wrong-extension",
                                 "yaml-escapes", "dangling-link", "looping-link", "folder", "unlistable-folder",
                                 ".YML", ".Yml", ".yml.txt", "no-extension", "dot-file", "slug-in-capitals", "slug-as-file-name",
                                 "slug-as-path", "slug-with-underscores", "slug-with-word-processor-hyphens",
                                 "slug-with-en-dashes", "slug-with-fullwidth-hyphens",
                                 "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-16-nb-hyphens"])
def test_a_revocation_in_a_consent_file_that_cannot_be_used_still_withholds(sample, how, monkeypatch):
    """The story is pointed at an older record of it, and the record that holds the revocation
    cannot be used (neither can be told apart from an unusable file without reading it): the
    story waits until the file is fixed, and the failing build's withdrawal does not publish it.
    An entry that cannot be read at all (a link that leads nowhere, a folder with a record's
    name, a folder without permission: git keeps links, so a pull request can make the first
    two) may hold the revocation of any story."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    revoked = _point_at_an_older_record(sample)
    if how == "yaml-error":
        revoked.write_text(revoked.read_text() + "signed_on: [\n")
    elif how == "flow-mapping":  # the story named on no line of its own, and the mapping never closed
        revoked.write_text("{story: a-racing-heart, signed_on: 2026-05-04, revoked_on: 2026-11-10\n")
    elif how == "yaml-escapes":  # the slug spelt with escapes, and a line broken with a backslash
        revoked.write_text(revoked.read_text().replace("story: a-racing-heart", 'story: "a\\u002dracing\\x2d\\\n  heart"')
                           + "signed_on: [\n")
    elif how.startswith("utf-"):  # rt6: saved by Windows PowerShell's `>` or Notepad's "Unicode"
        text = revoked.read_text()
        if how == "utf-16-nb-hyphens":
            text = text.replace("story: a-racing-heart", "story: a\u2011racing\u2011heart")
        revoked.write_bytes(text.encode(how.removesuffix("-nb-hyphens")))
    elif how == "shared-id":
        (sample / "consent/archive").mkdir()
        (sample / "consent/archive/c-2026-017.yml").write_text(revoked.read_text())
    elif how == "wrong-extension":
        revoked.rename(revoked.with_suffix(".yaml"))
    elif how.startswith("."):  # an export from Windows or macOS, a text editor's "save as"
        revoked.rename(sample / f"consent/C-2026-017{how}")
    elif how == "no-extension":
        revoked.rename(sample / "consent/C-2026-017")
    elif how == "dot-file":  # hidden from `ls`, not from the gate
        revoked.rename(sample / "consent/.C-2026-017")
    elif how.startswith("slug-"):  # a valid record that names its story another way
        # rt5: underscores and the dashes a word processor types (a non-breaking hyphen copied
        # from the signed form's cover note) split the slug into words, so the file named no story
        named = {"slug-in-capitals": "A-Racing-Heart", "slug-as-file-name": "a-racing-heart.md",
                 "slug-as-path": "content/stories/cardiology/a-racing-heart.md",
                 "slug-with-underscores": "a_racing_heart", "slug-with-word-processor-hyphens": "a\u2011racing\u2011heart",
                 "slug-with-en-dashes": "a\u2013racing\u2013heart", "slug-with-fullwidth-hyphens": "a\uff0dracing\uff0dheart"}[how]
        revoked.write_text(revoked.read_text().replace("story: a-racing-heart", f"story: {named}"))
    elif how in ("dangling-link", "looping-link", "folder"):
        revoked.unlink()
        if how == "folder":
            revoked.mkdir()
        else:
            revoked.symlink_to("C-2026-017.yml" if how == "looping-link" else "../archive/C-2026-017.yml")
    else:
        (sample / "consent/archive").mkdir()
        revoked.rename(sample / "consent/archive/C-2026-017.yml")
        listing = os.scandir

        def refuse(path):  # the suite runs as root, whom chmod does not stop
            if str(path).endswith("archive"):
                raise PermissionError(13, "Permission denied", str(path))
            return listing(path)

        monkeypatch.setattr(os, "scandir", refuse)
    decision = run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions["a-racing-heart"]
    assert not decision.published
    assert [code for code, _ in decision.reasons] == ["consent-invalid"] * (2 if how == "shared-id" else 1)
    assert "may hold a revocation" in decision.reasons[0][1]
    # Another story's consent is revoked too, so the failing build must rewrite site/ (withdrawal
    # always deploys) from today's content, leniently: that rewrite published the first story.
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert _traces(sample, f"stories/{STORY}") == [] and (sample / "site/spine/index.html").is_file()
    for marker in ("a-racing-heart", "bird trapped in my chest"):
        assert _decoded_traces(sample, marker) == []


@pytest.mark.parametrize("named", ["a-racing-hart", "a-racng-heart", "a-racing-heart-2"])
def test_a_revocation_that_names_a_slug_typed_wrong_withholds_the_stories_close_to_it(sample, named):
    """A revocation is the patient's word even when compliance mistypes the story's slug: it
    counts against every story whose slug is close to what it names, and is an error until it
    names one. A story the patient signs for again after the revocation is published."""
    revoked = _point_at_an_older_record(sample)
    original = revoked.read_text()
    revoked.write_text(original.replace("story: a-racing-heart", "story: a-story-about-something-else"))
    assert run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions["a-racing-heart"].published  # control
    revoked.write_text(original.replace("story: a-racing-heart", f"story: {named}"))
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    decision = result.gate.decisions["a-racing-heart"]
    assert not decision.published
    assert [code for code, _ in decision.reasons] == ["consent-revoked"]
    assert f"'{named}', a slug close to this story's" in decision.reasons[0][1]
    assert [(p.code, p.path) for p in result.errors] == [("revocation-unknown-story", "consent/C-2026-017.yml")]
    assert all(other.published for slug, other in result.gate.decisions.items()
               if other.kind == "story" and slug not in ("a-racing-heart", "back-to-the-workshop", "tired-for-years"))
    # Signed again after the revocation: the patient's later word.
    _edit_yaml(sample / "consent/C-2026-099.yml", signed_on="2026-11-15")
    assert run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions["a-racing-heart"].published


def test_mkdocs_gh_deploy_is_refused_because_it_cannot_carry_a_withdrawal(sample):
    """`mkdocs gh-deploy` pushes only a build that passes: a story revoked while an unrelated
    guide has an error would stay on GitHub Pages. It is refused before anything is built."""
    env = dict(os.environ, FLYWHEEL_AS_OF=AS_OF)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "gh-deploy", "--no-history"], cwd=sample, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "deploys only a build that passes" in done.stderr
    assert not (sample / "site").exists()


def _short_title(sample: Path, title: str) -> None:
    """The withheld story (consent revoked) under a title too short to be its alone in running
    text."""
    story = sample / "content/stories/cardiology/a-racing-heart.md"
    story.write_text(story.read_text().replace('title: "A racing heart, and a steady plan"', f'title: "{title}"'))


@pytest.mark.parametrize("mention", [
    "Read *Back to a steady beat*, one patient's story.",  # emphasis
    "One patient wrote \u201cBack to a Steady Beat\u201d about her AFib.",  # a quotation, its case changed
    "## Back to a steady beat",  # a heading
    "- [Back to a steady beat](https://example.org/afib-story/)",  # a link to anywhere else
    '<span title="Back to a&#32;steady beat">*</span>',  # an attribute's value
])
def test_a_short_title_of_a_withheld_story_shown_as_a_whole_stops_the_build(sample, mention, capsys):
    """A title of a few words ("Back to a steady beat") is not looked for in running text, where
    it may occur by chance; shown as a whole (emphasised, quoted, a heading, a link's text, an
    attribute) it names the story. A guide that kept the title of a story whose consent was
    revoked published it."""
    _short_title(sample, "Back to a steady beat")
    _guide_quoting_stops_the_build(sample, f"\n\n{mention}\n", capsys)


def test_a_short_title_in_running_text_or_the_site_s_own_title_is_not_a_leak(sample):
    """The same words in a sentence are chance, and a guide's own title is the site's."""
    _short_title(sample, "Back to a steady beat")
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + "\n\nMost patients get back to a steady beat within a day.\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    story = sample / "content/stories/cardiology/a-racing-heart.md"
    story.write_text(story.read_text().replace("Back to a steady beat", "Blood thinners for AFib"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0  # the guide's title: its heading, the nav
    assert "Blood thinners for AFib" in (sample / "site/cardiology/atrial-fibrillation/afib-blood-thinners/index.html").read_text()


@pytest.mark.parametrize("form", ["stories/./a-racing-heart/", "stories//a-racing-heart", "stories\\a-racing-heart/",
                                  "stories/a-rac<b>ing</b>-heart/", "stories/a-r&#97;cing-heart/"])
def test_the_last_resort_reads_a_withheld_address_as_the_page_checks_do(sample, form):
    """A failed build deletes the previous site's pages that show a withheld story's address;
    it read only `stories/<slug>/` as written, while the page checks read the forms a browser
    takes for it."""
    from generator.withdraw import withdrawals_due

    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    page = sample / "site/guide/index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<p>Read it at example.org/{form} today.</p>")
    assert withdrawals_due(sample / "site", result) == ["a-racing-heart"]


@pytest.mark.parametrize("page", ["404.html", "index.html"])
def test_a_linked_or_piped_page_is_no_proof_that_a_build_made_the_site(sample, tmp_path, page, capsys):
    """The proof that site_dir is a build is a page MkDocs wrote: a link to a page elsewhere (or
    to /dev/stdin, where reading would wait forever) or a pipe proves nothing, and is never read."""
    folder = sample / "notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("the practice's own notes\n")
    elsewhere = tmp_path / "built.html"
    elsewhere.write_text('<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.2">')
    (folder / page).symlink_to(elsewhere)
    os.mkfifo(folder / ("index.html" if page == "404.html" else "404.html"))
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site", "site_dir: notes", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "holds files no MkDocs build made" in capsys.readouterr().err
    assert (folder / "todo.txt").read_text() == "the practice's own notes\n"


@pytest.mark.parametrize("name", ["records/C-2026-017.yml", "downloads/consent.txt"])
def test_a_copy_of_a_consent_record_in_docs_dir_is_not_published(sample, capsys, name):
    """red team rt5: a consent record copied into docs_dir (not linked) quotes no story, so the
    static-file checks published it: the revoked story's slug, the revocation date and the e-sign
    reference. A byte-for-byte copy of a file of consent/ is left out, under any name."""
    record = sample / "consent/C-2026-017.yml"
    copy = sample / "theme/pages" / name
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(record.read_bytes())
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert f"'{name}' left out of the site: it is a copy of consent/C-2026-017.yml" in capsys.readouterr().err
    assert not (sample / "site" / name).exists()
    assert not [rel for rel, text in site_texts(sample / "site").items() if "esign/" in text]
    out = sample.parent / "export"
    assert main(["export", str(out), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not [p for p in out.rglob("*") if p.is_file() and b"esign/" in p.read_bytes()]


@pytest.mark.parametrize("link, target", [
    ("records", "../../consent"),  # every consent record: withheld stories' slugs, revocations, form refs
    ("people.yml", "../../content/champions.yml"),
    ("record.txt", "../../consent/C-2026-017.yml"),  # a-racing-heart: revoked
    ("sources", "../../content/stories"),
    ("practice.txt", "../../practice.yml"),
])
def test_a_link_in_docs_dir_to_a_content_folder_publishes_nothing(sample, capsys, link, target):
    """red team rt5: `custom_dir: consent` is refused, but a symbolic link committed in docs_dir
    (git stores links) took MkDocs, the export and the preview into the same folders: every
    consent record was published, naming the revoked story's slug, its revocation and its form.
    A file of docs_dir or the theme folder whose real path lies in a content folder (or any
    folder `custom_dir` may not be) is left out, with a warning naming it."""
    (sample / "theme/pages" / link).symlink_to(target)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert f"'{link}" in err and "left out of the site" in err
    texts = site_texts(sample / "site")
    assert not [rel for rel in texts if rel.split("/")[0] == link]
    assert not [rel for rel, text in texts.items() if "a-racing-heart" in text or "esign/" in text]
    out = sample.parent / "export"
    assert main(["export", str(out), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (out / "docs" / link).exists()
    exported = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in exported if b"a-racing-heart" in p.read_bytes() or b"esign/" in p.read_bytes()]


@pytest.mark.parametrize("how", ["flywheel build", "mkdocs build"])
def test_a_site_folder_no_build_made_still_loses_a_withheld_story(sample, capsys, how):
    """red team rt5: a build refuses to replace a site_dir holding files no MkDocs build made
    (a pull request committing `site/` with pages lacking MkDocs' generator tag), and the last
    resort, which touches no refused folder, left it alone: the revoked story's page, committed
    in it, was deployed by the example workflow (it uploads site/ whatever the exit status,
    when site/index.html exists). The refusal stands, but the files in that folder that show a
    withheld story are deleted; the rest are kept."""
    _built(sample)
    for page in ("index.html", "404.html"):
        path = sample / "site" / page
        path.write_text(path.read_text().replace('<meta name="generator"', '<meta name="made-by"'))
    (sample / "site/notes.txt").write_text("Someone's own file, about nothing.")
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    if how == "mkdocs build":
        config = sample / "mkdocs.yml"
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config)], capture_output=True,
                              text=True, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF}, check=False)
        assert done.returncode == 1 and "holds files no MkDocs build made" in done.stderr, done.stderr
    else:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
        assert "holds files no MkDocs build made" in capsys.readouterr().err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert (sample / "site/notes.txt").is_file() and (sample / "site/spine/index.html").is_file()
    # Flywheel cannot tell its own pages there from someone's files: what it took off the site
    # is moved into the cache folder (never published), not deleted
    aside = list((sample / ".flywheel-cache/withdrawn").glob(f"*/stories/{STORY}/index.html"))
    assert len(aside) == 1 and TITLE in aside[0].read_text()


@pytest.mark.parametrize("cache", ["environment", "link"])
@pytest.mark.parametrize("site", ["built by flywheel", "with files no build made"])
@pytest.mark.parametrize("how", ["flywheel build", "mkdocs build"])
def test_a_cache_folder_that_would_be_published_does_not_stop_a_withdrawal(sample, capsys, monkeypatch, how, site, cache):
    """The cache folder is refused where it would be published (FLYWHEEL_CACHE_DIR inside the
    site, set carelessly, or `.flywheel-cache` committed as a link into it by a pull
    request). That refusal stopped the check, and with it the
    withdrawal: the story whose consent was just revoked stayed in the site CI deploys. The
    check now runs without the cache and fails, and the site is withdrawn from as always;
    the last resort, which moves what it takes from a folder no build made into the cache
    folder, deletes it instead (moved there, it would be back on the site)."""
    _built(sample)
    if site == "with files no build made":
        for page in ("index.html", "404.html"):
            path = sample / "site" / page
            path.write_text(path.read_text().replace('<meta name="generator"', '<meta name="made-by"'))
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    if cache == "environment":
        monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(sample / "site/assets/cache"))
    else:
        shutil.rmtree(sample / ".flywheel-cache", ignore_errors=True)
        (sample / ".flywheel-cache").symlink_to("site/assets/cache")
    if how == "mkdocs build":
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(sample / "mkdocs.yml")],
                              capture_output=True, text=True, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF}, check=False)
        assert done.returncode == 1, done.stderr
        err = done.stderr
    else:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
        err = "".join(capsys.readouterr())
    if site == "built by flywheel":  # else the folder's own refusal is the error shown first
        assert "must never be published" in err and "[cache-folder-refused]" in err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]
    assert not (sample / "site/assets/cache").exists()


@pytest.mark.parametrize("built_before", [False, True])
@pytest.mark.parametrize("link, to", [(".flywheel-cache", "site/assets/cache"), ("proofs", "site/proofs"),
                                      ("report", "site"), (".flywheel-cache", "site/assets")])
def test_a_committed_link_into_the_site_does_not_stop_a_withdrawal(sample, capsys, link, to, built_before):
    """A pull request commits one of the folders Flywheel writes as a link into site/. In CI's
    fresh checkout it leads nowhere, yet the build refused site/ as a folder that would replace
    it: no site/ was written, nothing deployed, and a story revoked since stayed on the live
    site. Nothing is there to replace, so the build goes on (and the cache, refused where it
    would be published, is not used: an error, with the withdrawal deployed). On a machine
    that keeps site/ between builds the link leads into the site: for Flywheel's own outputs,
    which it makes again at will, the build goes on too."""
    if built_before:
        _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    shutil.rmtree(sample / link, ignore_errors=True)
    (sample / link).symlink_to(to)
    code = main(["build", "--root", str(sample), "--as-of", AS_OF])
    out, err = capsys.readouterr()
    assert code == (1 if link == ".flywheel-cache" else 0), out + err
    assert (sample / "site/index.html").is_file()
    assert not (sample / f"site/stories/{STORY}").exists()
    assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]
    assert not list((sample / "site").rglob("check-*.json"))


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
@pytest.mark.parametrize("link", ["admin", ".github", "schemas"])
def test_a_practice_folder_linked_into_a_kept_site_does_not_stop_a_withdrawal(sample, capsys, link, command):
    """On a machine that keeps site/ between builds, a practice folder committed as a link into
    it (`admin -> site/admin`) makes the build refuse site/, which would replace the folder, and
    the last resort refused it too: the revoked story stayed on the site for as long as the link
    stood. The build still refuses; the last resort replaces nothing and takes the story off,
    moving (not deleting) what it takes, since what lies there through the link is the practice's."""
    _built(sample)
    inside = sample / "site/kept" / Path(link).name
    inside.parent.mkdir(parents=True)
    if (sample / link).exists():
        shutil.move(sample / link, inside)
    else:  # the practice's folder, kept in site/ (copy_sample copies the content folders only)
        inside.mkdir()
        (inside / "README.md").write_text("The practice's own file.\n")
    (sample / link).symlink_to(os.path.relpath(inside, (sample / link).parent))
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    code, err = _build_by(command, sample, capsys)
    assert code != 0 and "site_dir would replace" in err, err
    assert not (sample / f"site/stories/{STORY}").exists(), err
    assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]
    assert "moved to" in err and list((sample / ".flywheel-cache/withdrawn").rglob(f"{STORY}/index.html"))
    assert inside.exists()  # the practice's folder, through the link, is where it was


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
@pytest.mark.parametrize("name", ["content/champions.yml", "consent/C-2026-012.yml",
                                  f"content/stories/cardiology/{STORY}.md"])
def test_a_content_file_linked_into_the_site_is_refused_and_kept(sample, capsys, command, name):
    """A content file committed as a link into site/ (`content/champions.yml ->
    ../site/kept/champions.yml`): the check read it through the link, and the next build, which
    replaces site/ whole, deleted the file the link leads to, the generator deleting what it
    did not make. The build refuses to replace site/, naming the link (the check refuses the
    link too); the file it leads to is kept, moved aside where it showed a story now withheld."""
    _built(sample)
    target = sample / "site/kept" / Path(name).name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(sample / name, target)
    (sample / name).symlink_to(os.path.relpath(target, (sample / name).parent))
    check = main(["check", "--root", str(sample), "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert check == 1 and f"{name}: error: is a symbolic link into site/ (site_dir), which every build replaces" in out
    code, err = _build_by(command, sample, capsys)
    assert code == 1, err
    assert f"{name} is a symbolic link into site_dir, which a build replaces whole" in err, err
    # A file that shows a story now withheld (every story's champion is unknown without
    # champions.yml) is taken off the site: moved aside, as the practice's, never deleted.
    assert target.is_file() or [*(sample / ".flywheel-cache/withdrawn").rglob(f"kept/{target.name}")]
    assert not [*(sample / "site").rglob(target.name)], err

@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
@pytest.mark.parametrize("plugin", ["  - material/info\n", "  - info:\n      archive: false\n",
                                    "  - material/group:\n      enabled: true\n      plugins:\n        - material/info\n",
                                    "  - /material/info\n"])
def test_materials_info_plugin_is_refused_before_it_runs_and_a_withdrawal_still_lands(sample, capsys, command, plugin):
    """Material's info plugin, listed by a pull request: in its `on_config`, ahead of Flywheel's,
    it asks GitHub for Material's latest release, zips the whole working folder (consent records
    and withheld stories) for a public bug report and ends the process with `sys.exit`, past
    every error handler: no withdrawal ran. Offline it was a traceback. It is refused before it
    runs, and the revoked story still leaves the site."""
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n" + plugin, 1))
    code, err = _build_by(command, sample, capsys)
    assert code == 1 and "info plugin" in err and "Traceback" not in err, err
    assert "github.com" not in err  # refused before it asked
    assert not (sample / f"site/stories/{STORY}").exists()
    assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]
    assert not list(sample.rglob("*.zip"))


def test_a_plugin_ending_the_process_under_mkdocs_build_still_withdraws(sample, tmp_path):
    """Under plain `mkdocs build` a SystemExit goes past MkDocs' error handling, so no plugin's
    `on_build_error` ran and the kept site still showed a story revoked since. MkDocs still
    calls `on_shutdown`, and there the plugin sees a build that never ended and withdraws."""
    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n  - material/tags\n", 1))
    patches = tmp_path / "patches"
    patches.mkdir()
    (patches / "sitecustomize.py").write_text(
        "import sys\nfrom material.plugins.tags.plugin import TagsPlugin\n"
        "TagsPlugin.on_page_markdown = lambda self, markdown, **kwargs: sys.exit(1)\n")
    env = {**os.environ, "FLYWHEEL_AS_OF": AS_OF, "PYTHONPATH": os.pathsep.join([str(patches), *sys.path])}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "the build ended before it finished" in done.stderr, done.stderr
    assert not (sample / f"site/stories/{STORY}").exists(), done.stderr
    assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]


def test_a_plugin_ending_the_process_still_gets_a_withdrawal_deployed(sample, capsys, monkeypatch):
    """A plugin that calls `sys.exit` (Material's info plugin does, after its version check)
    raised SystemExit, which no `except Exception` catches: `flywheel build` ended at once, and
    in CI's fresh checkout no site was written, so a revocation never deployed. It is a failed
    build like any other: the site is written with Flywheel's defaults, and the build fails."""
    from material.plugins.tags.plugin import TagsPlugin

    def ends_the_process(self, config):
        sys.exit(1)

    monkeypatch.setattr(TagsPlugin, "on_config", ends_the_process)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", "plugins:\n  - material/tags\n", 1))
    code = main(["build", "--root", str(sample), "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert code == 1 and "SystemExit" in err, err
    assert (sample / "site/index.html").is_file()
    assert (sample / "site/stories/finding-answers/index.html").is_file()
    assert not (sample / f"site/stories/{STORY}").exists()


_FAILING_GUIDE = "content/guides/thyroid/fine-needle-aspiration-biopsy.md"
_FAILING_PAGE = "site/thyroid/thyroid-nodules/fine-needle-aspiration-biopsy/index.html"


@pytest.mark.parametrize("command, built_before", [("flywheel", False), ("flywheel", True), ("mkdocs", False)])
@pytest.mark.parametrize("revoked", [True, False])
def test_a_markdown_extension_failing_on_one_page_is_an_error_and_still_withdraws(sample, capsys, command, built_before,
                                                                                 revoked):
    """`pymdownx.snippets` with `check_paths: true` and a guide including a file that is not
    there: the extension raised, and the build ended with a traceback; in CI's fresh checkout
    nothing was written, so a story revoked meanwhile stayed live. That page is now the notice,
    with an error naming the guide, and the build fails; a kept site is kept when no withdrawal
    is due (the previous good pages are not lost)."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - admonition\n", f"  - admonition\n  - pymdownx.snippets:\n      check_paths: true\n      base_path: [{sample}/theme/pages]\n", 1))
    if built_before:
        _built(sample)
        before = (sample / _FAILING_PAGE).read_text()
    guide = sample / _FAILING_GUIDE
    guide.write_text(guide.read_text() + '\n--8<-- "missing-snippet.md"\n')
    if revoked:
        _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    code, err = _build_by(command, sample, capsys)
    assert code != 0 and "Traceback" not in err, err
    assert f"(generated from {_FAILING_GUIDE}) could not be converted from Markdown (SnippetMissingError" in err, err
    assert (sample / "site/index.html").is_file()
    if revoked:
        assert not (sample / f"site/stories/{STORY}").exists()
        assert not [p for p in (sample / "site").rglob("*.html") if TITLE in p.read_text(errors="replace")]
    if built_before and not revoked:
        assert (sample / _FAILING_PAGE).read_text() == before  # the previous good site, kept
    elif not built_before:
        assert "This page is being updated." in (sample / _FAILING_PAGE).read_text()


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
def test_a_docs_page_that_is_not_utf8_is_an_error_and_still_withdraws(sample, capsys, command):
    """A page of docs_dir saved in another encoding: MkDocs raised, the build ended with a
    traceback, and in CI's fresh checkout no site carried a withdrawal."""
    (sample / "theme/pages/notes.md").write_bytes(b"# Notes\n\n\xff\xfe caf\xe9 hours\n")
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    code, err = _build_by(command, sample, capsys)
    assert code != 0 and "Traceback" not in err, err
    assert "Doc file 'notes.md' could not be read (UnicodeDecodeError" in err and "save it as UTF-8 text" in err
    assert (sample / "site/index.html").is_file()
    assert "This page is being updated." in (sample / "site/notes/index.html").read_text()
    assert not (sample / f"site/stories/{STORY}").exists()


@pytest.mark.parametrize("command", ["flywheel", "mkdocs"])
@pytest.mark.parametrize("template", ["nothere.html", "../../../../etc/passwd", "[main.html]"])
def test_a_page_asking_for_a_template_the_theme_lacks_is_an_error_and_still_withdraws(sample, capsys, command, template):
    """A docs_dir page with `template: nothere.html` in its frontmatter: Jinja raised as the page
    was written, the build ended with a traceback, and in CI's fresh checkout no site carried a
    withdrawal."""
    (sample / "theme/pages/notes.md").write_text(f"---\ntemplate: {template}\n---\n# Notes\n\nOpening hours.\n")
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    code, err = _build_by(command, sample, capsys)
    assert code != 0 and "Traceback" not in err, err
    assert "Doc file 'notes.md' asks for template" in err and "which the theme does not have" in err
    assert (sample / "site/index.html").is_file()
    assert "This page is being updated." in (sample / "site/notes/index.html").read_text()
    assert not (sample / f"site/stories/{STORY}").exists()


_UNUSABLE_SETTINGS = {
    "not YAML": lambda text: "site_name: [unclosed\n",
    "deleted": lambda text: None,
    "a plugin not installed": lambda text: text.replace("plugins:\n", "plugins:\n  - not-installed-anywhere\n", 1),
    "a hook": lambda text: text + "\nhooks:\n  - hook.py\n",
    "no flywheel plugin": lambda text: text.replace("  - flywheel:\n", "  - unused:\n", 1),
    "an invalid site_url": lambda text: text + "\nsite_url: 'ht!tp://[::1'\n",
}


@pytest.mark.parametrize("built_before", [False, True])
@pytest.mark.parametrize("settings", sorted(_UNUSABLE_SETTINGS))
def test_a_mkdocs_yml_that_cannot_be_used_does_not_keep_a_revoked_story_live(sample, capsys, settings, built_before):
    """A mkdocs.yml that cannot be used (broken by a careless edit or a pull request) stopped
    `flywheel build` before it wrote anything: in CI's fresh checkout no site/ was written,
    nothing was deployed, and a story revoked since stayed on the live site; where a site was
    kept and mkdocs.yml was not YAML at all, the last resort could not find it. Now a fresh
    checkout is built with Flywheel's default settings (the build still fails, saying so), and
    a kept site loses the story's pages, the rest of it as it was."""
    guide = "thyroid/thyroid-nodules/thyroid-ultrasound/index.html"  # a page that names no story
    if built_before:
        _built(sample)
        before = (sample / "site" / guide).read_text()
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    changed = _UNUSABLE_SETTINGS[settings](config.read_text())
    if changed is None:
        config.unlink()
    else:
        config.write_text(changed)
    project = sorted(p.relative_to(sample) for p in sample.rglob("*") if not p.is_relative_to(sample / "site"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    assert not [p for p in (sample / "site").rglob("*") if p.is_file() and TITLE in p.read_text(errors="replace")]
    if built_before:  # the last resort: the practice's site, less what shows or links to the story
        assert (sample / "site" / guide).read_text() == before
    else:
        assert "Flywheel's default settings" in err
        assert (sample / "site/index.html").is_file() and (sample / "site" / guide).is_file()
    after = sorted(p.relative_to(sample) for p in sample.rglob("*")
                   if not p.is_relative_to(sample / "site") and not p.is_relative_to(sample / ".flywheel-cache"))
    assert after == [p for p in project if not p.is_relative_to(Path(".flywheel-cache"))]


def test_a_build_with_flywheels_defaults_leaves_nothing_for_the_next_build(tmp_path, capsys):
    """MkDocs hands one plugin object to every build in a process: the project a build with
    Flywheel's defaults was given must not become the next build's project."""
    (tmp_path / "broken").mkdir()
    (tmp_path / "other").mkdir()
    broken, other = copy_sample(tmp_path / "broken"), copy_sample(tmp_path / "other")
    (broken / "mkdocs.yml").write_text("site_name: [unclosed\n")
    (broken / "content/guides/thyroid/thyroid-ultrasound.md").unlink()
    assert main(["build", "--root", str(broken), "--as-of", AS_OF]) == 1
    assert not (broken / "site/thyroid/thyroid-nodules/thyroid-ultrasound").exists()
    assert main(["build", "--root", str(other), "--as-of", AS_OF]) == 0
    assert (other / "site/thyroid/thyroid-nodules/thyroid-ultrasound/index.html").is_file()
    assert "Riverbend" in (other / "site/index.html").read_text()
    capsys.readouterr()

@pytest.mark.parametrize("built_before", [False, True])
@pytest.mark.parametrize("template", ["every page", "one page", "a missing partial"])
def test_a_theme_template_that_fails_is_an_error_and_still_withdraws(sample, capsys, template, built_before):
    """A template in the practice's theme folder that fails as pages render ended `flywheel
    build` with a Python traceback, and in CI's fresh checkout with no site/: a story revoked
    since stayed live. Now it is an error naming the template and line, a fresh checkout is
    built with Flywheel's own templates, and a kept site loses the story's pages."""
    body = {"every page": "{{ no_such_function() }}",
            "one page": "{% if page.title and 'Thyroid' in page.title %}{{ no_such_function() }}{% endif %}",
            "a missing partial": "{% include 'partials/nowhere.html' %}"}[template]
    if built_before:
        _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1))
    (sample / "overrides").mkdir()
    (sample / "overrides/main.html").write_text(
        "{% extends 'base.html' %}\n{% block content %}\n" + body + "{{ super() }}{% endblock %}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "template main.html" in err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    if not built_before:
        assert "Flywheel's default settings and templates" in err and (sample / "site/index.html").is_file()

@pytest.mark.parametrize("built_before", [False, True])
@pytest.mark.parametrize("setting", ["palette: 5", "custom_dir: overrides"])
def test_a_theme_setting_a_template_cannot_take_is_an_error_and_still_withdraws(sample, capsys, setting, built_before):
    """`theme: palette: 5` in mkdocs.yml: MkDocs accepts it, and Material's `palette | first`
    raised a TypeError as pages rendered (not one of Jinja's errors): a traceback, and in CI's
    fresh checkout no site. It is now a template's error, as any other."""
    if built_before:
        _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("theme:\n", f"theme:\n  {setting}\n", 1))
    if setting.startswith("custom_dir"):  # a filter given what it cannot take, in the practice's template
        (sample / "overrides").mkdir()
        (sample / "overrides/main.html").write_text("{% extends 'base.html' %}\n{% block content %}{{ 5 | first }}{% endblock %}\n")
    code = main(["build", "--root", str(sample), "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "flywheel: template " in err, err
    assert _traces(sample, f"stories/{STORY}", TITLE) == []
    if not built_before:
        assert "Flywheel's default settings and templates" in err and (sample / "site/index.html").is_file()


def _commit_all(root: Path) -> None:
    when = {**os.environ, "GIT_COMMITTER_DATE": f"{AS_OF}T12:00:00Z", "GIT_AUTHOR_DATE": f"{AS_OF}T12:00:00Z"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "a pull request"]):
        done = subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=root,
                              capture_output=True, text=True, env=when, check=False)
        assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("what", ["a file in site/", "a file named site"])
@pytest.mark.parametrize("how", ["flywheel build", "mkdocs build"])
def test_a_file_committed_into_site_does_not_stop_every_deploy(sample, capsys, how, what):
    """red team rt5: a pull request committing one file into `site/` (the contract's build
    output, never committed) made every build refuse the folder as someone's files: in CI's
    fresh checkout no site was written, the example workflow (which uploads site/ only when it
    holds index.html) deployed nothing, and a story revoked meanwhile stayed on the live site
    for as long as the file stood. Files git holds as committed and unchanged are replaced;
    a file git does not hold is still someone's own, and still refused."""
    if what == "a file named site":
        (sample / "site").write_text("A file a pull request committed.")
    else:
        (sample / "site").mkdir()
        (sample / "site/notes.txt").write_text("A file a pull request committed.")
    _commit_all(sample)

    def build() -> int:
        if how == "mkdocs build":
            return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(sample / "mkdocs.yml")],
                                  capture_output=True, env={**os.environ, "FLYWHEEL_AS_OF": AS_OF}, check=False).returncode
        return main(["build", "--root", str(sample), "--as-of", AS_OF])

    assert build() == 0
    assert (sample / "site/index.html").is_file() and not (sample / "site/notes.txt").exists()
    assert not [p.name for p in sample.iterdir() if p.name.startswith(".site")]
    shutil.rmtree(sample / "site")
    (sample / "site").mkdir()
    (sample / "site/mine.txt").write_text("Someone's own file, never committed.")
    assert build() == 1
    assert (sample / "site/mine.txt").is_file() and not (sample / "site/index.html").exists()


@pytest.mark.parametrize("target", ["../consent/C-2026-017.yml", "../consent", "../../outside/C-2026-017.yml"])
def test_a_template_linked_into_a_content_folder_shows_nothing(sample, capsys, target):
    """red team rt5: MkDocs' template loader reads the practice's theme folder directly, not
    through the static files: a template committed as a link into `consent/` (or a folder
    linked there), included by `main.html`, printed the revoked story's consent record (its
    slug, revocation date and form) on every page, which no page check reads as a leak. A
    template whose real path lies where `custom_dir` may not is read as empty, with a warning."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (sample / "overrides").mkdir()
    included = "record.html" if target.endswith(".yml") else "records/C-2026-017.yml"
    (sample.parent / "outside").mkdir()  # a copy kept outside the project (a link out of it)
    (sample.parent / "outside/C-2026-017.yml").write_text((sample / "consent/C-2026-017.yml").read_text())
    (sample / "overrides" / included.split("/")[0]).symlink_to(target)
    (sample / "overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}{{ super() }}<pre>{% include "' + included + '" %}</pre>'
        "{% endblock %}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert "is a link " + ("out of the project" if "outside" in target else "into consent") in capsys.readouterr().err
    assert not [rel for rel, text in site_texts(sample / "site").items() if "a-racing-heart" in text or "esign/" in text]
    assert (sample / "site/stories/finding-answers/index.html").is_file()


@pytest.mark.parametrize("link", ["favicon-2.ico", "home"])
def test_a_link_out_of_the_project_publishes_nothing(sample, capsys, link):
    """red team rt5: a link committed in docs_dir may name any absolute path, and MkDocs and the
    export follow it: `favicon-2.ico -> /home/runner/.cache/flywheel/cache-key` published the key
    that signs the build machine's caches (with it, a committed cache is signed as if this
    machine wrote it), `etc -> /etc` the machine's settings. A file of docs_dir or the theme
    folder whose real path lies outside both the project and that folder is left out."""
    home = sample.parent / "home"
    (home / ".cache/flywheel").mkdir(parents=True)
    (home / ".cache/flywheel/cache-key").write_bytes(b"\x13" * 32)
    target = home / ".cache/flywheel/cache-key" if link.endswith(".ico") else home
    (sample / "theme/pages" / link).symlink_to(target)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert f"'{link}" in err and "a link out of the project" in err
    assert not (sample / "site" / link).exists()
    out = sample.parent / "export"
    assert main(["export", str(out), "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (out / "docs" / link).exists()
    assert (out / "docs/robots.txt").is_file() and (sample / "site/robots.txt").is_file()


@pytest.mark.parametrize("strict", [False, True])
def test_a_fresh_checkout_withdraws_a_story_a_guide_still_quotes(sample, strict, capsys):
    """red team rt5: CI builds in a fresh checkout, with no previous site to scrub. A guide
    quoted the patient while the consent covered it; then the consent is revoked. The page
    check stopped the build, no site/ was written, the example workflow (which uploads site/
    only when it holds index.html) deployed nothing, and the live site kept the revoked story
    for as long as the guide stood. Now the quoting page's text is left out, the site is written
    without the story, and the build still fails naming the page."""
    guide = sample / "content/guides/cardiology/heart-failure-daily-weights.md"
    guide.write_text(guide.read_text() + f'\n\nOne patient told us: "{QUOTED_WHILE_PUBLISHED}."\n')
    _edit_yaml(sample / "consent/C-2026-011.yml", revoked_on="2026-11-20")
    assert not (sample / "site").exists()
    assert main(["build", *(["--strict"] if strict else []), "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "heart-failure-daily-weights" in err and "quotes a withheld story" in err
    assert (sample / "site/index.html").is_file() and (sample / "site/spine/index.html").is_file()
    assert _traces(sample, "pothole on my route", "walking-again-after-my-heart-attack") == []
    # with nothing to withdraw from a previous site, the same quotation keeps that site as it was
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "site/ left as it was" in capsys.readouterr().err


def test_a_disguised_title_of_a_withheld_story_never_reaches_the_search_index(sample, capsys):
    """A guide given a withheld story's title with a zero-width space in it: the page is written
    as a notice (rt5), but the search index had indexed the title, and its check at the end read
    the index's JSON, where the space is an escape, not what a reader sees: the written site's
    search showed the title. A build that leaves a page out for this writes no search index."""
    story = yaml.safe_load((sample / "content/stories/cardiology/a-racing-heart.md").read_text().split("---")[1])
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    text = guide.read_text()
    front = yaml.safe_load(text.split("---")[1])
    disguised = story["title"].replace(" ", " \u200b", 1)
    guide.write_text(text.replace(f"title: {front['title']}" if f"title: {front['title']}" in text
                                  else f'title: "{front["title"]}"', f'title: "{disguised}"', 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert (sample / "site/index.html").is_file()
    index = sample / "site/search/search_index.json"
    shown = "" if not index.exists() else " ".join(
        f"{doc.get('title', '')} {doc.get('text', '')}" for doc in json.loads(index.read_text())["docs"])
    assert story["title"] not in shown.replace("\u200b", "")


def test_a_site_written_only_to_withdraw_keeps_no_offline_search_index(sample):
    """red team rt6: Material's offline plugin copies the search index into
    `search/search_index.js` (its search works from `file://`). A site written only to withdraw
    dropped `search_index.json`, which had indexed a guide given a withheld story's title, but
    not the copy: under plain `mkdocs build` (no last resort runs after a build Flywheel
    wrote) the title stayed in the site's search."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - search\n", "  - search\n  - offline\n", 1))
    practice = sample / "practice.yml"  # the offline plugin's iframe shim comes from unpkg.com
    practice.write_text(practice.read_text().replace(
        "third_parties: []", "third_parties: [{host: unpkg.com, reason: the offline plugin's shim}]", 1))
    story = yaml.safe_load((sample / "content/stories/cardiology/a-racing-heart.md").read_text().split("---")[1])
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    text = guide.read_text()
    front = yaml.safe_load(text.split("---")[1])
    guide.write_text(text.replace(f"title: {front['title']}" if f"title: {front['title']}" in text
                                  else f'title: "{front["title"]}"', f'title: "{story["title"]}"', 1))
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, capture_output=True, text=True, check=False,
                          env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
    assert done.returncode == 1 and "quotes a withheld story" in done.stderr, done.stderr
    assert (sample / "site/index.html").is_file()
    assert _traces(sample, story["title"]) == []


@pytest.mark.parametrize("how", ["flywheel build", "mkdocs build"])
def test_a_page_loading_from_a_third_party_does_not_stop_a_fresh_checkout_withdrawing(sample, how):
    """red team rt6: a guide (or the practice's `extra_javascript`) loading from a host
    practice.yml does not list stops the build after every page is written, and the failed
    build kept no site: in CI's fresh checkout nothing was deployed, so a story revoked
    meanwhile stayed on the live site for as long as the image stood. Where a withdrawal is
    due, the site is written with such a page as a notice (the tracker never reaches it), and
    the build still fails naming the host."""
    story = yaml.safe_load((sample / "content/stories/cardiology/a-racing-heart.md").read_text().split("---")[1])
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + '\n<img src="https://tracker.example/pixel.gif" alt="">\n')
    if how == "mkdocs build":
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, capture_output=True, text=True, check=False,
                              env={**os.environ, "FLYWHEEL_AS_OF": AS_OF})
        assert done.returncode == 1, done.stderr
        assert "tracker.example" in done.stderr
    else:
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert (sample / "site/index.html").is_file()
    assert _traces(sample, "tracker.example", story["title"], "stories/a-racing-heart") == []
    page = (sample / "site/cardiology/atrial-fibrillation/afib-blood-thinners/index.html").read_text()
    assert "This page is being updated." in page


def test_a_page_loading_from_a_third_party_keeps_the_previous_site_when_no_withdrawal_is_due(sample):
    """The same with a previous site that shows no withheld story: it is kept as it was."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    before = tree_digest(sample / "site")
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    guide.write_text(guide.read_text() + '\n<img src="https://tracker.example/pixel.gif" alt="">\n')
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert tree_digest(sample / "site") == before


@pytest.mark.parametrize("where", ["guide title", "guide summary", "404 page"])
def test_a_quotation_in_a_page_s_frame_does_not_stop_a_fresh_checkout_withdrawing(sample, capsys, where):
    """red team rt5: the same as above where the quotation is in what frames a page (a guide's
    title in every page's navigation, its summary in the page's description, the practice's
    own 404 page): a content team could keep a revoked story on the live site by giving a
    guide its title, since in CI's fresh checkout no site was written. Such a page, or
    template, is written as a notice instead, the search index is left out when it quotes the
    story, and the build still fails."""
    story = yaml.safe_load((sample / "content/stories/cardiology/a-racing-heart.md").read_text().split("---")[1])
    guide = sample / "content/guides/cardiology/afib-blood-thinners.md"
    if where == "404 page":
        _with_custom_404(sample, f"Read {story['title']}.")
    else:
        key = "title" if where == "guide title" else "summary"
        text = guide.read_text()
        front = yaml.safe_load(text.split("---")[1])
        guide.write_text(text.replace(f"{key}: {front[key]}" if f"{key}: {front[key]}" in text else f'{key}: "{front[key]}"',
                                      f'{key}: "{story[key]}"', 1))
        assert story[key] in guide.read_text()
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "quotes a withheld story" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file()
    assert _traces(sample, story["title"], story["summary"], "a-racing-heart") == []


@pytest.mark.parametrize("asset", ["assets/javascripts/lunr/wordcut.js", "assets/flywheel.css"])
def test_a_theme_file_changed_in_a_kept_site_is_still_read_for_a_withdrawal(sample, tmp_path, asset):
    """A kept site's copies of the installed themes' own files are not read for a withheld
    story (nothing of the project is in them: they cost most of a site scan's time), but only
    while they are byte for byte those files: one that a pull request changed to carry a
    revoked story's title is read, and the story is due for withdrawal."""
    from generator.withdraw import withdrawals_due

    _built(sample)
    _edit_yaml(sample / "consent/C-2026-012.yml", revoked_on="2026-11-20")
    result = run_check(sample, dt.date.fromisoformat(AS_OF))
    kept = tmp_path / "kept"  # a site holding that one file, and nothing else that shows the story
    (kept / asset).parent.mkdir(parents=True)
    shutil.copyfile(sample / "site" / asset, kept / asset)
    assert withdrawals_due(kept, result) == []
    (kept / asset).write_text((kept / asset).read_text() + f"\n/* {TITLE} */\n")
    assert withdrawals_due(kept, result) == [STORY]
