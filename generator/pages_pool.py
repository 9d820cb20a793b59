"""`flywheel build`'s MkDocs build, with the two page loops spread over every core.

MkDocs renders a site in one process: it reads and converts every page's Markdown, then renders
every page's template, one page at a time. Those two loops are most of a build. This module
runs MkDocs' own build, event by event and in MkDocs' order, and shares each loop's pages
between the build's own process and worker processes forked from it (so they hold the same
configuration, files, navigation and plugins), results coming back in page order:

- the Markdown loop: each worker runs MkDocs' `_populate_page` (with the `pre_page`,
  `page_markdown` and `page_content` events) and sends back what other pages and the end of
  the build need of the page (its meta, title and anchors), which the parent sets on its own
  page, so when the template loop starts every page is read and converted, as in MkDocs. The
  page's Markdown, HTML and table of contents wait in a private spool on disk (`_Spool`):
  MkDocs holds every page's HTML until its build ends, which at 50,000 pieces was gigabytes;
- the template loop: each worker reads a page's text back from the spool, runs MkDocs'
  `_build_page` (`page_context`, the template and `post_page`, which is where Flywheel's leak
  checks run) and writes the page into the staging folder; it sends back the search index
  entries the search plugin made for the page.

Log records made in a worker are sent back and handled by the parent's loggers in page order,
so warnings print once, name their source file, and count for strict mode. An exception in a
worker is raised in the parent as MkDocs would have raised it, and the build fails as before.

It is used only where that is known to give the same site as MkDocs alone (a test builds both
and compares every byte): on Linux-like systems with `fork`, more than one core, enough pages
to repay starting the workers, and no plugins but Flywheel and the search plugin, whose state
this module knows how to bring back. Anything else is built by MkDocs itself.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler, clean_directory

from .collector import FewerCollections
from .forkmap import each as _each
from .forkmap import replay as _replay
from .forkmap import workers
from .page_cache import PageCache
from .paths import installed_program
from .third_parties import page_resources

log = logging.getLogger("mkdocs.plugins.flywheel")

# Plugins whose cross-page state this module brings back from the workers (the search index);
# any other plugin may keep state of its own, so a site that uses one is built serially.
KNOWN_PLUGINS = frozenset({"flywheel", "search", "material/search"})
MIN_PAGES = 120  # below this, starting two processes costs more than it saves (measured)



def other_plugins(config) -> bool:
    """Whether mkdocs.yml lists a plugin besides Flywheel and search: one that may keep state
    of its own, or write files into the site after Flywheel's checks."""
    return bool(set(config.plugins) - KNOWN_PLUGINS)


def workers_for(config, pages: int) -> int:
    """How many processes render the pages: 1 means MkDocs' own serial build."""
    if other_plugins(config):
        return 1
    return workers(pages, MIN_PAGES)


