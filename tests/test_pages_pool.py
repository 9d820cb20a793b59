"""Pages rendered in worker processes (generator/pages_pool.py) give MkDocs' own site, byte for
byte, and a warning or a failure in a worker reaches the build as it would without them."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
import tempfile

import pytest

from helpers import REPO, copy_sample, site_settings, tree_digest

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402

from generator.build import build_site  # noqa: E402
from generator.check import run_check  # noqa: E402
from generator.errors import FlywheelError  # noqa: E402
from generator.cli import main  # noqa: E402
from generator import pages_pool  # noqa: E402

AS_OF = "2026-11-22"


def relative_digest(site):
    return {path.split(site.as_posix() + "/", 1)[1]: digest for path, digest in tree_digest(site).items()}


def corpus(tmp_path, pieces=150):
    root = generate(tmp_path / "corpus", pieces)
    site_settings(root)
    return root


def mkdocs_alone(root) -> dict[str, str]:
    """The site as `mkdocs build` makes it: MkDocs' own build loop, pages one at a time."""
    env = {**os.environ, "FLYWHEEL_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml")],
                   check=True, env=env, capture_output=True)
    return relative_digest(root / "site")


@pytest.mark.parametrize("project", ["sample", "corpus"])
def test_pages_on_two_cores_give_mkdocs_own_site_byte_for_byte(tmp_path, monkeypatch, project):
    root = copy_sample(tmp_path) if project == "sample" else corpus(tmp_path)
    expected = mkdocs_alone(root)
    for workers in ("2", "3", "1"):
        monkeypatch.setenv("FLYWHEEL_WORKERS", workers)
        # --no-cache: every page rendered by the workers, none reused from the previous round
        assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
        assert relative_digest(root / "site") == expected, f"{workers} worker(s)"
    assert any(name.endswith("search_index.json") for name in expected)


def test_workers_forked_afresh_read_the_spool_right_and_give_the_same_site(tmp_path, monkeypatch):
    """forkmap forks a fresh worker every RENEW_AFTER pages (a worker's memory grows as it
    goes). A worker forked after this process had read the spool inherited its open file, and
    with it the file's position: a `seek` and `read` in each at once read another page's bytes
    (an UnpicklingError at 50,000 pieces). Forced here every few pages."""
    from generator import forkmap

    root = corpus(tmp_path)
    expected = mkdocs_alone(root)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    monkeypatch.setattr(forkmap, "RENEW_AFTER", 3)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert relative_digest(root / "site") == expected


def test_a_warning_in_a_worker_prints_once_names_its_source_and_counts_for_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    before = tree_digest(root / "site")
    guide = sorted((root / "content/guides").rglob("*.md"))[0]
    guide.write_text(guide.read_text() + "\nSee [the old page](no-such-page.md).\n")
    with pytest.raises(FlywheelError):  # MkDocs' strict mode counts the worker's warning
        build_site(root, run_check(root, dt.date.fromisoformat(AS_OF)), strict=True)
    assert tree_digest(root / "site") == before
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "no-such-page.md" in line]
    assert len(warnings) == 1, warnings
    assert f"generated from {guide.relative_to(root).as_posix()}" in warnings[0]


