"""`flywheel check` prints byte-identical output with no cache, a cold cache and a warm cache,
on the sample site and on a synthetic library, before and after every kind of change a cache
could serve stale: an edited guide or story, a revoked or shortened consent (with the record's
size and modification time kept, as an editor or git can), a build date at which a consent has
expired, a story edited with its old modification time put back. The cache attacks of
`tests/test_cache.py` are repeated against the identifier scan's entries, which feed the gate.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import copy_base, copy_sample

from bench.synth import generate
from generator import cache as cache_module
from generator import prefetch
from generator.cli import main

AS_OF = "2026-11-22"
REPO = Path(__file__).resolve().parent.parent


def check(root: Path, capsys, *extra: str, as_of: str = AS_OF) -> str:
    """The exact bytes `flywheel check --format json` prints, and nothing else."""
    capsys.readouterr()
    main(["check", "--root", str(root), "--format", "json", "--as-of", as_of, *extra])
    return capsys.readouterr().out


def three_ways(root: Path, capsys, as_of: str = AS_OF) -> str:
    """No cache, then a cold cache, then a warm one: the same bytes each time."""
    uncached = check(root, capsys, "--no-cache", as_of=as_of)
    shutil.rmtree(root / ".flywheel-cache", ignore_errors=True)
    cold = check(root, capsys, as_of=as_of)
    assert list((root / ".flywheel-cache").glob("check-*.json")), "the cold check wrote no cache"
    warm = check(root, capsys, as_of=as_of)
    assert cold == uncached
    assert warm == uncached
    return uncached


def after_change(root: Path, capsys, change, as_of: str = AS_OF) -> tuple[str, str]:
    """(before, after): the cache is filled before `change`; after it, the check with that
    cache, without a cache and with a cold cache print the same bytes."""
    before = check(root, capsys, as_of=AS_OF)
    change()
    warm = check(root, capsys, as_of=as_of)
    uncached = check(root, capsys, "--no-cache", as_of=as_of)
    shutil.rmtree(root / ".flywheel-cache")
    cold = check(root, capsys, as_of=as_of)
    assert warm == uncached
    assert cold == uncached
    return before, uncached


@pytest.fixture(params=["serial", "pooled", "snapshot", "held"])
def mode(request, monkeypatch):
    """Serial: the small projects below stay under the pools' thresholds. Pooled: the
    thresholds are lowered so the prefetch and scan pools fill the cold cache. Snapshot: the
    warm check's snapshot (generator/snapshot.py) is made even of files copied moments ago,
    so every warm check below is answered from it unless it notices the change. Held: the
    cache's entries stay in this process between checks, as in `flywheel serve`."""
    if request.param == "held":
        monkeypatch.setattr(cache_module, "_HELD", {})
    if request.param == "snapshot":
        from generator import snapshot

        monkeypatch.setattr(snapshot, "RACY_NS", 0)
    if request.param == "pooled":
        monkeypatch.setattr(prefetch, "MIN_FILES", 1)
        monkeypatch.setattr(prefetch, "MIN_SCANS", 1)
        monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    return request.param


@pytest.fixture
def library(tmp_path) -> Path:
    root = generate(tmp_path / "library", 150)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def keep_stat(path: Path, edit) -> None:
    """Edit a file to the same size and put its modification time back."""
    stat = path.stat()
    before = path.read_bytes()
    edit(path)
    assert path.stat().st_size == stat.st_size and path.read_bytes() != before
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def withheld(output: str) -> dict[str, list[str]]:
    return {d["slug"]: [r["rule"] for r in d["reasons"]] for d in json.loads(output)["withheld"]}


def test_the_sample_site_checks_the_same_three_ways(tmp_path, capsys, mode):
    three_ways(copy_sample(tmp_path), capsys)


def test_a_synthetic_library_checks_the_same_three_ways(library, capsys, mode, monkeypatch):
    pooled: list[int] = []
    for name in ("prefetch", "prefetch_scans"):
        real = getattr(prefetch, name)
        monkeypatch.setattr(
            prefetch, name, lambda *a, real=real: pooled.append(real(*a)) or pooled[-1]
        )
    out = three_ways(library, capsys)
    assert json.loads(out)["summary"]["published"]["stories"] > 20
    if mode == "pooled":  # the cold check filled the cache in both pools
        assert [pooled[0].count, pooled[1]] == [150, 30]


