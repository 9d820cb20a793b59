"""Nothing leaks, nothing breaks: one story withheld for each gate rule, each carrying unique
markers in every field, must leave no trace in any file the build writes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
import time

import pytest
import yaml
from helpers import (
    add_guides,
    build_under_way,
    copy_base,
    copy_sample,
    site_settings,
    site_texts,
    tree_digest,
)

from generator.check import run_check
from generator.cli import main
from generator.shown import story_fingerprint

AS_OF = dt.date(2026, 11, 22)

# rule -> changes to the consent record (None: no record file at all)
CASES = {
    "missing": "no-consent-key",
    "notfound": None,
    "otherstory": {"story": "walking-again"},
    "notsigned": {"signed_on": "2026-11-23"},
    "expired": {"expires_on": "2026-11-22"},
    "revoked": {"revoked_on": "2026-11-22"},
    "scope": {"scope": ["print"]},
    "fingerprint": {"approved_fingerprint": "sha256:" + "0" * 64},
    "draft": "draft",
    "identifier": "identifier",
}


def markers(rule: str) -> dict[str, str]:
    return {field: f"zq{rule}{field}zq" for field in ("slug", "title", "summary", "quote", "tag", "body", "champion")}


def add_story(root, rule: str, record: dict | str | None, identifiers=("first_name",)) -> None:
    m = markers(rule)
    slug = f"story-{m['slug']}"
    champion_id = f"champ-{rule}"
    champions = yaml.safe_load((root / "content/champions.yml").read_text())
    champions[champion_id] = {"name": m["champion"], "bio": "Fictional."}
    (root / "content/champions.yml").write_text(yaml.safe_dump(champions))
    body = f"My words {m['body']} are here."
    if record == "identifier":
        body += " Write to me at jo@example.net."
    frontmatter = {
        "title": f"Title {m['title']}", "summary": f"Summary {m['summary']}", "champion": champion_id,
        "service_line": "cardiology", "topic": "chest-pain", "consent": f"C-{rule}", "pull_quote": f"Quote {m['quote']}",
        "tags": [m["tag"]],
    }
    if record == "no-consent-key":
        del frontmatter["consent"]
    if record == "draft":
        frontmatter["draft"] = True
    path = root / f"content/stories/cardiology/{slug}.md"
    path.write_text("---\n" + yaml.safe_dump(frontmatter, sort_keys=False) + "---\n" + body + "\n")
    if record is None or record == "no-consent-key":
        return
    project = run_check(root, AS_OF).project
    story = project.stories[slug]
    data = {
        "story": slug, "signed_on": "2026-10-01", "signed_by": "patient", "purpose": "Website.", "scope": ["website"],
        "identifiers": list(identifiers), "expires_on": "2028-10-01", "form_ref": "esign/x",
        "approved_fingerprint": story_fingerprint(story, project),
    }
    if isinstance(record, dict):
        data.update(record)
    (root / f"consent/C-{rule}.yml").write_text(yaml.safe_dump(data))


@pytest.fixture(scope="module")
def leak_site(tmp_path_factory):
    root = copy_base(tmp_path_factory.mktemp("leak"))
    site_settings(root)
    for rule, record in CASES.items():
        add_story(root, rule, record)
    add_story(root, "control", {})
    add_story(root, "nameless", {}, identifiers=())
    guide = root / "content/guides/cardiology/draft-guide-zqdraftguidezq.md"
    guide.write_text(
        "---\ntitle: Draft zqdraftguidetitlezq\nsummary: zqdraftguidesummaryzq\nservice_line: cardiology\n"
        "topic: chest-pain\nstage: learn\nreviewed_by: R\nreviewed_on: 2026-09-01\ntags: [zqdraftguidetagzq]\n"
        "draft: true\n---\nzqdraftguidebodyzq\n"
    )
    result = run_check(root, AS_OF)
    assert result.ok, [p.format() for p in result.errors]
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 0
    return root, result, site_texts(root / "site")


def test_each_rule_withholds_its_story(leak_site):
    _, result, _ = leak_site
    rules = {d.slug.split("zq")[1].removesuffix("slug"): d.rule for d in result.gate.withheld if d.kind == "story"}
    assert rules == {
        "missing": "consent-missing", "notfound": "consent-not-found", "otherstory": "consent-other-story",
        "notsigned": "consent-not-yet-signed", "expired": "consent-expired", "revoked": "consent-revoked",
        "scope": "consent-scope", "fingerprint": "consent-fingerprint", "draft": "draft",
        "identifier": "identifier-found",
    }


@pytest.mark.parametrize("rule", sorted(CASES))
def test_no_marker_of_a_withheld_story_anywhere(leak_site, rule):
    _, _, texts = leak_site
    for field, marker in markers(rule).items():
        leaks = [name for name, text in texts.items() if marker in text]
        assert leaks == [], f"{rule} {field} leaked into {leaks}"


def test_draft_guide_leaves_no_trace(leak_site):
    _, _, texts = leak_site
    assert not any("zqdraftguide" in text for text in texts.values())


def test_control_story_is_found_so_the_search_can_fail(leak_site):
    _, _, texts = leak_site
    for field, marker in markers("control").items():
        if field == "tag":
            continue  # tags are not rendered on the site at all
        assert any(marker in text for text in texts.values()), field
    assert "search/search_index.json" in texts and any(markers("control")["body"] in texts[n] for n in texts if n.startswith("search/"))


def test_nameless_story_is_published_without_a_name(leak_site):
    _, _, texts = leak_site
    m = markers("nameless")
    assert any(m["body"] in text for text in texts.values())
    assert not any(m["champion"] in text for text in texts.values())
    page = texts[f"stories/story-{m['slug']}/index.html"]
    assert "Shared by a patient champion" in page


def _publish_then(root, change) -> dict[str, str]:
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 0
    assert any("I finally felt heard" in t for t in site_texts(root / "site").values())
    as_of = change(root)
    assert main(["build", "--root", str(root), "--as-of", as_of]) == 0
    return site_texts(root / "site")


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_revocation_and_expiry_remove_every_trace(tmp_path, how):
    root = copy_sample(tmp_path)

    def revoke(root):
        record = root / "consent/C-2026-014.yml"
        record.write_text(record.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
        return AS_OF.isoformat()

    texts = _publish_then(root, revoke if how == "revoked" else (lambda root: "2028-10-02"))
    assert not any("finding-answers" in t or "I finally felt heard" in t for t in texts.values())
    assert not (root / "site/stories/finding-answers").exists()


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_killed_build_leaves_previous_site_complete(tmp_path):
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 0
    before = tree_digest(root / "site")
    add_guides(root, 150)  # enough pages that the build takes a moment to kill
    proc = build_under_way([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--as-of", AS_OF.isoformat()],
                           root, ".site.staging-*/**/*.html")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_digest(root / "site") == before
    # Its worker processes end with it: none waits forever on a queue holding the build's memory.
    deadline = time.monotonic() + 10
    while survivors := [p for p in os.listdir("/proc") if p.isdigit() and _cmdline(p).count(str(root)) and int(p) != os.getpid()]:
        assert time.monotonic() < deadline, f"worker processes outlived the killed build: {survivors}"
        time.sleep(0.1)
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 0  # and the next build cleans up
    assert not list(root.glob(".site.*"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_leaves_the_site_and_nothing_beside_it(tmp_path, sig):
    # Stopped by SIGTERM (a CI job cancelled, `docker stop`), a build left its staging folder
    # beside site/ and its pages in $TMPDIR; Ctrl-C left the staging folder.
    import tempfile

    from generator.pages_pool import _Spool

    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF.isoformat()]) == 0
    before = tree_digest(root / "site")
    add_guides(root, 400)  # a build long enough to be stopped in the middle
    # A shell that starts a job in the background (a CI runner, `nohup ... &`) has it ignore
    # SIGINT, and Python keeps an ignored SIGINT ignored: the build is started as a terminal
    # starts it, with SIGINT's default.
    proc = build_under_way([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--as-of",
                            AS_OF.isoformat(), "--no-cache"], root,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.kill(proc.pid, sig)
    assert proc.wait(60) == 130
    assert tree_digest(root / "site") == before
    assert not list(root.glob(".site.*"))
    assert not [n for n in os.listdir(tempfile.gettempdir()) if n.startswith(f"{_Spool.PREFIX}{proc.pid}-")]


def test_no_command_changes_content_except_new_and_record(tmp_path, capsys):
    root = copy_sample(tmp_path)
    folders = [root / "content", root / "service_lines", root / "consent"]
    r = ["--root", str(root)]
    commands = [
        ["check", *r], ["check", *r, "--format", "json"], ["build", *r], ["report", *r],
        ["consent", "fingerprint", *r, "finding-answers"], ["consent", "status", *r],
        ["story", "proof", *r, "finding-answers"],
    ]
    for argv in commands:
        before = tree_digest(*folders)
        main(argv)
        assert tree_digest(*folders) == before, argv
    before = tree_digest(*folders)
    main(["new", "guide", *r, "--title", "Sleep hygiene", "--service-line", "sleep", "--topic", "sleep-apnea", "--stage", "learn", "--reviewed-by", "R"])
    project = run_check(root).project
    approved = story_fingerprint(project.stories["tired-for-years"], project)
    main(["consent", "record", "tired-for-years", *r, "--signed-on", "2026-11-01", "--expires-on", "2027-11-01",
          "--form-ref", "f", "--fingerprint", approved])
    after = tree_digest(*folders)
    added = sorted(k.split("/sample/", 1)[1] for k in set(after) - set(before))
    assert added == ["consent/C-2026-031.yml", "content/guides/sleep/sleep-hygiene.md"]
    assert {k: v for k, v in after.items() if k in before} == before


@pytest.mark.parametrize("slug", ["../escape", "/etc/passwd", "a/../../b"])
def test_new_refuses_slugs_that_leave_the_folder(tmp_path, capsys, slug):
    root = copy_base(tmp_path)
    code = main(["new", "guide", "--root", str(root), "--title", "x", "--slug", slug, "--service-line", "cardiology",
                 "--topic", "chest-pain", "--reviewed-by", "R"])
    assert code == 1 and "is not a slug" in capsys.readouterr().err
    assert not (tmp_path / "escape.md").exists()


def test_symlinked_folder_outside_the_project_is_refused(tmp_path):
    root = copy_base(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "sneaky.md").write_text((root / "content/guides/cardiology/chest-pain-when-to-worry.md").read_text())
    (root / "content/guides/linked").symlink_to(outside, target_is_directory=True)
    result = run_check(root, AS_OF)
    assert [(p.path, p.code) for p in result.errors] == [("content/guides/linked", "unsafe-path")]
    assert "sneaky" not in result.project.guides


def test_a_large_sites_old_copy_is_deleted_in_the_background_and_named_for_cleanup(tmp_path):
    """Over 2,000 pages the previous site is deleted by a detached process; its folder is
    renamed first, to a name the next build's cleanup matches and no staging folder takes."""
    import subprocess

    from generator.publish import SiteSwap

    site = tmp_path / "site"
    for n in range(50):
        (site / f"p{n}").mkdir(parents=True)
        (site / f"p{n}/index.html").write_text("old")
    swap = SiteSwap(site)
    (swap.staging / "index.html").write_text("new")
    swap.commit(background=True)
    assert (site / "index.html").read_text() == "new" and not (site / "p0").exists()
    deadline = time.monotonic() + 30
    while [p for p in tmp_path.iterdir() if p.name != "site"]:
        assert all(p.name.startswith(".site.") and "-" in p.name for p in tmp_path.iterdir() if p.name != "site")
        assert time.monotonic() < deadline, "the old site was never deleted"
        time.sleep(0.05)
    # The deleter never holds the caller's output open: a captured run ends with the build.
    code = ("import sys; from pathlib import Path; from generator.publish import _remove; "
            "p = Path(sys.argv[1]); p.mkdir(); (p / 'f').write_text('x'); _remove(p, True); print('done')")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / ".site.staging-1")],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "done"
