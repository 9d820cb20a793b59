"""The warm check's snapshot (generator/snapshot.py): the same bytes and exit code as a fresh
check, and a fresh check whenever anything it read may have changed.

Projects copied by a test are moments old, and a snapshot is not made of inputs changed in the
0.1 s before a check began, so most tests here set that margin to zero; the margin has its own
tests. The attacks of tests/test_check_cache.py also run against the snapshot
(its `snapshot` mode).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import copy_base, copy_sample

from generator import snapshot
from generator.cli import main

AS_OF = "2026-11-22"
STORY = "content/stories/cardiology/walking-again.md"


@pytest.fixture
def no_margin(monkeypatch):
    monkeypatch.setattr(snapshot, "RACY_NS", 0)


@pytest.fixture
def fresh_runs(monkeypatch) -> list[int]:
    """Counts the checks that really ran (a replay runs none)."""
    from generator import check as check_module

    runs: list[int] = []
    real = check_module.run_check
    monkeypatch.setattr(check_module, "run_check", lambda *a, **k: runs.append(1) or real(*a, **k))
    return runs


def check(root: Path, capsys, *extra: str, fmt: str = "json") -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", "--root", str(root), "--format", fmt, "--as-of", AS_OF, *extra])
    return code, capsys.readouterr().out


def snapshots(root: Path) -> list[Path]:
    return sorted((root / ".flywheel-cache").glob("snapshot-*.json"))


def withheld(output: str) -> dict[str, list[str]]:
    return {d["slug"]: [r["rule"] for r in d["reasons"]] for d in json.loads(output)["withheld"]}


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_replayed_report_is_the_fresh_report_byte_for_byte(tmp_path, capsys, no_margin, fresh_runs, fmt):
    root = copy_sample(tmp_path)
    uncached = check(root, capsys, "--no-cache", fmt=fmt)
    assert not snapshots(root), "--no-cache wrote a snapshot"
    first = check(root, capsys, fmt=fmt)
    assert len(snapshots(root)) == 1
    runs = len(fresh_runs)
    replayed = check(root, capsys, fmt=fmt)
    assert len(fresh_runs) == runs, "the second check ran again instead of replaying"
    assert first == uncached == replayed


def test_errors_and_their_exit_code_are_replayed(tmp_path, capsys, no_margin, fresh_runs):
    root = copy_base(tmp_path)
    guide = next((root / "content/guides").rglob("*.md"))
    guide.write_text(guide.read_text().replace("title:", "titel:", 1))
    code, fresh = check(root, capsys)
    assert code == 1 and json.loads(fresh)["summary"]["errors"] > 0
    runs = len(fresh_runs)
    assert check(root, capsys) == (1, fresh)
    assert len(fresh_runs) == runs


def test_no_cache_neither_reads_nor_writes_it(tmp_path, capsys, no_margin, fresh_runs, monkeypatch):
    root = copy_base(tmp_path)
    check(root, capsys)
    assert snapshots(root)
    runs = len(fresh_runs)
    check(root, capsys, "--no-cache")
    monkeypatch.setenv("FLYWHEEL_NO_CACHE", "1")
    check(root, capsys)
    assert len(fresh_runs) == runs + 2


def _newest_input(root: Path) -> int:
    return max(max(st[4], st[5]) for st in snapshot.input_tree(root.resolve()).values() if st)


@pytest.mark.parametrize("after_ms, kept", [(50, False), (150, True)])
def test_inputs_changed_just_before_the_check_make_no_snapshot(tmp_path, capsys, monkeypatch, after_ms, kept):
    """The racy-git margin: a file written moments before the check may be rewritten within one
    tick of the file system's clock after the check read it, keeping every time compared."""
    root = copy_base(tmp_path)
    began = _newest_input(root) + after_ms * 1_000_000
    monkeypatch.setattr(snapshot, "_now_ns", lambda: began)
    check(root, capsys)
    assert bool(snapshots(root)) is kept