def test_flywheel_workers_1_checks_in_one_process(library, capsys, monkeypatch):
    """FLYWHEEL_WORKERS=1 (a profile, a one-core CI runner) holds for the check's pools as for
    the build's: the check's pools took every core whatever it said."""
    monkeypatch.setattr(prefetch, "MIN_FILES", 1)
    monkeypatch.setattr(prefetch, "MIN_SCANS", 1)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    pooled: list = []
    for name in ("prefetch", "prefetch_scans"):
        real = getattr(prefetch, name)
        monkeypatch.setattr(prefetch, name, lambda *a, real=real: pooled.append(real(*a)) or pooled[-1])
    three_ways(library, capsys)
    assert pooled and pooled[0].count == 0 and pooled[1] == 0


def test_edited_guide_and_story_texts_are_never_served_stale(library, capsys, mode):
    guide = next((library / "content/guides").rglob("guide-3.md"))
    story = next((library / "content/stories").rglob("story-4.md"))

    def edit():
        replace(
            guide, "## Part 2", "## Part 2\n\nThe extraordinarily complicated considerations.\n"
        )
        story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")

    before, after = after_change(library, capsys, edit)
    assert "story-4" not in withheld(before)
    assert {"consent-fingerprint", "identifier-found"} <= set(withheld(after)["story-4"])


def test_a_revocation_is_never_served_stale(library, capsys, mode):
    record = library / "consent/C-2026-00004.yml"
    before, after = after_change(
        library, capsys, lambda: record.write_text(record.read_text() + "revoked_on: 2026-11-01\n")
    )
    assert "story-4" not in withheld(before)
    assert withheld(after)["story-4"] == ["consent-revoked"]


def test_a_consent_edited_with_its_size_and_time_kept_is_read_again(library, capsys, mode):
    record = library / "consent/C-2026-00004.yml"
    edit = lambda: keep_stat(
        record, lambda p: replace(p, "expires_on: 2028-01-01", "expires_on: 2026-01-01")
    )
    before, after = after_change(library, capsys, edit)
    assert "story-4" not in withheld(before)
    assert withheld(after)["story-4"] == ["consent-expired"]


def test_a_story_edited_with_its_old_time_put_back_is_read_again(library, capsys, mode):
    story = next((library / "content/stories").rglob("story-4.md"))
    text = story.read_text()
    word = next(w for w in ("heart", "blood", "sleep", "nurse") if f" {w} " in text)

    def edit():
        keep_stat(
            story,
            lambda p: replace(p, f" {word} ", " Tom's "[: len(word) + 2].ljust(len(word) + 2)),
        )

    before, after = after_change(library, capsys, edit)
    assert "story-4" not in withheld(before)
    assert "consent-fingerprint" in withheld(after)["story-4"]


def test_a_consent_that_expires_at_a_later_build_date_is_decided_again(library, capsys, mode):
    before, after = after_change(library, capsys, lambda: None, as_of="2028-01-01")
    assert "story-4" not in withheld(before)
    assert withheld(after)["story-4"] == ["consent-expired"]
    assert json.loads(after)["summary"]["published"]["stories"] == 0


def test_the_sample_site_after_a_revocation(tmp_path, capsys):
    root = copy_sample(tmp_path)
    record = next(
        p for p in sorted((root / "consent").glob("*.yml")) if "revoked_on: null" in p.read_text()
    )
    story = record.read_text().split("story:", 1)[1].split()[0]
    before, after = after_change(
        root, capsys, lambda: replace(record, "revoked_on: null", "revoked_on: 2026-11-01")
    )
    assert story not in withheld(before)
    assert "consent-revoked" in withheld(after)[story]


# The identifier scan's entries feed the gate: a forged one must never publish a story. ------


def _story_with_a_phone(tmp_path) -> Path:
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")
    return root


def _cache_file(root: Path) -> Path:
    (path,) = (root / ".flywheel-cache").glob("check-*.json")
    return path


def _without_findings(payload: bytes) -> bytes:
    entries = json.loads(payload)
    forged = {
        key: ({"findings": []} if "findings" in value else value) for key, value in entries.items()
    }
    assert forged != entries, "no scan entry to forge"
    return json.dumps(forged).encode()


