"""Pages reused from a previous build (generator/page_cache.py) make the site a fresh render
makes, byte for byte, and no cache content can change what is published."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from importlib.metadata import EntryPoint

import pytest
from mkdocs.config.defaults import MkDocsConfig

from helpers import REPO, copy_sample, site_settings, site_shows, site_texts, tree_digest

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402

from generator.build import build_site  # noqa: E402
from generator.check import run_check  # noqa: E402
from generator.cli import main  # noqa: E402
from generator.errors import FlywheelError  # noqa: E402

AS_OF = "2026-11-22"


def site_of(root, *extra) -> dict[str, str]:
    assert main(["build", "--root", str(root), "--as-of", AS_OF, *extra]) == 0
    return {p.split("/site/", 1)[1]: d for p, d in tree_digest(root / "site").items()}


def pages_cached(root) -> int:
    payload = (root / ".flywheel-cache/pages.json").read_bytes().partition(b"\n")[2]
    return len(json.loads(payload)["pages"])


@pytest.fixture
def corpus(tmp_path):
    root = generate(tmp_path / "corpus", 150)
    site_settings(root)
    return root


@pytest.mark.parametrize("project", ["sample", "corpus"])
def test_cold_warm_and_no_cache_builds_give_the_same_site(tmp_path, project, request):
    root = copy_sample(tmp_path) if project == "sample" else request.getfixturevalue("corpus")
    fresh = site_of(root, "--no-cache")
    assert not (root / ".flywheel-cache/pages.json").exists()
    assert site_of(root) == fresh  # cold: fills the cache
    assert pages_cached(root) > 20
    assert site_of(root) == fresh  # warm: every page reused


def test_after_one_guide_edit_the_warm_build_is_the_fresh_build(corpus):
    site_of(corpus)
    guide = sorted((corpus / "content/guides").rglob("guide-1.md"))[0]
    guide.write_text(guide.read_text() + "\nWalk and rest each day, a new sentence.\n")
    warm = site_of(corpus)
    assert any("a new sentence" in text for text in site_texts(corpus / "site").values())
    assert site_of(corpus, "--no-cache") == warm
    # A title edit reaches every page that lists the guide.
    guide.write_text(guide.read_text().replace("title: 'Guide 1", "title: 'Renamed guide 1", 1))
    warm = site_of(corpus)
    assert sum("Renamed guide 1" in text for text in site_texts(corpus / "site").values()) > 2
    assert site_of(corpus, "--no-cache") == warm


def test_a_revocation_reaches_pages_reused_from_the_cache(tmp_path):
    root = copy_sample(tmp_path)
    slug = "learning-to-live-with-heart-failure"
    site_of(root)
    assert sum(slug in text for text in site_texts(root / "site").values()) > 3  # linked from guides
    consent = root / "consent/C-2026-012.yml"
    consent.write_text(consent.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))
    warm = site_of(root)
    texts = site_texts(root / "site")
    assert not [name for name, text in texts.items() if slug in text or slug in name]
    assert site_of(root, "--no-cache") == warm


def test_a_reused_page_still_warns_and_still_fails_a_strict_build(tmp_path, capsys):
    root = copy_sample(tmp_path)
    guide = sorted((root / "content/guides").rglob("*.md"))[0]
    guide.write_text(guide.read_text() + "\nSee [the old page](no-such-page.md).\n")
    site_of(root)  # fills the cache with the page and its warning
    before = tree_digest(root / "site")
    capsys.readouterr()
    site_of(root)
    assert sum("no-such-page.md" in line for line in capsys.readouterr().err.splitlines()) == 1
    with pytest.raises(FlywheelError):
        build_site(root, run_check(root, dt.date.fromisoformat(AS_OF)), strict=True)
    assert tree_digest(root / "site") == before


def test_a_reused_page_is_checked_again_for_passages_of_a_withheld_story(tmp_path, capsys):
    """A page's key covers the withheld stories' text it is checked against: a guide reused
    unchanged still fails once a withheld story holds a passage it shows."""
    root = copy_sample(tmp_path)
    guide = root / "content/guides/cardiology/afib-blood-thinners.md"
    sentence = next(line for line in guide.read_text().splitlines() if len(line.split()) >= 14)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    story = root / "content/stories/cardiology/a-racing-heart.md"  # withheld: consent revoked
    story.write_text(story.read_text() + f"\n{sentence}\n")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 1
    assert "quotes a withheld story" in capsys.readouterr().err
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 1


def test_a_reused_page_still_fails_the_third_party_check(tmp_path, capsys):
    root = copy_sample(tmp_path)
    guide = sorted((root / "content/guides").rglob("*.md"))[0]
    guide.write_text(guide.read_text() + '\n<img src="https://tracker.example.net/pixel.png" alt="">\n')
    for _ in range(2):  # cold, then with the page (and what it loads) from the cache
        assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 1
        assert "tracker.example.net" in capsys.readouterr().err


def test_an_edited_stored_page_is_not_used(corpus):
    fresh = site_of(corpus, "--no-cache")
    site_of(corpus)
    for blob in (corpus / ".flywheel-cache/pages").glob("*.html"):
        blob.write_text(blob.read_text().replace("</body>", "<p>Story 3: a withheld story</p></body>"))
    assert site_of(corpus) == fresh


@pytest.mark.parametrize("attack", ["edited index", "foreign key"])
def test_an_index_this_machine_did_not_sign_is_ignored_whole(corpus, tmp_path, monkeypatch, attack):
    """A hostile pull request commits .flywheel-cache/: an index that points the home page at
    a page of its own making, signed with a key that is not this machine's or not signed."""
    fresh = site_of(corpus, "--no-cache")
    site_of(corpus)
    cache = corpus / ".flywheel-cache"
    planted = b"<html><body>Story 3: a withheld story</body></html>"
    import hashlib

    sha = hashlib.sha256(planted).hexdigest()
    (cache / "pages" / f"{sha}.html").write_bytes(planted)
    if attack == "edited index":
        mac, _, payload = (cache / "pages.json").read_bytes().partition(b"\n")
        data = json.loads(payload)
        for entry in data["pages"].values():
            entry["sha"] = sha
        (cache / "pages.json").write_bytes(mac + b"\n" + json.dumps(data).encode())
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
        site_of(corpus)  # signed with the attacker's key, pointing at real pages
        mac, _, payload = (cache / "pages.json").read_bytes().partition(b"\n")
        data = json.loads(payload)
        for entry in data["pages"].values():
            entry["sha"] = sha
        import hmac

        key = (tmp_path / "attacker/flywheel/cache-key").read_bytes()
        payload = json.dumps(data).encode()
        (cache / "pages.json").write_bytes(hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload)
        monkeypatch.undo()
    assert site_of(corpus) == fresh


