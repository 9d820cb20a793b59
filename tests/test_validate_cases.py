"""One fixture file per edge case (tests/fixtures/cases/), dropped into a valid base project.

Each case asserts the exact text of every problem: the messages are part of the contract.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from helpers import CASES, add_case, copy_base

from generator.check import run_check

AS_OF = dt.date(2026, 11, 22)

EXPECTED: dict[str, list[str]] = {
    'consent_missing_expiry.yml': [
        "consent/C-2026-900.yml:1: error: expires_on: missing required key 'expires_on' [missing-key]\n    hint: add 'expires_on': Required: an authorization must expire.",
        "consent/C-2026-900.yml:5: error: scope: expected one of website, social, email, print; got 'billboard' [bad-choice]",
    ],
    'consent_tagged_revocation.yml': [
        "consent/C-2026-900.yml:11: error: revoked_on: YAML tags (such as !!null or !!str) and merge keys (<<) are not allowed: the value would not read as it is written [yaml-tag]\n    hint: write the value plainly, without the tag or the merge key",
    ],
    'dir_named_md.md': [
        'content/guides/cardiology/not-a-file.md: error: is a directory, expected a file [unreadable]',
    ],
    'guide_alias_bomb.md': [
        'content/guides/cardiology/guide-alias-bomb.md:2: error: anchors and aliases (& and *) are not allowed [yaml-alias]\n    hint: write the value out in full',
    ],
    'guide_tab_indent.md': [
        'content/guides/cardiology/guide-tab-indent.md:10: error: YAML does not allow tabs for indentation; use spaces [yaml-syntax]\n    hint: replace the tab at the start of this line with spaces',
    ],
    'guide_reviewed_in_future.md': [
        'content/guides/cardiology/guide-reviewed-in-future.md:8: error: reviewed_on: reviewed on 2026-11-23, after the build date 2026-11-22 [review-in-future]\n    hint: write the date the medical review happened',
    ],
    'story_yaml_syntax.md': [
        'content/stories/cardiology/story-yaml-syntax.md:7: error: YAML syntax error: while scanning a quoted scalar found unexpected end of stream [yaml-syntax]',
    ],
    'guide_bad_date.md': [
        "content/guides/cardiology/guide-bad-date.md:8: error: reviewed_on: expected a date written YYYY-MM-DD, got '2026-13-01' [bad-date]",
    ],
    'guide_bad_next_step.md': [
        "content/guides/cardiology/guide-bad-next-step.md:7: error: next_step: expected one of intake, scheduling, triage; got 'booking' [bad-choice]",
    ],
    'guide_bad_slug.md': [
        "content/guides/cardiology/Guide_Bad_Slug.md:1: error: slug 'Guide_Bad_Slug' (the file name) must be lowercase letters, digits and hyphens [bad-slug]\n    hint: rename the file, e.g. 'chest-pain-when-to-worry.md'",
    ],
    'guide_care_card_misspelt.md': [
        "content/guides/cardiology/guide-care-card-misspelt.md:12: error: unknown care card level 'emergancy': expected one of emergency, urgent, routine [unknown-care-card]\n    hint: did you mean 'emergency'?",
    ],
    'guide_bad_stage.md': [
        "content/guides/cardiology/guide-bad-stage.md:6: error: stage: expected one of learn, decide, prepare, recover; got 'lern' [bad-choice]\n    hint: did you mean 'learn'?",
    ],
    'guide_bom_crlf.md': [
    ],
    'guide_control_character.md': [
        'content/guides/cardiology/guide-control-character.md:3: error: YAML does not allow the control character U+0000 [yaml-syntax]\n    hint: delete it (it is invisible in most editors)',
    ],
    'guide_content_key.md': [
        "content/guides/cardiology/guide-content-key.md:9: error: content: unknown key 'content' [unknown-key]\n    hint: allowed keys: draft, next_step, pillar, reviewed_by, reviewed_on, service_line, stage, summary, tags, title, topic",
    ],
    'guide_date_not_a_date.md': [
        "content/guides/cardiology/guide-date-not-a-date.md:8: error: reviewed_on: expected a date written YYYY-MM-DD, got 'last spring' [bad-date]",
    ],
    'guide_duplicate_key.md': [
        "content/guides/cardiology/guide-duplicate-key.md:7: error: stage: key 'stage' appears twice (first on line 6) [yaml-duplicate-key]\n    hint: remove one of them",
    ],
    'guide_merge_key.md': [
        "content/guides/cardiology/guide-merge-key.md:7: error: YAML tags (such as !!null or !!str) and merge keys (<<) are not allowed: the value would not read as it is written [yaml-tag]\n    hint: write the value plainly, without the tag or the merge key",
    ],
    'guide_empty.md': [
        "content/guides/cardiology/guide-empty.md:1: error: no frontmatter: the file must start with a line '---' [no-frontmatter]\n    hint: add the frontmatter block; `flywheel new` writes one for you",
    ],
    'guide_list_frontmatter.md': [
        "content/guides/cardiology/guide-list-frontmatter.md:1: error: frontmatter must be a mapping of 'key: value' lines, got a list [not-a-mapping]",
    ],
    'guide_missing_key.md': [
        "content/guides/cardiology/guide-missing-key.md:1: error: reviewed_by: missing required key 'reviewed_by' [missing-key]\n    hint: add 'reviewed_by': The medical reviewer, e.g. 'A. Example, MD'.",
    ],
    'guide_no_frontmatter.md': [
        "content/guides/cardiology/guide-no-frontmatter.md:1: error: no frontmatter: the file must start with a line '---' [no-frontmatter]\n    hint: add the frontmatter block; `flywheel new` writes one for you",
    ],
    'guide_scalar_frontmatter.md': [
        "content/guides/cardiology/guide-scalar-frontmatter.md:1: error: frontmatter must be a mapping of 'key: value' lines, got text [not-a-mapping]",
    ],
    'guide_second_pillar.md': [
        "content/guides/cardiology/guide-second-pillar.md:6: error: pillar: topic 'chest-pain' already has a pillar guide: content/guides/cardiology/chest-pain-guide.md [two-pillars]\n    hint: set 'pillar: false' in all but one guide of the topic",
    ],
    'guide_summary_at_limit.md': [
    ],
    'guide_summary_too_long.md': [
        'content/guides/cardiology/guide-summary-too-long.md:3: error: summary: expected at most 160 characters, got 161 [summary-too-long]\n    hint: shorten it; listings and search results cut long summaries',
    ],
    'guide_triage_on_non_urgent_line.md': [
        "content/guides/thyroid/guide-triage-on-non-urgent-line.md:8: error: next_step: next_step is 'triage' but service line 'thyroid' has no triage care step [next-step-unavailable]\n    hint: use intake or scheduling, or give the topic its own triage step",
    ],
    'guide_unclosed_frontmatter.md': [
        "content/guides/cardiology/guide-unclosed-frontmatter.md:1: error: the frontmatter is never closed: add a line '---' after it [no-frontmatter]",
    ],
    'guide_undecodable.md': [
        'content/guides/cardiology/guide-undecodable.md:2: error: byte 0xe9 at offset 14 is not valid UTF-8 [undecodable]\n    hint: save the file as UTF-8',
    ],
    'guide_unknown_key.md': [
        "content/guides/cardiology/guide-unknown-key.md:1: error: reviewed_by: missing required key 'reviewed_by' [missing-key]\n    hint: add 'reviewed_by': The medical reviewer, e.g. 'A. Example, MD'.",
        "content/guides/cardiology/guide-unknown-key.md:7: error: reviewd_by: unknown key 'reviewd_by' [unknown-key]\n    hint: did you mean 'reviewed_by'?",
    ],
    'guide_unknown_service_line.md': [
        "content/guides/cardiology/guide-unknown-service-line.md:4: error: service_line: no service line 'cardiolgy' in service_lines/ [unknown-service-line]\n    hint: did you mean 'cardiology'?; or add one with `flywheel new service-line`",
    ],
    'guide_unknown_topic.md': [
        "content/guides/cardiology/guide-unknown-topic.md:5: error: topic: service line 'cardiology' has no topic 'chest-pian' [unknown-topic]\n    hint: did you mean 'chest-pain'?",
    ],
    'guide_wrong_type.md': [
        'content/guides/cardiology/guide-wrong-type.md:2: error: title: expected text, got a list [wrong-type]',
        "content/guides/cardiology/guide-wrong-type.md:9: error: draft: expected true or false, got 'sometimes' [wrong-type]",
    ],
    'guide_yaml_syntax.md': [
        'content/guides/cardiology/guide-yaml-syntax.md:5: error: YAML syntax error: while scanning a quoted scalar found unexpected end of stream [yaml-syntax]',
    ],
    'service_line_bad_url.yml': [
        "service_lines/service-line-bad-url.yml:5: error: care_steps.intake.url: expected an https: URL or a site-relative path starting with '/', got 'javascript:alert(1)' [bad-url]\n    hint: use https:// (never http:, javascript: or data:)",
        "service_lines/service-line-bad-url.yml:6: error: care_steps.scheduling.url: expected an https: URL or a site-relative path starting with '/', got 'http://example.org/book' [bad-url]\n    hint: use https:// (never http:, javascript: or data:)",
    ],
    'service_line_missing_scheduling.yml': [
        "service_lines/service-line-missing-scheduling.yml:4: error: care_steps.scheduling: missing required key 'scheduling' [missing-key]\n    hint: add 'scheduling': Booking a visit.",
    ],
    'story_consent_unknown_record.md': [
        "content/stories/cardiology/story-consent-unknown-record.md:6: warning: consent: no consent record 'C-2026-002' in consent/ (yet); the story is withheld [consent-unknown-record]",
    ],
    'story_unknown_champion.md': [
        "content/stories/cardiology/story-unknown-champion.md:4: error: champion: no champion 'anna' in content/champions.yml [unknown-champion]\n    hint: did you mean 'ana'?",
    ],

}


def test_every_case_file_has_an_expectation():
    assert sorted(EXPECTED) == sorted(p.name for p in CASES.iterdir())


def test_base_project_is_clean():
    result = run_check(CASES.parent / "base", AS_OF)
    assert [p.format() for p in result.problems] == []
    assert result.gate.published("story") == ["walking-again"]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_reports_exact_problems(case, tmp_path):
    root = copy_base(tmp_path)
    add_case(root, case)
    result = run_check(root, AS_OF)
    assert [p.format() for p in result.problems] == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(c for c, problems in EXPECTED.items() if any(": error:" in p for p in problems)))
def test_a_file_with_errors_is_never_published(case, tmp_path):
    root = copy_base(tmp_path)
    rel = add_case(root, case)
    result = run_check(root, AS_OF)
    assert not result.ok
    published = [d for d in result.gate.decisions.values() if d.path == rel and d.published]
    assert published == []


def test_problems_in_many_files_are_all_reported(tmp_path):
    root = copy_base(tmp_path)
    cases = ["guide_bad_stage.md", "guide_unknown_topic.md", "story_unknown_champion.md", "service_line_bad_url.yml"]
    for case in cases:
        add_case(root, case)
    result = run_check(root, AS_OF)
    codes = sorted(p.code for p in result.errors)
    assert codes == ["bad-choice", "bad-url", "bad-url", "unknown-champion", "unknown-topic"]


def test_schema_error_does_not_hide_reference_errors(tmp_path):
    root = copy_base(tmp_path)
    guide = root / "content/guides/cardiology/both.md"
    guide.write_text(
        "---\ntitle: Both\nsummary: s\nservice_line: cardiolgy\ntopic: x\nstage: lern\n"
        "reviewed_by: R\nreviewed_on: 2026-01-01\n---\nBody\n",
        encoding="utf-8",
    )
    codes = [p.code for p in run_check(root, AS_OF).problems if p.path.endswith("both.md")]
    assert codes == ["unknown-service-line", "bad-choice"]


def test_duplicate_slug_across_guides_and_stories(tmp_path):
    root = copy_base(tmp_path)
    src = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    (root / "content/stories/cardiology/chest-pain-when-to-worry.md").write_bytes(src.read_bytes())
    problems = [p.format() for p in run_check(root, AS_OF).problems]
    assert problems == [
        "content/stories/cardiology/chest-pain-when-to-worry.md:1: error: slug 'chest-pain-when-to-worry' "
        "is already used by content/guides/cardiology/chest-pain-when-to-worry.md; neither file is published [duplicate-slug]\n"
        "    hint: rename one of the files; slugs are unique across all content"
    ]


def test_topic_without_pillar(tmp_path):
    root = copy_base(tmp_path)
    pillar = root / "content/guides/cardiology/chest-pain-guide.md"
    pillar.write_text(pillar.read_text().replace("pillar: true", "pillar: false"))
    problems = [p.format() for p in run_check(root, AS_OF).problems]
    assert problems == [
        "service_lines/cardiology.yml:9: error: topics.chest-pain: topic 'chest-pain' has 2 guide(s) but no "
        "pillar guide [no-pillar]\n    hint: set 'pillar: true' in one of: "
        "content/guides/cardiology/chest-pain-guide.md, content/guides/cardiology/chest-pain-when-to-worry.md"
    ]


def test_symlink_outside_project_is_refused(tmp_path):
    root = copy_base(tmp_path)
    outside = tmp_path / "outside.md"
    outside.write_text((root / "content/guides/cardiology/chest-pain-when-to-worry.md").read_text())
    (root / "content/guides/cardiology/linked.md").symlink_to(outside)
    problems = [p.format() for p in run_check(root, AS_OF).problems]
    assert problems == [
        f"content/guides/cardiology/linked.md: error: is a symbolic link to {outside}, outside the project; "
        "refused [unsafe-path]\n    hint: copy the file into the project instead of linking to it"
    ]


@pytest.mark.parametrize("name", ["practice.yml", "content/champions.yml"])
def test_a_file_read_alone_linked_outside_the_project_is_refused(tmp_path, name):
    # practice.yml and champions.yml are read by name, not listed with a content folder's
    # files: a link out of the project was followed where a guide's would be refused.
    root = copy_base(tmp_path)
    outside = tmp_path / "outside.yml"
    shutil.move(root / name, outside)
    (root / name).symlink_to(outside)
    problems = [p.format() for p in run_check(root, AS_OF).problems if p.code == "unsafe-path"]
    assert problems == [f"{name}: error: is a symbolic link to {outside}, outside the project; refused [unsafe-path]\n"
                        "    hint: copy the file into the project instead of linking to it"]


@pytest.mark.parametrize("name", ["content/guides/cardiology/pipe.md", "consent/C-2026-950.yml"])
def test_a_named_pipe_is_unreadable_not_a_hang(tmp_path, name):
    # Opening a FIFO for reading waits for a writer: `flywheel check` hung for ever.
    import threading

    root = copy_base(tmp_path)
    os.mkfifo(root / name)
    found: list = []
    worker = threading.Thread(target=lambda: found.extend(run_check(root, AS_OF).problems), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "check waited on the pipe"
    assert [p.format() for p in found] == [
        f"{name}: error: cannot read file: it is a pipe, socket or device, not a regular file [unreadable]"
    ]


def test_a_content_folder_saved_as_a_file_is_an_error(tmp_path):
    # `content/stories` as a file: the check read no stories and said nothing.
    import shutil

    root = copy_base(tmp_path)
    shutil.rmtree(root / "content/stories")
    (root / "content/stories").write_text("oops\n")
    problems = [p.format() for p in run_check(root, AS_OF).problems if p.path == "content/stories"]
    assert problems == [
        "content/stories: error: is a file where a folder of '.md' files belongs; nothing in it is read "
        "[unreadable]\n    hint: replace it with a folder (or move it out of the way)"
    ]


def test_large_file_is_an_error_that_names_it(tmp_path):
    root = copy_base(tmp_path)
    big = root / "content/guides/cardiology/huge.md"
    big.write_text("---\ntitle: t\n---\n" + "word " * (4 * 1024 * 1024), encoding="utf-8")  # 20 MiB
    problems = [p for p in run_check(root, AS_OF).problems]
    assert [(p.path, p.code) for p in problems] == [("content/guides/cardiology/huge.md", "file-too-large")]