def private_temp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, where the build's spool goes (tempfile's default)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_no_process_holds_every_page_text_between_the_two_loops(tmp_path, monkeypatch):
    """Memory at 50,000 pieces: the Markdown loop's workers leave each page's Markdown, HTML and
    table of contents in a private spool; the parent keeps none of it (nor the generated
    sources, once read), the template loop's workers read each page's back, and the spool goes
    with the build."""
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    temp = private_temp(tmp_path, monkeypatch)
    root = corpus(tmp_path)
    expected = mkdocs_alone(root)
    populated, seen = [], {}
    set_populated, search_index = pages_pool._set_populated, pages_pool._search_index

    def remember(page, state, files):
        populated.append(page)
        set_populated(page, state, files)

    def between_the_loops(config):  # once every page is populated, before any is rendered
        spools = list(temp.glob("flywheel-pages-*"))
        seen["mode"] = [stat.S_IMODE(folder.stat().st_mode) for folder in spools]
        seen["bytes"] = sum(file.stat().st_size for folder in spools for file in folder.iterdir())
        seen["held"] = [p.file.src_uri for p in populated
                        if p.content is not None or p.markdown is not None or p.file._content is not None]
        seen["sources"] = sum(len(page.markdown) for page in config.plugins["flywheel"].site.pages)
        # Nothing else holds a generated page's Markdown either (a lookup by address did, and
        # took a 50,000-piece build past 2 GB).
        import gc

        from generator.render import GeneratedPage

        seen["kept"] = sum(1 for o in gc.get_objects() if isinstance(o, GeneratedPage) and o.markdown)
        return search_index(config)

    monkeypatch.setattr(pages_pool, "_set_populated", remember)
    monkeypatch.setattr(pages_pool, "_search_index", between_the_loops)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert relative_digest(root / "site") == expected
    assert len(populated) > 150 and seen["held"] == [] and seen["sources"] == 0 and seen["kept"] == 0
    assert seen["mode"] == [0o700]  # one spool, this user's only
    assert seen["bytes"] > len(populated) * 1000  # every page's text, on disk
    assert list(temp.iterdir()) == []