def test_a_forged_scan_entry_is_ignored(tmp_path, capsys):
    root = _story_with_a_phone(tmp_path)
    honest = check(root, capsys)
    assert "identifier-found" in withheld(honest)["walking-again"]
    path = _cache_file(root)
    mac, _, payload = path.read_bytes().partition(b"\n")
    path.write_bytes(mac + b"\n" + _without_findings(payload))
    assert check(root, capsys) == honest


def test_held_entries_never_outlive_the_file(tmp_path, capsys, monkeypatch):
    """`flywheel serve` holds the cache's entries between checks; a file written since by
    anyone else (here: forged) is read again, and its forged entry ignored as always."""
    monkeypatch.setattr(cache_module, "_HELD", {})
    root = _story_with_a_phone(tmp_path)
    honest = check(root, capsys)
    reads = []
    real = cache_module.read_signed
    monkeypatch.setattr(cache_module, "read_signed", lambda *a, **k: reads.append(1) or real(*a, **k))
    assert check(root, capsys) == honest and reads == []  # held: the file was not read again
    path = _cache_file(root)
    mac, _, payload = path.read_bytes().partition(b"\n")
    path.write_bytes(mac + b"\n" + _without_findings(payload))
    assert check(root, capsys) == honest and reads == [1]


def test_a_scan_entry_signed_with_another_key_is_ignored(tmp_path, capsys, monkeypatch):
    root = _story_with_a_phone(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    honest = check(root, capsys)
    path = _cache_file(root)
    body = _without_findings(path.read_bytes().partition(b"\n")[2])
    key = (tmp_path / "elsewhere/flywheel/cache-key").read_bytes()
    path.write_bytes(hmac.new(key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "here"))
    assert check(root, capsys) == honest


def test_a_cache_committed_from_a_clean_copy_cannot_vouch_for_edited_text(tmp_path, capsys):
    """A cache filled honestly while the story was clean, committed, then the text edited with
    its size and time kept: every entry is keyed on the exact text, so nothing matches."""
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    clean = check(root, capsys)
    assert "walking-again" not in withheld(clean)
    text = story.read_text()
    word = next(w for w in text.split() if w.isalpha() and len(w) >= 6)
    keep_stat(story, lambda p: replace(p, word, "555-01"[: len(word)].ljust(len(word), "9")))
    assert check(root, capsys) == check(root, capsys, "--no-cache")
    assert "walking-again" in withheld(check(root, capsys))


def test_another_library_version_is_another_cache(tmp_path, capsys, monkeypatch):
    """Rendered story bodies and scans depend on Markdown, nh3 and the name lists: a cache
    written under other versions is never read."""
    import importlib.metadata

    from generator import cache

    root = copy_base(tmp_path)
    first = check(root, capsys)
    old = _cache_file(root).name
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "0.0" if name == "markdown" else real(name)
    )
    # An upgrade changes a folder of the import path, which is when the versions are read again
    # (tests/test_cache.py::test_a_library_upgraded_while_flywheel_runs_keys_the_cache_anew).
    monkeypatch.setattr(cache, "import_path_stamp", lambda: ("markdown upgraded",))
    assert cache._code_version() not in old
    assert check(root, capsys) == first
    assert _cache_file(root).name != old


def test_a_forged_rendered_body_cannot_carry_an_old_approval(tmp_path, capsys):
    """The cached rendering of a story body is fingerprinted: an entry claiming the edited body
    renders as the approved one would publish text the patient never saw. The signature makes
    the whole file a miss, so the edit is rendered again and withheld."""
    from generator.cache import Cache
    from generator.load import read_markdown
    from generator.sanitize import story_html

    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    approved_html = story_html(read_markdown(story, root).body)
    assert "walking-again" not in withheld(check(root, capsys))
    story.write_text(
        story.read_text() + "\nThe clinic lost my chart twice, and nobody called me back.\n"
    )
    honest = check(root, capsys)
    assert withheld(honest)["walking-again"] == ["consent-fingerprint"]
    path = _cache_file(root)
    mac, _, payload = path.read_bytes().partition(b"\n")
    entries = json.loads(payload)
    key = Cache.key("story-html", read_markdown(story, root).body)
    assert key in entries
    entries[key] = {"value": approved_html}
    path.write_bytes(mac + b"\n" + json.dumps(entries).encode())
    assert check(root, capsys) == honest