def test_the_margin_grows_with_the_file_systems_clock_step():
    def tree(*times: int) -> dict:
        return {f"f{i}": [0o100644, 1, i, 10, t, t] for i, t in enumerate(times)}

    assert snapshot.racy_margin(tree(1_700_000_000_123_456_789, 1_700_000_001_000_000_000)) == snapshot.RACY_NS
    assert snapshot.racy_margin(tree(1_700_000_001_000_000_000, 1_700_000_005_000_000_000)) == 2_000_000_000
    assert snapshot.racy_margin(tree(1_700_000_002_000_000_000, 1_700_000_006_000_000_000)) == 4_000_000_000
    assert snapshot.racy_margin(tree(1_700_000_002_010_000_000)) == snapshot.RACY_NS  # 10 ms steps: 0.1 s


def test_a_symbolic_link_among_the_inputs_makes_no_snapshot(tmp_path, capsys, no_margin):
    root = copy_base(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("kept outside the project\n")
    (root / "content/linked").symlink_to(elsewhere, target_is_directory=True)
    check(root, capsys)
    assert not snapshots(root)


# Every change a stale report could hide behind. --------------------------------------------


def _keep_times(path: Path, edit) -> None:
    """Edit a file to the same size, then put its access and modification times back."""
    st = path.stat()
    edit(path)
    assert path.stat().st_size == st.st_size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _record(root: Path) -> Path:
    return root / "consent/C-2026-001.yml"  # walking-again's


def _expire(root: Path) -> None:
    text = _record(root).read_text()
    assert "expires_on: 2028-10-02" in text
    _keep_times(_record(root), lambda p: p.write_text(text.replace("expires_on: 2028-10-02", "expires_on: 2026-01-01")))


def _revoke(root: Path) -> None:
    record = _record(root)
    record.write_text(record.read_text().replace("revoked_on: null", "revoked_on: 2026-11-01"))


def _add_story(root: Path) -> None:
    story = root / STORY
    shutil.copyfile(story, story.with_name("a-new-story.md"))


def _delete_consent(root: Path) -> None:
    _record(root).unlink()


def _swap_stories(root: Path) -> None:
    """Two files exchanged by renames: each path keeps a size and times the snapshot saw."""
    folder = root / "content/guides/cardiology"
    one, two = sorted(folder.glob("*.md"))[:2]
    one.rename(folder / "swap.tmp")
    two.rename(one)
    (folder / "swap.tmp").rename(two)


def _touch_backwards(root: Path) -> None:
    """A story edited, then every time put back as `touch -d` would."""
    story = root / STORY
    text = story.read_text()
    assert "every morning" in text
    _keep_times(story, lambda p: p.write_text(text.replace("every morning", "every Tom Lee")))


def _edit_practice(root: Path) -> None:
    practice = root / "practice.yml"
    practice.write_text(practice.read_text() + "\n")


@pytest.mark.parametrize(
    "change",
    [_expire, _revoke, _add_story, _delete_consent, _swap_stories, _touch_backwards, _edit_practice],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_change_to_any_input_is_a_fresh_check(tmp_path, capsys, no_margin, fresh_runs, change):
    root = copy_base(tmp_path)
    check(root, capsys)
    assert snapshots(root)
    change(root)
    runs = len(fresh_runs)
    warm = check(root, capsys)
    assert len(fresh_runs) == runs + 1, "a changed project was answered from the snapshot"
    assert warm == check(root, capsys, "--no-cache")


def test_an_expired_consent_edited_with_its_times_kept_is_withheld(tmp_path, capsys, no_margin):
    root = copy_base(tmp_path)
    assert "walking-again" not in withheld(check(root, capsys)[1])
    _expire(root)
    assert withheld(check(root, capsys)[1])["walking-again"] == ["consent-expired"]


@pytest.mark.parametrize(
    "extra", [("--as-of", "2030-01-01"), ("--reading-grade-max", "4")], ids=["as-of", "grade"]
)
def test_other_options_are_a_fresh_check(tmp_path, capsys, no_margin, fresh_runs, extra):
    root = copy_base(tmp_path)
    check(root, capsys)
    runs = len(fresh_runs)
    assert check(root, capsys, *extra) == check(root, capsys, "--no-cache", *extra)
    assert len(fresh_runs) == runs + 2


def test_a_new_day_is_a_fresh_check(tmp_path, capsys, no_margin, fresh_runs, monkeypatch):
    """Without --as-of the gate decides for today: tomorrow, a consent may have expired."""
    import datetime as dt

    from generator import dates

    root = copy_base(tmp_path)
    capsys.readouterr()
    main(["check", "--root", str(root), "--format", "json"])
    assert snapshots(root)
    real = dates.today_in
    monkeypatch.setattr(dates, "today_in", lambda zone, now=None: real(zone, now) + dt.timedelta(days=1))
    runs = len(fresh_runs)
    main(["check", "--root", str(root), "--format", "json"])
    assert len(fresh_runs) == runs + 1


def test_other_code_or_settings_are_a_fresh_check(tmp_path, capsys, no_margin, fresh_runs, monkeypatch):
    root = copy_base(tmp_path)
    check(root, capsys)
    runs = len(fresh_runs)
    monkeypatch.setenv("FLYWHEEL_SOMETHING", "1")
    check(root, capsys)
    assert len(fresh_runs) == runs + 1
    monkeypatch.setattr(snapshot, "installed_code_version", lambda: "another version")
    check(root, capsys)
    assert len(fresh_runs) == runs + 2


def test_an_edit_made_while_the_check_reads_is_seen_by_the_next_check(tmp_path, capsys, no_margin, monkeypatch):
    """The snapshot keeps the times taken before the check read anything: an edit during the
    check leaves the snapshot describing files that no longer exist."""
    from generator import check as check_module

    root = copy_base(tmp_path)
    real = check_module.run_check

    def check_then_revoke(*args, **kwargs):
        result = real(*args, **kwargs)
        _revoke(root)
        return result

    monkeypatch.setattr(check_module, "run_check", check_then_revoke)
    assert "walking-again" not in withheld(check(root, capsys)[1])
    monkeypatch.setattr(check_module, "run_check", real)
    assert withheld(check(root, capsys)[1])["walking-again"] == ["consent-revoked"]


# A forged snapshot. -----------------------------------------------------------------------


def _forge(path: Path, key: bytes | None = None) -> None:
    """Publish every withheld story in the snapshot's report, re-signed with `key` if given."""
    mac, _, payload = path.read_bytes().partition(b"\n")
    data = json.loads(payload)
    data["report"]["decisions"] = [[*d[:3], True, [], d[5]] for d in data["report"]["decisions"]]
    body = json.dumps(data).encode()
    if key is not None:
        mac = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    path.write_bytes(mac + b"\n" + body)


def _with_a_withheld_story(tmp_path) -> Path:
    root = copy_base(tmp_path)
    _revoke(root)
    return root


def test_an_edited_snapshot_is_ignored(tmp_path, capsys, no_margin):
    root = _with_a_withheld_story(tmp_path)
    honest = check(root, capsys)
    assert "walking-again" in withheld(honest[1])
    _forge(snapshots(root)[0])
    assert check(root, capsys) == honest


def test_a_snapshot_signed_with_another_key_is_ignored(tmp_path, capsys, no_margin, monkeypatch):
    root = _with_a_withheld_story(tmp_path)
    honest = check(root, capsys)
    _forge(snapshots(root)[0], key=b"k" * 32)
    assert check(root, capsys) == honest


def test_a_build_never_reads_the_snapshot(tmp_path, capsys, no_margin):
    """Even a snapshot signed with this machine's own key, claiming a withheld story is
    published, cannot publish it: only `flywheel check` replays, and a build decides afresh."""
    from helpers import site_settings

    root = _with_a_withheld_story(tmp_path)
    site_settings(root)
    check(root, capsys)
    key = (Path(os.environ["XDG_CACHE_HOME"]) / "flywheel/cache-key").read_bytes()
    _forge(snapshots(root)[0], key=key)
    assert "walking-again" not in withheld(check(root, capsys)[1]), "the forged snapshot was not replayed"
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    site = root / "site"
    assert not list(site.rglob("walking-again*"))
    assert not any("walking-again" in p.read_text(errors="replace") for p in site.rglob("*.html"))


def test_a_snapshot_is_never_kept_where_it_would_be_published(tmp_path, capsys, no_margin, monkeypatch):
    root = copy_base(tmp_path)
    monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(root / "site" / "cache"))
    assert check(root, capsys)[0] == 1
    assert not (root / "site").exists()


# The snapshot's inputs are everything a check reads. --------------------------------------


def test_every_file_a_check_reads_is_an_input(tmp_path, capsys):
    """An audit hook records every file a fresh check opens and every folder it lists; each
    one under the project must lie inside one of snapshot.INPUTS, or an edit to it would not
    be seen. (Files outside the project are Flywheel's and its libraries' code, which the
    snapshot's code version covers, and the caches.) The one exception is a champion photo's
    file, outside INPUTS in docs_dir: the check names each one it looks for, and the snapshot
    watches those."""
    from generator.check import run_check

    root = copy_sample(tmp_path)
    (root / "theme/pages/img").mkdir()
    (root / "theme/pages/img/maria.png").write_bytes(b"\x89PNG fictional")
    champions = root / "content/champions.yml"
    champions.write_text(champions.read_text().replace("  name: Maria\n", "  name: Maria\n  photo: /img/maria.png\n"))
    seen: set[str] = set()
    recording = [True]

    def hook(event, args):
        if recording[0] and event in ("open", "os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes, os.PathLike)):
            seen.add(os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(hook)
    try:
        watched = run_check(root, use_cache=True).project.photo_files
        watched |= run_check(root, use_cache=False).project.photo_files
    finally:
        recording[0] = False
    project = str(root.resolve())
    assert str(root.resolve() / "theme/pages/img/maria.png") in watched
    read = {os.path.relpath(p, project) for p in seen - watched if p.startswith(project + os.sep)}
    assert any(r.startswith("consent/") for r in read) and any(r.startswith("content/") for r in read)
    outside = {r for r in read if r.split(os.sep)[0] not in (*snapshot.INPUTS, ".flywheel-cache")}
    assert not outside, f"a check reads files the snapshot does not watch: {sorted(outside)}"


def test_no_snapshot_where_ctime_is_a_creation_time(tmp_path, capsys, no_margin, monkeypatch):
    """On Windows `st_ctime` is when the file was made: an edit with its modification time put
    back would keep every time the snapshot compares."""
    root = copy_base(tmp_path)
    monkeypatch.setattr(snapshot, "CTIME_MOVES_ON_EDIT", False)
    check(root, capsys)
    check(root, capsys)
    assert not snapshots(root)


def test_a_file_name_that_is_not_utf8_is_kept_as_escapes_and_replays_the_same_report(tmp_path, capsys, no_margin):
    """A name that is not UTF-8 (a file copied from another system) is written into the
    snapshot as JSON's escapes (`cache._json_written`; until stop 49 it made none, and the
    check's own cache raised UnicodeEncodeError: a traceback, and no withdrawal); the warm
    check replays the report the fresh one printed."""
    root = copy_base(tmp_path)
    (root / "content" / os.fsdecode(b"notes-\xff.txt")).write_text("stray\n")
    fresh = check(root, capsys, "--no-cache")
    assert check(root, capsys) == fresh
    assert snapshots(root)
    assert check(root, capsys) == fresh


def test_two_projects_sharing_a_cache_folder_never_share_a_report(tmp_path, capsys, no_margin, fresh_runs, monkeypatch):
    """Two copies of one project, one cache folder (FLYWHEEL_CACHE_DIR): each keeps its own
    snapshot, and the copy with a revocation is never answered with the other's report."""
    monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(tmp_path / "shared-cache"))
    one = copy_base(tmp_path / "one")
    two = copy_base(tmp_path / "two")
    _revoke(two)
    assert "walking-again" not in withheld(check(one, capsys)[1])
    assert withheld(check(two, capsys)[1])["walking-again"] == ["consent-revoked"]
    assert len(list((tmp_path / "shared-cache").glob("snapshot-*.json"))) == 2
    runs = len(fresh_runs)
    assert withheld(check(two, capsys)[1])["walking-again"] == ["consent-revoked"]
    assert "walking-again" not in withheld(check(one, capsys)[1])
    assert len(fresh_runs) == runs, "each copy should replay its own snapshot"


def test_a_warm_check_loads_neither_the_checker_nor_pydantic(tmp_path):
    """The replay is the warm check's whole speed: it asks the day of the last commit without
    importing the checker (70 ms of imports with the gate, the schema and pydantic). Both checks
    run in fresh processes: what earlier tests left in this one (a cached code version) must not
    decide whether the second replays."""
    import subprocess
    import time

    from helpers import clock_env

    root = copy_sample(tmp_path)
    time.sleep(0.2)  # no input changed in the margin before the check: it leaves a snapshot
    probe = (
        "import sys; from generator.cli import main; code = main(['check', '--root', sys.argv[1], "
        f"'--as-of', '{AS_OF}']); print(code, sorted(m for m in ('generator.check', 'generator.gate', "
        "'pydantic') if m in sys.modules), file=sys.stderr)"
    )

    def loaded() -> str:
        done = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True,
                              env={**os.environ, **clock_env()}, timeout=120, check=False)
        return done.stderr.strip().splitlines()[-1]

    assert loaded() == "0 ['generator.check', 'generator.gate', 'pydantic']"  # a fresh check
    assert snapshots(root)
    assert loaded() == "0 []"  # the replay


def test_a_history_changed_under_unchanged_files_is_a_fresh_check(tmp_path, capsys, no_margin, fresh_runs, monkeypatch):
    """The snapshot knew the day of the last commit, not the commit: `git reset --soft` onto a
    history holding a revocation (taken out again, so every file is as it was) replayed
    "published", where a fresh check withholds the story (a revocation is final, history.py)."""
    from helpers import edit_yaml, git

    monkeypatch.setenv("FLYWHEEL_TEST_COMMITS", "1")
    root = copy_base(tmp_path)

    def commit(message: str) -> None:
        git(root, "add", "-A", when="2026-11-21T12:00:00+00:00")
        git(root, "commit", "-qm", message, when="2026-11-21T12:00:00+00:00")

    git(root, "init", "-q", when="2026-11-21T12:00:00+00:00")
    commit("published")
    git(root, "checkout", "-qb", "other", when="2026-11-21T12:00:00+00:00")
    record = root / "consent/C-2026-001.yml"
    before = record.read_bytes()
    edit_yaml(record, revoked_on="2026-11-20")
    commit("revoked")
    record.write_bytes(before)
    commit("the revocation taken out")
    git(root, "checkout", "-q", "-", when="2026-11-21T12:00:00+00:00")
    # The branch deleted, its commits reachable by id only: a revocation on a branch the checkout
    # holds counts on every commit built (rt14), so the history changes only with the reset below.
    revoked = subprocess.run(["git", "rev-parse", "other"], cwd=root, capture_output=True, text=True, check=True)
    git(root, "branch", "-qD", "other", when="2026-11-21T12:00:00+00:00")
    assert record.read_bytes() == before
    check(root, capsys)
    check(root, capsys)
    runs = len(fresh_runs)
    assert "walking-again" not in withheld(check(root, capsys)[1]) and len(fresh_runs) == runs  # replayed
    git(root, "reset", "-q", "--soft", revoked.stdout.strip(), when="2026-11-21T12:00:00+00:00")
    assert withheld(check(root, capsys)[1])["walking-again"] == ["consent-revoked"]
    assert len(fresh_runs) == runs + 1