def build(config) -> None:
    """Build the site as `mkdocs.commands.build.build(config)` does, pages on every core."""
    mkdocs_log = logging.getLogger("mkdocs")
    strict_counter = CountHandler()
    strict_counter.setLevel(logging.WARNING)
    if config.strict:
        mkdocs_log.addHandler(strict_counter)
    included = InclusionLevel.is_included
    spool: _Spool | None = None
    folders: _FolderMaker | None = None
    loading = FewerCollections()  # while loading, and through a rebuild of a few pages: collector.py
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        pages: list[Page] = []
        for file in files.documentation_pages(inclusion=included):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            assert file.page is not None
            pages.append(file.page)
        flywheel = config.plugins.get("flywheel")
        cache = _open_cache(config, files, nav, flywheel)
        keys = [cache.key(page) for page in pages] if cache else [None] * len(pages)
        stored = [cache.get(key) if cache else None for key in keys]
        todo = [page for page, hit in zip(pages, stored) if hit is None]
        workers = workers_for(config, len(todo))  # a rebuild of a few pages forks nothing
        # Without workers, the folders of the pages reused from the cache are made by other
        # processes while this one goes on: 0.5 s of mkdir at 5,000 pages on a virtual disk.
        folders = _FolderMaker([page.file.abs_dest_path for page, hit in zip(pages, stored) if hit is not None]
                               if workers == 1 else [])

        spool = _Spool.open() if workers > 1 else None
        if len(todo) >= MIN_PAGES:  # many pages to render, each leaving cycles: Python's pace
            loading.restore()

        def populate(page: Page) -> dict:
            mkdocs_build._populate_page(page, config, files)
            state = _populated(page)
            if spool is not None:  # the page's text waits on disk for its render
                try:
                    state["spooled"] = spool.put((page.markdown, page.content, page.toc))
                except OSError:  # no room in $TMPDIR: this page waits in memory, as in MkDocs
                    return state
                page.markdown = page.content = page.toc = None
                del state["markdown"], state["content"], state["toc"]
            return state

        populated = _each(todo, populate, workers)
        made: dict[int, dict] = {}  # page index -> its cache entry, for pages rendered now
        for index, (page, hit) in enumerate(zip(pages, stored)):
            if hit is None:
                state, logs = next(populated)
                if workers > 1:
                    _set_populated(page, state, files)
                made[index] = {"populate": {"state": _json_state(state), "logs": logs}}
            else:
                _replay(hit[0]["populate"]["logs"])
                _set_populated(page, _unjson_state(hit[0]["populate"]["state"]), files)

        populated.close()  # every page is in: shut the pool down now, not when collected
        if spool is not None:  # every page's source is read and spooled: the parent drops it
            for page in todo:
                page.file._content = page.file.abs_src_path = None  # read again: MkDocs asserts
            if flywheel is not None:
                flywheel.release_sources()
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=included)
        for template in config.theme.static_templates:
            mkdocs_build._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mkdocs_build._build_extra_template(template, files, config, nav)

        doc_files = files.documentation_pages(inclusion=included)
        search = _search_index(config)

        def render(page: Page) -> dict:
            before = len(search.entries) if search is not None else 0
            spooled = getattr(page, "_flywheel_spooled", None)
            if spool is not None and spooled is not None:
                page.markdown, page.content, page.toc = spool.get(spooled)
            mkdocs_build._build_page(page, config, doc_files, nav, env)
            if spooled is not None:
                page.markdown = page.content = page.toc = None  # this worker's copy, used
            # The page's search entries as JSON: one string instead of a dict of strings per
            # section while the build goes on (the index is made whole once the workers end).
            out = {"search": _entries_json(search.entries[before:]) if search is not None else "[]"}
            if search is not None:
                del search.entries[before:]  # put back in page order after the loop below
            if cache is not None and os.path.isfile(page.file.abs_dest_path):
                with open(page.file.abs_dest_path, "rb") as handle:
                    data = handle.read()
                out["sha"] = cache.store(data, page.file.abs_dest_path)
                out["resources"] = [[line, url] for line, url in page_resources(data.decode("utf-8", errors="replace"))]
            return out

        folders.join()
        # What each page written here loads, found when it was rendered: the third-party check
        # need not read these pages again.
        known: dict[str, list] = {}
        found: list[str] = []  # each page's search entries, as JSON, in page order
        if flywheel is not None:
            flywheel.pool_counts = workers > 1  # the loop below counts pages, wherever rendered
        rendered = _each([page for page, hit in zip(pages, stored) if hit is None], render, workers)
        for index, (page, hit) in enumerate(zip(pages, stored)):
            if hit is None:
                out, logs = next(rendered)
                found.append(out["search"])
                if cache is not None and "sha" in out:
                    known[page.file.dest_uri] = out["resources"]
                    cache.put(keys[index], {**made[index], "render": {"search": out["search"], "logs": logs},
                                            "sha": out["sha"], "resources": out["resources"]})
            else:
                entry, data = hit
                _replay(entry["render"]["logs"])
                cache.place(entry["sha"], data, page.file.abs_dest_path)
                known[page.file.dest_uri] = entry["resources"]
                found.append(entry["render"]["search"])
            if flywheel is not None and (workers > 1 or hit is not None):
                flywheel.count_rendered(index + 1)
        rendered.close()  # every page is written: the workers' memory goes before the index is
        if spool is not None:
            spool.close()
        if search is not None:
            search.entries.extend(entry for page in found for entry in json.loads(page))
        del found
        if cache is not None:
            cache.save()
        if flywheel is not None:
            flywheel.known_resources = known

        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        if counts := strict_counter.get_counts():
            raise Abort("Aborted with " + ", ".join(f"{n} {level.lower()}s" for level, n in counts) + " in strict mode!")
    except Exception as error:
        config.plugins.on_build_error(error=error)
        if isinstance(error, BuildError):
            mkdocs_log.error(str(error))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        loading.restore()
        mkdocs_log.removeHandler(strict_counter)
        if spool is not None:
            spool.close()
        if folders is not None:
            folders.join()


