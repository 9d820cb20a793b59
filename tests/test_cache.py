"""The cache never changes an answer: no cache, a cold cache (filled in parallel for many new
files) and a warm cache give the same check, and an edit is never served stale."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import REPO, copy_base, copy_sample

from generator.cli import main
from generator.prefetch import MIN_FILES

AS_OF = ["--as-of", "2026-11-22"]


def many_guides(root, count: int) -> None:
    for i in range(count):
        (root / f"content/guides/cardiology/extra-{i}.md").write_text(
            f"---\ntitle: Extra {i}\nsummary: s\nservice_line: cardiology\ntopic: chest-pain\nstage: learn\n"
            f"reviewed_by: R\nreviewed_on: 2026-09-01\n---\nShort words {i}. Then a very "
            f"{'extraordinarily ' * (i % 7)}complicated consideration.\n"
        )
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")


def check_json(root, capsys, *extra) -> dict:
    main(["check", "--root", str(root), "--format", "json", *AS_OF, *extra])
    return json.loads(capsys.readouterr().out)


def test_no_cache_cold_and_warm_agree(tmp_path, capsys):
    root = copy_base(tmp_path)
    many_guides(root, MIN_FILES + 20)
    uncached = check_json(root, capsys, "--no-cache")
    assert not (root / ".flywheel-cache").exists()
    cold = check_json(root, capsys)
    assert list((root / ".flywheel-cache").glob("check-*.json"))
    warm = check_json(root, capsys)
    assert uncached == cold == warm
    assert "identifier-found" in [r["rule"] for r in uncached["withheld"][0]["reasons"]]
    assert len({grade for grade in uncached["reading_grades"].values()}) > 3


def test_an_edit_is_never_served_from_the_cache(tmp_path, capsys):
    root = copy_base(tmp_path)
    check_json(root, capsys)
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text().replace("stage: decide", "stage: decidee"))
    assert check_json(root, capsys)["summary"]["errors"] == 1
    guide.write_text(guide.read_text().replace("stage: decidee", "stage: decide"))
    assert check_json(root, capsys)["summary"]["errors"] == 0


def test_a_damaged_cache_is_a_miss(tmp_path, capsys):
    root = copy_base(tmp_path)
    first = check_json(root, capsys)
    for path in (root / ".flywheel-cache").glob("check-*.json"):
        path.write_bytes(b"not a cache")
    assert check_json(root, capsys) == first


def _cache_file(root):
    (path,) = (root / ".flywheel-cache").glob("check-*.json")
    return path


def test_a_committed_pickle_is_never_loaded(tmp_path, capsys):
    """The first release kept a pickle: one committed to the repository must not run."""
    import pickle

    root = copy_base(tmp_path)
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    folder = root / ".flywheel-cache"
    folder.mkdir()
    for name in ("check-0000000000000000.pickle", "check-0000000000000000.json", "preview"):
        (folder / name).write_bytes(pickle.dumps(Exploit())) if name != "preview" else None
    before = check_json(root, capsys, "--no-cache")
    assert check_json(root, capsys) == before
    assert not marker.exists()


def test_a_tampered_cache_changes_no_decision(tmp_path, capsys):
    """Rewrite the scan entry of a story with an identifier to 'no findings', as a hostile
    pull request would: the signature no longer matches, so the whole file is ignored."""
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")
    honest = check_json(root, capsys)
    assert "identifier-found" in [r["rule"] for d in honest["withheld"] for r in d["reasons"]]
    path = _cache_file(root)
    mac, _, payload = path.read_bytes().partition(b"\n")
    entries = json.loads(payload)
    poisoned = {k: ({"findings": []} if "findings" in v else v) for k, v in entries.items()}
    assert poisoned != entries
    path.write_bytes(mac + b"\n" + json.dumps(poisoned).encode())
    assert check_json(root, capsys) == honest


def test_a_cache_signed_on_another_machine_is_ignored(tmp_path, capsys, monkeypatch):
    """A cache written elsewhere (another user's key) and committed: its entries are not used,
    even when they are well formed and claim a story has no findings."""
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    honest = check_json(root, capsys)
    path = _cache_file(root)
    mac, _, payload = path.read_bytes().partition(b"\n")
    entries = {k: ({"findings": []} if "findings" in v else v) for k, v in json.loads(payload).items()}
    import hashlib
    import hmac

    foreign_key = (tmp_path / "elsewhere/flywheel/cache-key").read_bytes()
    body = json.dumps(entries).encode()
    path.write_bytes(hmac.new(foreign_key, body, hashlib.sha256).hexdigest().encode() + b"\n" + body)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "here"))
    assert check_json(root, capsys) == honest



def test_a_signing_key_inside_the_project_is_never_used(tmp_path, capsys, monkeypatch):
    """A confused CI setup pointing XDG_CACHE_HOME into the checkout would let a committed key
    sign a committed cache: then there is no cache at all."""
    root = copy_base(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "ci-cache"))
    check_json(root, capsys)
    assert not (root / "ci-cache/flywheel/cache-key").exists()
    assert not list((root / ".flywheel-cache").glob("check-*.json"))


@pytest.mark.parametrize("how", ["environment", "link", "unreadable mkdocs.yml"])
def test_the_cache_is_never_written_where_it_would_be_published(tmp_path, monkeypatch, capsys, how):
    """The cache holds withheld stories' text. A CI setting FLYWHEEL_CACHE_DIR inside docs_dir,
    or a pull request committing .flywheel-cache as a link into site/, must not publish it."""
    from generator.cli import main

    root = copy_sample(tmp_path)
    if how == "environment":
        monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(root / "theme/pages/cache"))
        command = ["build", "--root", str(root), "--as-of", "2026-11-22"]
    elif how == "link":
        (root / "site").mkdir()
        (root / ".flywheel-cache").symlink_to("site/cache")
        command = ["check", "--root", str(root), "--as-of", "2026-11-22"]
    else:  # the check does not need mkdocs.yml; MkDocs' default site/ is still refused
        (root / "mkdocs.yml").write_text("site_name: [unclosed\n")
        monkeypatch.setenv("FLYWHEEL_CACHE_DIR", str(root / "site/cache"))
        command = ["check", "--root", str(root), "--as-of", "2026-11-22"]
    assert main(command) != 0
    shown = "".join(capsys.readouterr())
    assert "must never be published" in shown and "[cache-folder-refused]" in shown
    published = [p for folder in ("theme/pages", "site") for p in (root / folder).rglob("*") if "cache" in p.name]
    assert published == [] or all(p.is_dir() and not any(p.iterdir()) for p in published)


def test_a_check_lets_go_of_its_cache_entries_once_they_are_saved(tmp_path):
    """A build holds the checked project to its end; the cache's entries (every file parsed
    again, every scan) must not stay with it. They are on disk, and a warm check reads them."""
    import datetime as dt

    from generator.check import run_check

    root = copy_sample(tmp_path)
    as_of = dt.date(2026, 11, 22)
    cold = run_check(root, as_of, use_cache=True)
    assert cold.project.cache.entries == {} and not cold.project.cache.enabled
    saved = list((root / ".flywheel-cache").glob("check-*.json"))
    assert len(saved) == 1 and saved[0].stat().st_size > 10_000
    warm = run_check(root, as_of, use_cache=True)
    assert [p.as_row() for p in warm.problems] == [p.as_row() for p in cold.problems]
    assert warm.gate.decisions == cold.gate.decisions


def test_cache_files_are_written_byte_for_byte_as_json_writes_them(tmp_path):
    """orjson writes the signed files (speed); what it writes must be what json wrote, and what
    json refuses must still be refused (a date would otherwise come back as text)."""
    import datetime

    from generator.cache import _json_bytes
    from generator.check import run_check

    root = copy_sample(tmp_path)
    run_check(root, use_cache=True)
    payload = next((root / ".flywheel-cache").glob("check-*.json")).read_bytes().partition(b"\n")[2]
    samples = [json.loads(payload), {"é": ["\u2028", 0.1, 1e16, -0.0, 10**30, None, True]}, {"1": [[], {}]}]
    for data in samples:
        assert _json_bytes(data) == json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    for refused in ({"d": datetime.date(2026, 1, 1)}, {"s": {1, 2}}, {"b": b"x"}):
        with pytest.raises(TypeError):
            _json_bytes(refused)


def test_a_file_orjson_wrote_is_read_by_orjson_and_no_other(tmp_path):
    """orjson reads the files it wrote (twice as fast as json) and only those: it would read an
    integer past 64 bits, which it never writes, as a float. The mark saying which wrote a
    file is signed: adding or removing it leaves a file nobody reads."""
    from generator.cache import read_signed, write_signed

    key = b"k" * 32
    plain, wide = {"a": ["\u2028", 0.1, 2**63, None]}, {"record": 2**70, "below": -(2**63) - 1}
    write_signed(tmp_path / "plain.json", key, plain)
    write_signed(tmp_path / "wide.json", key, wide)
    assert (tmp_path / "plain.json").read_bytes()[:1] == b"o"
    assert (tmp_path / "wide.json").read_bytes()[:1] != b"o"
    assert read_signed(tmp_path / "plain.json", key) == plain
    read = read_signed(tmp_path / "wide.json", key)
    assert read == wide and all(type(v) is int for v in read.values())
    (tmp_path / "stripped.json").write_bytes((tmp_path / "plain.json").read_bytes()[1:])
    (tmp_path / "marked.json").write_bytes(b"o" + (tmp_path / "wide.json").read_bytes())
    assert read_signed(tmp_path / "stripped.json", key) is None
    assert read_signed(tmp_path / "marked.json", key) is None


# What the cached work imports that need not key the cache: the birth year `dates` gives is in
# the scan's key (SCAN_KEY_VERSION); python-frontmatter splits a file before its YAML is keyed.
_KEYED_OTHERWISE = {"dates.py", "python-frontmatter"}


def test_the_cache_is_keyed_on_every_module_and_list_its_cached_work_reads():
    """The cache keeps what the YAML parse, the grade, a story's rendered HTML and the identifier
    scan give, keyed on the code that computes them (`cache._code_version`). The scan also reads
    `leaks.as_seen`'s look-alike table (from confusable-homoglyphs), pyspellchecker's word
    counts and the name and town lists in generator/data/, none of which keyed it: with another
    version of any, a check still took the findings the old one gave. Every module the cached
    work loads, and every list it reads, keys the cache (or is listed here, with why not)."""
    import subprocess
    import sys

    from generator import cache

    script = r'''
import json, sys
import generator.cache
before = set(sys.modules)
from generator.identifiers import scan_story
scan_story([("My neighbour R\u043ebert \u0141ukasz Wr\u00f3bel from Bad Axe, MI, born 3/4/1950, ph 555-0100, "
             "Maria (Lopez), Lopez, M. ROB LINDQVIST drove me", 1),
            ("my nurse Jane at the clinic in Springfield was kind", 2)], ["maria"], ["springfield"])
from generator.sanitize import story_html
story_html("*x* [a](http://b.example) <b>c</b>")
from generator.readability import reading_grade
reading_grade("A sentence here. Another one follows it.")
from generator.load import parse_yaml
parse_yaml("a: 1\nb: [x]\n", "x.md")
from importlib.metadata import packages_distributions
dists = packages_distributions()
new = set(sys.modules) - before
print(json.dumps({
    "mine": sorted({name.split(".")[1] + ".py" for name in new if name.startswith("generator.")}),
    "theirs": sorted({d for name in new if not name.startswith("generator") for d in dists.get(name.split(".")[0], ())}),
}))
'''
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    loaded = json.loads(done.stdout)
    assert {"identifiers.py", "leaks.py", "sanitize.py"} <= set(loaded["mine"])  # the probe reached them
    assert set(loaded["mine"]) - set(cache._CODE_FILES) - _KEYED_OTHERWISE == set()
    libraries = {name.lower().replace("_", "-") for name in cache._LIBRARIES}
    assert {name.lower() for name in loaded["theirs"]} - libraries - _KEYED_OTHERWISE == set()
    data = sorted(f"data/{path.name}" for path in (REPO / "generator/data").iterdir() if path.is_file())
    assert data and set(data) <= set(cache._CODE_FILES)


def test_a_library_upgraded_while_flywheel_runs_keys_the_cache_anew(tmp_path, monkeypatch):
    """The libraries' versions are read once while no folder of the import path changes (the
    preview checks on every save); an upgrade changes a folder, and the key."""
    from generator.cache import _code_version

    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    before = _code_version()
    assert _code_version() == before
    dist = folder / "nh3-99.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: nh3\nVersion: 99.0\n")
    assert _code_version() != before
    shutil.rmtree(dist)
    assert _code_version() == before