def test_the_scan_key_changes_with_everything_the_scan_reads(tmp_path):
    """`scan_key` must hold every input of `scan_parts`, or an edit would be served the old
    findings: change each one alone and the key changes."""
    import dataclasses
    import datetime as dt

    from generator.check import run_check
    from generator.gate import allowed_names, scan_key
    from generator.project import Entry

    result = run_check(copy_base(tmp_path), dt.date(2026, 11, 22))
    project = result.project
    story = project.stories["walking-again"]
    names = allowed_names(frozenset({"R. Example"}), "Ana")
    base = scan_key(story, project, names)

    def with_story(**update):
        return Entry(story.id, story.data.model_copy(update=update), story.doc)

    def with_doc(**change):
        return Entry(story.id, story.data, dataclasses.replace(story.doc, **change))

    variants = {
        "title": with_story(title="Another title"),
        "summary": with_story(summary="Another summary."),
        "pull quote": with_story(pull_quote="Another quote."),
        "material connection": with_story(material_connection="A discounted visit."),
        "body": with_doc(body=story.doc.body + "More."),
        "body line": with_doc(body_line=story.doc.body_line + 1),
    }
    for field in ("title", "summary", "pull_quote", "material_connection", "champion"):
        assert (field,) in story.doc.lines, field
        moved = {**story.doc.lines, (field,): story.doc.lines[(field,)] + 100}
        variants[f"line of {field}"] = with_doc(lines=moved)
    for what, variant in variants.items():
        assert scan_key(variant, project, names) != base, what
    assert scan_key(story, project, names | {"Someone"}) != base
    champion = project.champions[story.data.champion]
    project.champions[champion.id] = Entry(
        champion.id, champion.data.model_copy(update={"bio": "Another bio."}), champion.doc
    )
    assert scan_key(story, project, names) != base
    del project.champions[champion.id]
    assert scan_key(story, project, names) != base


@pytest.mark.parametrize("use_cache", [False, True])
def test_each_story_body_is_rendered_once_per_check(tmp_path, monkeypatch, use_cache):
    """The gate asks for a body's HTML twice (scan and fingerprint); without a cache it was
    rendered twice. The project keeps it by the exact body text, so each distinct body is
    rendered once, and a body edited in place is a new key, never the old HTML."""
    import datetime as dt

    from generator import sanitize
    from generator.check import run_check

    root = copy_base(tmp_path)
    rendered: list[str] = []
    real = sanitize.story_html
    monkeypatch.setattr(sanitize, "story_html", lambda body: rendered.append(body) or real(body))
    monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(tmp_path / "cache"))
    result = run_check(root, dt.date(2026, 11, 22), use_cache=use_cache)
    bodies = [story.doc.body for story in result.project.stories.values()]
    assert bodies and sorted(rendered) == sorted(set(bodies))
    story = next(iter(result.project.stories.values()))
    from generator.shown import body_html

    assert body_html(story, result.project) == real(story.doc.body)


def test_a_kept_check_holds_key_lines_as_dicts_and_a_reported_one_as_read(tmp_path):
    """A build keeps the checked project to its end: its documents' key lines are made dicts
    (half the size of the cache's rows, which the cache then frees: 60 MB at 50,000 pieces);
    `flywheel check` reports and exits, so it leaves them as the cache read them."""
    import datetime as dt

    from generator.check import run_check
    from generator.load import EncodedLines

    root = copy_base(tmp_path)
    as_of = dt.date.fromisoformat(AS_OF)
    run_check(root, as_of, use_cache=True)  # fills the cache
    kept = run_check(root, as_of, use_cache=True).project
    documents = [entry.doc for kind in (kept.guides, kept.stories, kept.consents) for entry in kind.values()]
    assert documents and all(type(doc.lines) is dict for doc in documents)
    assert all(type(doc.lines) is dict for _, doc, _ in kept.raw.values())
    reported = run_check(root, as_of, use_cache=True, keep=False).project
    assert any(isinstance(entry.doc.lines, EncodedLines) for entry in reported.guides.values())