class _FolderMaker:
    """Makes the folders of `paths` (files about to be written) in `mkdir -p` processes, which
    run on another core while this process sets up MkDocs' pages. A thread would not: each
    mkdir would wait for the interpreter's lock between system calls, and made about 300 of
    5,000 folders before it was joined. `join` before the files are written; where `mkdir` is
    missing or fails, the folders are made when their files are written, as before."""

    CHUNK = 2000  # folders per process: a command line well under the system's limit

    def __init__(self, paths: list[str]) -> None:
        folders = sorted({os.path.dirname(path) for path in paths})
        self.processes: list[subprocess.Popen] = []
        mkdir = installed_program("mkdir")
        for start in range(0, len(folders), self.CHUNK) if mkdir else ():
            try:
                self.processes.append(subprocess.Popen(
                    [mkdir, "-p", "--", *folders[start : start + self.CHUNK]],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                ))
            except OSError:
                break

    def join(self) -> None:
        for process in self.processes:
            process.wait()
        self.processes = []


def _populated(page: Page) -> dict:
    """What `_populate_page` set on a page, to be set on the parent's copy."""
    links = page.links_to_anchors
    return {
        "markdown": page.markdown,
        "meta": page.meta,
        "content": page.content,
        "toc": page.toc,
        "title": page._title_from_render,
        "anchors": page.present_anchor_ids,
        "links": None if links is None else {f.src_uri: v for f, v in links.items()},
    }


def _set_populated(page: Page, state: dict, files: Files) -> None:
    page.meta = state["meta"]
    if "spooled" in state:  # its Markdown, HTML and toc are read back by the page's render
        page._flywheel_spooled = state["spooled"]
    else:
        page.markdown = state["markdown"]
    if "content" in state:  # a page reused from the cache is not rendered: no HTML, no toc
        page.content, page.toc = state["content"], state["toc"]
    page._title_from_render = state["title"]
    page.present_anchor_ids = state["anchors"]
    if state["links"] is not None:
        page.links_to_anchors = {files.get_file_from_path(src): v for src, v in state["links"].items()}