def test_a_page_that_fails_in_a_worker_fails_the_build_and_leaves_the_site(tmp_path, monkeypatch, capsys):
    """A guide that types a withheld story's address: the leak check raises in a worker."""
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    temp = private_temp(tmp_path, monkeypatch)
    root = corpus(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    before = tree_digest(root / "site")
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    withheld = sorted(d.slug for d in result.gate.withheld if d.kind == "story")[0]
    guide = sorted((root / "content/guides").rglob("guide-7.md"))[0]
    guide.write_text(guide.read_text() + f"\nOld address: example.org/stories/{withheld}/\n")
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert f"address of withheld story {withheld}" in err
    assert tree_digest(root / "site") == before
    assert list(temp.iterdir()) == []  # the failed build's spool of page text went with it


@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_the_progress_line_counts_every_page_once_in_order(tmp_path, monkeypatch, capsys, workers):
    """`rendered N/M pages` on a terminal: the count rises to the total once, whichever process
    rendered a page (the build's own process renders some of them too)."""
    monkeypatch.setenv("FLYWHEEL_WORKERS", workers)
    monkeypatch.setattr("generator.cli._interactive", lambda: True)
    monkeypatch.setenv("FLYWHEEL_PROGRESS", "0")  # the command sets it; put back after
    root = corpus(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    counts = [tuple(map(int, m)) for m in re.findall(r"rendered (\d+)/(\d+) pages", capsys.readouterr().err)]
    total = counts[-1][1]
    assert total > 150 and counts[-1] == (total, total)
    assert [done for done, _ in counts] == sorted(set(done for done, _ in counts))  # rising, no repeats
    assert all(done % 50 == 0 for done, _ in counts[:-1])


def test_without_a_temporary_folder_the_pages_wait_in_memory_and_the_site_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    root = corpus(tmp_path)
    expected = mkdocs_alone(root)

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", no_room)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert relative_digest(root / "site") == expected


def test_a_full_temporary_disk_leaves_those_pages_in_memory_and_the_site_is_the_same(tmp_path, monkeypatch):
    """Every write after the 40th fails in each process (a $TMPDIR that fills up mid-build)."""
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    private_temp(tmp_path, monkeypatch)
    root = corpus(tmp_path)
    expected = mkdocs_alone(root)
    put, written = pages_pool._Spool.put, {}

    def filling_up(self, value):
        written[os.getpid()] = written.get(os.getpid(), 0) + 1
        if written[os.getpid()] > 40:
            raise OSError(28, "No space left on device")
        return put(self, value)

    monkeypatch.setattr(pages_pool._Spool, "put", filling_up)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert relative_digest(root / "site") == expected


def test_a_spool_write_that_failed_is_never_followed_by_another(tmp_path, monkeypatch):
    """After a failed write the file's end is unknown: a later page written there could be read
    back as another's. Pages written before it still read back whole."""
    private_temp(tmp_path, monkeypatch)
    spool = pages_pool._Spool()
    first = spool.put(("# one", "<p>one</p>", None))

    class FullOnce:  # the first write fails; the disk then has room again
        name, failed = first[0], False

        def tell(self):
            return 100

        def write(self, data):
            if not self.failed:
                self.failed = True
                raise OSError(28, "No space left on device")

        def flush(self):
            pass

    spool._writer = (os.getpid(), FullOnce())
    with pytest.raises(OSError):
        spool.put(("# two", "<p>two</p>", None))
    with pytest.raises(OSError):  # not written, though the next write might have worked
        spool.put(("# three", "<p>three</p>", None))
    assert spool.get(first) == ("# one", "<p>one</p>", None)
    spool.close()
    assert not os.path.exists(spool.folder)


def test_the_next_build_deletes_a_killed_builds_spool_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setenv("FLYWHEEL_WORKERS", "2")
    temp = private_temp(tmp_path, monkeypatch)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    killed = temp / f"flywheel-pages-{ended.pid}-abc123"  # a build that ended without cleaning up
    killed.mkdir()
    (killed / f"{ended.pid}.pickle").write_bytes(b"published page text")
    running = temp / f"flywheel-pages-{os.getpid()}-def456"  # a build still running
    running.mkdir()
    unnamed = temp / "flywheel-pages-notapid"
    unnamed.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not ours")
    linked = temp / f"flywheel-pages-{ended.pid}-link"
    linked.symlink_to(elsewhere, target_is_directory=True)
    root = corpus(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    assert sorted(p.name for p in temp.iterdir()) == sorted([running.name, unnamed.name, linked.name])
    assert (elsewhere / "keep.txt").read_text() == "not ours"


def test_the_folders_of_reused_pages_are_made_by_other_processes_or_where_written(tmp_path, monkeypatch):
    """A rebuild makes the folders of reused pages in `mkdir -p` processes; without `mkdir`, or
    where it failed, placing a page makes its folder."""
    from generator.page_cache import PageCache
    from generator.pages_pool import _FolderMaker

    paths = [str(tmp_path / "site" / f"line-{n % 3}" / f"page-{n}" / "index.html") for n in range(2500)]
    maker = _FolderMaker(paths)
    assert len(maker.processes) == 2  # 2,500 folders, 2,000 a process
    maker.join()
    assert all(os.path.isdir(os.path.dirname(p)) for p in paths)

    # A `mkdir` in the project, reached by an empty PATH entry (the working folder), never runs.
    bait = tmp_path / "project"
    bait.mkdir()
    (bait / "mkdir").write_text(f"#!/bin/sh\ntouch {tmp_path / 'ran'}\n")
    (bait / "mkdir").chmod(0o755)
    monkeypatch.chdir(bait)
    monkeypatch.setenv("PATH", os.pathsep + os.environ["PATH"])
    _FolderMaker([str(tmp_path / "site2" / "a" / "index.html")]).join()
    assert not (tmp_path / "ran").exists() and (tmp_path / "site2" / "a").is_dir()

    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    lost = [str(tmp_path / "other" / "a" / "index.html")]
    maker = _FolderMaker(lost)
    maker.join()
    assert maker.processes == [] and not os.path.exists(os.path.dirname(lost[0]))
    cache = PageCache.__new__(PageCache)
    cache.blobs = tmp_path / "blobs"  # no stored file: the page is written from its bytes
    cache.place("0" * 64, b"<p>page</p>", lost[0])
    with open(lost[0], "rb") as handle:
        assert handle.read() == b"<p>page</p>"