def test_a_site_with_a_plugin_flywheel_does_not_know_is_built_on_one_core_without_the_cache(tmp_path, monkeypatch):
    """An installed plugin keeps state across pages (here, a running count printed into each
    page): pages rendered in separate processes, or reused from a cache, would not show the same
    count. (A hook would do the same, but mkdocs.yml's hooks run code from the repository and
    are refused: tests/test_mkdocs_yml.py.)"""
    root = copy_sample(tmp_path)
    installed = tmp_path / "site-packages"
    installed.mkdir()
    (installed / "counter_plugin.py").write_text(
        "from mkdocs.plugins import BasePlugin\n"
        "class Counter(BasePlugin):\n"
        "    seen = 0\n"
        "    def on_post_page(self, output, page, config):\n"
        "        Counter.seen += 1\n"
        "        return output.replace('</body>', f'<!-- page {Counter.seen} --></body>')\n"
    )
    monkeypatch.syspath_prepend(str(installed))
    point = EntryPoint(name="counter", value="counter_plugin:Counter", group="mkdocs.plugins")
    monkeypatch.setitem(MkDocsConfig.__dict__["plugins"].installed_plugins, "counter", point)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("\nplugins:\n", "\nplugins:\n  - counter\n", 1))
    assert "- counter" in config.read_text()
    site_of(root)
    counts = sorted(int(text.split("<!-- page ")[1].split(" ")[0])
                    for name, text in site_texts(root / "site").items() if name.endswith(".html") and "<!-- page " in text)
    assert counts == list(range(1, len(counts) + 1)) and len(counts) > 20
    assert not (root / ".flywheel-cache/pages.json").exists()