class _Spool:
    """Where the Markdown loop's workers leave each page's Markdown, HTML and table of
    contents for the template loop's workers, so that no process holds every page's text: the
    parent keeps a page's title, meta and anchors (the navigation and the end of the build
    need them), and a worker reads a page's text back just before rendering it and drops it
    after. MkDocs itself holds every page's HTML until its build ends; at 50,000 pieces that
    was most of the build's memory.

    A private temporary folder (mode 0700) with one file per process, appended to and never
    rewritten; it holds published pages only (a withheld story has no page) and goes with the
    build, failed or not. A build killed outright leaves it; the next build deletes it (its
    name carries the build's process id, which no live process holds any more). A process
    whose write failed (a full disk) writes no more to it: its file's end is no longer known,
    and its later pages wait in memory."""

    PREFIX = "flywheel-pages-"

    def __init__(self) -> None:
        self._remove_stale()
        self.folder = tempfile.mkdtemp(prefix=f"{self.PREFIX}{os.getpid()}-")
        self._owner = os.getpid()
        self._writer: tuple[int, Any] | None = None  # (pid, file) of this process's spool file
        self._readers: dict[tuple[int, str], Any] = {}  # (pid, name) -> a file this process opened

    @classmethod
    def _remove_stale(cls) -> None:
        """Delete the spools of builds that were killed (`remove_stale_folders`)."""
        remove_stale_folders(cls.PREFIX)

    @classmethod
    def open(cls) -> _Spool | None:
        """A spool, or None where no temporary folder can be made (the parent then holds the
        pages, as MkDocs does: more memory, the same site)."""
        try:
            return cls()
        except OSError as error:
            log.info("flywheel: pages held in memory between the page loops (no temporary folder: %s)", error)
            return None

    def put(self, value: Any) -> tuple[str, int, int]:
        """Where `value` now is; OSError where it could not be written."""
        if self._writer is None or self._writer[0] != os.getpid():
            self._writer = (os.getpid(), None)
            name = os.path.join(self.folder, f"{os.getpid()}.pickle")
            self._writer = (os.getpid(), open(name, "ab"))  # noqa: SIM115 (kept for the process's life)
        handle = self._writer[1]
        if handle is None:
            raise OSError("the spool could not be written before")
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        try:
            offset = handle.tell()
            handle.write(data)
            handle.flush()  # the parent starts the template loop once every page is in
        except OSError:
            self._writer = (os.getpid(), None)
            raise
        return handle.name, offset, len(data)

    def get(self, where: tuple[str, int, int]) -> Any:
        """The value `put` left at `where`. Each process reads through files it opened itself,
        at the offset given (`os.pread`): a file object inherited by a worker forked later
        shares its position with this process's, and a `seek` then `read` in each at once read
        another page's bytes (forkmap's workers are forked afresh as they go)."""
        name, offset, size = where
        key = (os.getpid(), name)
        handle = self._readers.get(key)
        if handle is None:
            handle = self._readers[key] = open(name, "rb")  # noqa: SIM115
        data = b""
        while len(data) < size:
            part = os.pread(handle.fileno(), size - len(data), offset + len(data))
            if not part:
                raise EOFError(f"{name} ends before byte {offset + size}")
            data += part
        return pickle.loads(data)

    def close(self) -> None:
        """In the build's own process (a worker's copy has nothing to delete): close what this
        process opened, if it rendered pages too, and delete the folder."""
        if os.getpid() != self._owner:
            return
        for handle in [*self._readers.values(), *([self._writer[1]] if self._writer and self._writer[1] else [])]:
            handle.close()
        self._readers, self._writer = {}, None
        shutil.rmtree(self.folder, ignore_errors=True)


def remove_stale_folders(prefix: str) -> None:
    """Delete the folders a killed Flywheel process left in the temporary folder: this user's
    folders named `<prefix><pid>-...` whose process has ended. Anything else in the temporary
    folder (a link, another user's folder, a live process's, another name) is left alone."""
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if not entry.name.startswith(prefix) or not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            mine = entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid()
        except OSError:
            continue
        if mine:
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: alive
        return True
    return True


def _json_state(state: dict) -> dict:
    """What other pages and the end of the build need of a page, as JSON for the cache."""
    return {
        "meta": state["meta"],
        "title": state["title"],
        "anchors": sorted(state["anchors"] or ()),
        "links": state["links"],
    }


def _unjson_state(state: dict) -> dict:
    return {"markdown": "", "meta": state["meta"], "title": state["title"],
            "anchors": set(state["anchors"]), "links": state["links"]}


def _open_cache(config, files, nav, flywheel) -> PageCache | None:
    """The page cache, for `flywheel build` of a site with only the plugins this module knows."""
    if flywheel is None or not flywheel.caches_pages or set(config.plugins) - KNOWN_PLUGINS:
        return None
    return PageCache.open(Path(config.config_file_path).parent, config, files, nav, flywheel.page_inputs())


def _entries_json(entries: list) -> str:
    """A page's search entries as JSON that the search plugin's own `json.dumps(...,
    default=str)` writes the same from, once read back: values JSON cannot hold become text
    here, as they would there."""
    return json.dumps(entries, separators=(",", ":"), default=str)


def _search_index(config):
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and hasattr(plugin, "search_index"):
            return plugin.search_index if plugin.config.get("enabled", True) else None
    return None