def test_on_one_core_too_cold_warm_and_no_cache_builds_give_the_same_site(corpus, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    fresh = site_of(corpus, "--no-cache")
    assert site_of(corpus) == fresh
    guide = sorted((corpus / "content/guides").rglob("guide-1.md"))[0]
    guide.write_text(guide.read_text() + "\nOne more sentence on one core.\n")
    warm = site_of(corpus)
    assert site_of(corpus, "--no-cache") == warm


@pytest.mark.parametrize("extension", ["pymdownx.snippets", "pymdownx.b64"])
def test_a_file_a_page_reads_in_is_part_of_its_key(tmp_path, extension):
    """Markdown extensions that read another file into a page (a snippet, a picture inlined
    as a `data:` address): editing that file changes the page a fresh render writes, so a page
    reused unchanged would differ from it."""
    root = copy_sample(tmp_path)
    extras = root / "theme/pages"
    config = root / "mkdocs.yml"
    options = f"base_path: [{extras}]" if extension == "pymdownx.snippets" else f"base_path: {extras}"
    config.write_text(config.read_text().replace("  - admonition\n", f"  - admonition\n  - {extension}:\n      {options}\n", 1))
    guide = sorted((root / "content/guides").rglob("*.md"))[0]
    if extension == "pymdownx.snippets":
        (extras / "note.txt").write_text("The first version of a shared note.\n")
        guide.write_text(guide.read_text() + '\n--8<-- "note.txt"\n')
    else:
        (extras / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n first picture")
        guide.write_text(guide.read_text() + '\n<img src="dot.png" alt="A dot">\n')
    first = site_of(root)
    shown = "The first version of a shared note" if extension == "pymdownx.snippets" else "data:image/png;base64,"
    assert any(shown in text for text in site_texts(root / "site").values())
    if extension == "pymdownx.snippets":
        (extras / "note.txt").write_text("The second version of a shared note.\n")
    else:
        (extras / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n second picture")
    warm = site_of(root)
    assert warm != first
    assert site_of(root, "--no-cache") == warm


def test_a_page_is_not_reused_under_another_python(tmp_path, monkeypatch):
    """Python's html.parser, re and unicodedata shape what the page checks read: a page
    checked under one Python is checked again under another."""
    from generator import cache

    root = copy_sample(tmp_path)
    site_of(root)
    before = json.loads((root / ".flywheel-cache/pages.json").read_bytes().partition(b"\n")[2])["pages"]
    cache.installed_code_version.cache_clear()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    site_of(root)
    after = json.loads((root / ".flywheel-cache/pages.json").read_bytes().partition(b"\n")[2])["pages"]
    cache.installed_code_version.cache_clear()
    assert not set(before) & set(after)


def test_a_page_left_out_is_left_out_again_from_the_cache(tmp_path, capsys):
    """A guide quoting a story withheld today is written as a notice and fails the build (the
    site is written, to take the quotation off it); the notice and its error are what the
    cache keeps, so the next builds (nothing changed, the page's key the same) fail the same
    way and write the same site as one without the cache."""
    root = copy_sample(tmp_path)
    guide = root / "content/guides/cardiology/afib-blood-thinners.md"
    body = guide.read_text().split("\n---\n", 1)[1]
    sentence = next(line for line in body.splitlines() if len(line.split()) >= 14 and "'" not in line)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert site_shows(root / "site", sentence)
    story = root / "content/stories/cardiology/a-racing-heart.md"  # withheld: consent revoked
    story.write_text(story.read_text() + f"\n{sentence}\n")
    sites = []
    for extra in ((), (), ("--no-cache",)):
        capsys.readouterr()
        assert main(["build", "--root", str(root), "--as-of", AS_OF, *extra]) == 1
        assert "quotes a withheld story" in capsys.readouterr().err
        sites.append(tree_digest(root / "site"))
        assert not site_shows(root / "site", sentence)
    assert sites[0] == sites[1] == sites[2]



# The stored pages hashed ahead by a forked process (`page_cache.verify_ahead`) while the check
# runs. A fresh `flywheel` process has one thread and forks; pytest's worker may run others, so
# these tests say there is one, and assert that the fork's answer was used.
@pytest.fixture
def ahead(monkeypatch):
    import threading

    from generator import page_cache

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    taken = []
    verified = page_cache._verified_ahead

    def recorded(folder):
        found = verified(folder)
        taken.append(found)
        return found

    monkeypatch.setattr(page_cache, "_verified_ahead", recorded)
    return taken


def test_pages_hashed_ahead_give_the_fresh_site_and_an_edited_one_is_not_used(corpus, ahead):
    fresh = site_of(corpus, "--no-cache")
    assert site_of(corpus) == fresh  # cold: nothing stored to hash yet
    assert ahead == [None]
    guide = sorted((corpus / "content/guides").rglob("guide-1.md"))[0]
    guide.write_text(guide.read_text() + "\nWalk and rest each day, a new sentence.\n")
    warm = site_of(corpus)
    assert len(ahead[-1]) > 100  # the rebuild took the fork's names
    assert site_of(corpus, "--no-cache") == warm
    # A stored page edited in place (a post-processor writing site/, which links to it) is
    # hashed ahead as no longer its name, so it is read and refused as before: a miss.
    for blob in (corpus / ".flywheel-cache/pages").glob("*.html"):
        blob.write_text(blob.read_text().replace("</body>", "<p>Story 3: a withheld story</p></body>"))
    assert site_of(corpus) == warm
    assert ahead[-1] == set()


def test_on_one_core_no_process_hashes_ahead(corpus, ahead, monkeypatch):
    """FLYWHEEL_WORKERS=1 builds on one core (`forkmap.workers`), hashing included."""
    site_of(corpus)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")
    fresh = site_of(corpus, "--no-cache")
    assert site_of(corpus) == fresh
    assert ahead[-1] is None


def test_a_stored_page_that_is_a_symbolic_link_is_not_taken_as_hashed_ahead(corpus, ahead, tmp_path):
    site_of(corpus)
    blobs = sorted((corpus / ".flywheel-cache/pages").glob("*.html"))
    outside = tmp_path / "outside.html"
    outside.write_bytes(blobs[0].read_bytes())
    blobs[0].unlink()
    blobs[0].symlink_to(outside)
    from generator import page_cache

    page_cache.verify_ahead(corpus)
    folder = corpus / ".flywheel-cache/pages"
    pid = page_cache._ahead[os.path.realpath(folder)][0]
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # done hashing, left for _verified_ahead to reap
    found = page_cache._verified_ahead(folder)
    assert blobs[0].stem not in found and blobs[1].stem in found


@pytest.mark.parametrize("changed", [False, True])
def test_a_page_hashed_ahead_where_links_fail_is_copied_checked_or_the_build_fails(corpus, ahead, monkeypatch, capsys,
                                                                                   changed):
    """Where the site's folder cannot hard-link the stored page (another file system), it is
    copied, and the copy's bytes are checked then: a stored page changed after it was hashed
    ahead fails the build, which keeps the previous site, instead of publishing it."""
    fresh = site_of(corpus, "--no-cache")
    site_of(corpus)
    before = tree_digest(corpus / "site")
    from generator import page_cache

    hashed_ahead = page_cache._verified_ahead  # the fixture's, which records what it gave
    blobs = corpus / ".flywheel-cache/pages"

    def hashed_then_changed(folder):
        found = hashed_ahead(folder)
        if changed:  # after the fork hashed it, before the page is placed
            page = next(b for b in sorted(blobs.glob("*.html")) if b.stem in found and b"Story 3" not in b.read_bytes())
            # Written whole and moved over it: the live site's page, the same file, stays as it was.
            other = page.with_suffix(".tmp")
            other.write_bytes(page.read_bytes().replace(b"</body>", b"<p>Story 3: a withheld story</p></body>"))
            other.replace(page)
        return found

    def no_links(source, destination, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(page_cache, "_verified_ahead", hashed_then_changed)
    monkeypatch.setattr(page_cache.os, "link", no_links)
    if changed:
        capsys.readouterr()
        assert main(["build", "--root", str(corpus), "--as-of", AS_OF]) == 1
        assert "changed or went while this build ran" in capsys.readouterr().err
        assert tree_digest(corpus / "site") == before
    else:
        assert site_of(corpus) == fresh
    assert ahead[-1]  # the build took the fork's names


def test_a_build_does_not_wait_for_the_stored_pages_still_being_hashed_ahead(corpus, ahead, monkeypatch):
    """A pull request can plant gigabytes of stored pages, or a million files: the build stops
    the hashing process where it is and hashes what it had not reached as before."""
    fresh = site_of(corpus, "--no-cache")
    site_of(corpus)
    from generator import page_cache

    real = page_cache.hashlib.file_digest
    hashed = []

    def slow_after_two(handle, name):  # runs in the forked process
        hashed.append(1)
        if len(hashed) == 3:
            time.sleep(20)
        return real(handle, name)

    monkeypatch.setattr(page_cache.hashlib, "file_digest", slow_after_two)
    started = time.monotonic()
    assert site_of(corpus) == fresh
    assert len(ahead[-1]) == 2  # what it had hashed when the build needed the answer
    assert time.monotonic() - started < 20


def test_a_build_stopped_by_the_check_leaves_no_hashing_process_behind(corpus, ahead, monkeypatch):
    site_of(corpus)
    from generator import page_cache

    started = []
    real = page_cache.verify_ahead

    def recorded(root):
        real(root)
        started.extend(pid for pid, _ in page_cache._ahead.values())

    monkeypatch.setattr(page_cache, "verify_ahead", recorded)
    guide = sorted((corpus / "content/guides").rglob("guide-1.md"))[0]
    guide.write_text(guide.read_text().replace("title:", "title: [unclosed", 1))
    assert main(["build", "--root", str(corpus), "--as-of", AS_OF]) == 1
    assert started and not page_cache._ahead
    for pid in started:
        with pytest.raises(ChildProcessError):  # reaped: no process, not even a zombie
            os.waitpid(pid, os.WNOHANG)


def test_the_code_version_is_the_same_with_the_checkout_on_the_import_path(tmp_path, monkeypatch):
    """`PYTHONPATH=<checkout>` puts the checkout's `flywheel.egg-info` on the path: counted, it
    made every page stored by the installed command a miss. Another distribution still counts."""
    from generator import cache

    cache.installed_code_version.cache_clear()
    plain = cache.installed_code_version()
    checkout = tmp_path / "checkout"
    (checkout / "flywheel.egg-info").mkdir(parents=True)
    (checkout / "flywheel-0.9.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(checkout))
    cache.installed_code_version.cache_clear()
    assert cache.installed_code_version() == plain
    (checkout / "flywheel_sdk-1.0.dist-info").mkdir()  # another distribution, not Flywheel
    cache.installed_code_version.cache_clear()
    assert cache.installed_code_version() != plain
    cache.installed_code_version.cache_clear()
