"""`flywheel build` and `flywheel serve`: the check, then MkDocs through its public API.

The check runs once; its result is handed to the MkDocs plugin so the site is rendered from
exactly what was checked. The plugin builds into a staging folder and swaps it into `site/`
only on success.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import sys
import tempfile
import threading
import types
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException, PluginError

from . import pages_pool
from .check import CheckResult
from .config_code import refuse_config_code
from .errors import FlywheelError
from .identifiers import release_word_lists
from .mkdocs_plugin import SettingsRefused, TemplateFailed
from .paths import check_build_folders, configured_folders, site_folders

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # we pin MkDocs < 2; the banner only confuses


class _WithoutFrames(logging.Filter):
    """MkDocs' message for a setting it cannot load carries the traceback of the failure
    (`toc: {bogus_option: 1}` printed eleven lines of Python-Markdown's frames, stop 50's red
    team K): the message keeps its first line and the error, without the frames."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if '\n  File "' in message:
            kept = [line for line in message.splitlines() if line.strip() and not line.startswith(" ")]
            record.msg, record.args = "\n".join(kept), None
        return True


logging.getLogger("mkdocs.config").addFilter(_WithoutFrames())


def _config(root: Path, strict: bool, as_of: dt.date, **overrides):
    config_file = root / "mkdocs.yml"
    if not config_file.exists():
        raise FlywheelError(
            f"{config_file} not found: run flywheel from the project folder or pass --root"
        )
    folders = configured_folders(root)
    check_build_folders(root, folders["site_dir"], folders["docs_dir"])
    refuse_config_code(root)  # MkDocs runs a hook or a python tag as it loads the file
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
    except (Abort, MkDocsException) as exc:
        raise FlywheelError(f"mkdocs.yml: {exc}") from None
    except RecursionError:  # MkDocs follows INHERIT without a limit
        raise FlywheelError("mkdocs.yml nests too deeply, or its INHERIT chain leads back to itself; "
                            "INHERIT must name another file that does not inherit this one") from None
    except Exception as exc:  # noqa: BLE001 (a value MkDocs' own validation trips on, rt7: `custom_dir: 42`)
        raise FlywheelError(f"mkdocs.yml: MkDocs cannot read a setting ({type(exc).__name__}: {exc})") from None
    plugin = config.plugins.get("flywheel")
    if plugin is None:
        raise FlywheelError("mkdocs.yml does not list the flywheel plugin under 'plugins:'")
    plugin.config.as_of = as_of.isoformat()
    return config, plugin


def build_site(
    root: Path, result: CheckResult, strict: bool = False, withdrawal: str | None = None, cache: bool = True
) -> None:
    """Render the checked content into `root/site` (or mkdocs.yml's site_dir); raise on failure.

    With `withdrawal` (why one is due, from `withdraw.replacement_due`), `result` may hold
    errors: the site is rendered without the pieces that have them, only so that stories
    withheld today leave the site (withdraw.py). With `cache`,
    pages whose every input is unchanged since a previous build are reused (page_cache.py)."""
    release_word_lists(len(result.project.guides) + len(result.project.stories))  # nothing scans while pages render
    try:
        config, plugin = _config(root, strict, result.gate.as_of)
    except FlywheelError as exc:
        if (fallback := _fallback_site(root)) is not None:
            _build_with_defaults(root, result, fallback, exc)
        _withdraw_without_plugin(root, result)
        raise
    try:
        _render(root, result, config, plugin, strict, withdrawal, cache)
    except SettingsFailed as exc:  # no site yet (a fresh checkout): one with Flywheel's own settings
        if (fallback := _fallback_site(root)) is not None:
            _build_with_defaults(root, result, fallback, exc)
        raise


def _render(root: Path, result: CheckResult, config, plugin, strict: bool, withdrawal: str | None,
            cache: bool) -> None:
    plugin.result = result
    plugin.fail_after_withdrawal = not withdrawal
    plugin.withdrawal_due = withdrawal  # found already: the plugin need not read site/ again
    plugin.caches_pages = cache
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        with _signals_interrupt():
            pages_pool.build(config)
    except KeyboardInterrupt:
        # Ctrl-C, SIGTERM, SIGHUP: no half-built copy beside site/, and site/ as it was less what
        # shows a story withheld today, as after any failed build (rt12: it was kept whole, and
        # a site deployed by hand after a stopped build still showed a story revoked since).
        if plugin.swap is not None:
            plugin.on_build_error(KeyboardInterrupt())
        plugin.ended = True
        print(f"the build was interrupted: {_kept(root, result, plugin)}", file=sys.stderr)
        raise
    except (Abort, MkDocsException) as exc:
        plugin.ended = True  # handled here, not again in the plugin's `on_shutdown`
        kept = _kept(root, result, plugin)
        if (failed := _settings_failure(exc)) is not None:  # the practice's settings or theme folder
            raise SettingsFailed(f"build failed, {kept}: {failed}") from None
        raise FlywheelError(f"build failed, {kept}: {exc}") from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001
        # MkDocs (or another plugin) stopped with an error of its own on a setting it does not
        # validate (rt7: `extra_css: [1, 2]`, a TypeError inside MkDocs): it was a traceback, and
        # in a fresh checkout no site at all, so a story revoked since stayed live. It is the
        # practice's settings that cannot be used: a fresh checkout gets Flywheel's defaults.
        # A plugin ending the process (`sys.exit(1)`, as Material's info plugin does) is one too:
        # it went past every handler, and nothing was withdrawn.
        plugin.ended = True
        if plugin.swap is not None:
            plugin.swap.discard()
            plugin.swap = None
        kept = _kept(root, result, plugin)
        raise SettingsFailed(
            f"build failed, {kept}: MkDocs stopped with {type(exc).__name__} ({exc}); a setting in mkdocs.yml "
            "has a value MkDocs cannot use (a number where a path belongs?)"
        ) from None
    finally:
        mkdocs_log.removeHandler(handler)
        config.plugins.on_shutdown()


def _kept(root: Path, result: CheckResult, plugin) -> str:
    """What a failed build left of site/, after the last resort where the plugin had no chance
    to look (`preview: true`, another plugin failing first)."""
    if getattr(plugin, "replaced", False):  # stopped once its pages were in place (stop 49's red team)
        return "site/ written by this build before it stopped"
    if not plugin.traces_sought:
        plugin.scrubbed = _withdraw_without_plugin(root, result)
    if plugin.rewritten:
        return "site/ written without the stories now withheld"
    if plugin.scrubbed:
        return f"site/ kept, less the {len(plugin.scrubbed)} file(s) that showed stories now withheld"
    return "site/ left as it was"


class SettingsFailed(FlywheelError):
    """The practice's settings were refused, or a template of its theme failed: the site with
    Flywheel's defaults may still be written (`build_site`)."""


def _settings_failure(exc: BaseException) -> PluginError | None:
    """What the practice's settings or templates did, behind MkDocs' "Aborted with a
    BuildError!", if that is what stopped the build (`SettingsRefused`, `TemplateFailed`)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (SettingsRefused, TemplateFailed)):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _fallback_site(root: Path) -> Path | None:
    """The site folder a build with Flywheel's default settings writes when the practice's own
    cannot be used (`_build_with_defaults`), or None: only where no site exists yet, as in CI's
    fresh checkout. mkdocs.yml's site_dir where it can be read and may be written, else MkDocs'
    default `site/`, which the example workflow deploys. Where a site exists, the last resort
    takes the withheld stories off it and the practice's site stays as it was."""
    for site in site_folders(root):
        try:
            check_build_folders(root, site, None)
        except FlywheelError:  # a site_dir no build may write: the default, if that may be
            continue
        return None if os.path.lexists(site) else site
    return None


def _build_with_defaults(root: Path, result: CheckResult, site: Path, why: FlywheelError) -> None:
    """A site from today's gate with Flywheel's default settings, for a fresh checkout whose
    mkdocs.yml cannot be used (broken, deleted, naming a plugin this machine lacks, running
    code) or whose theme folder's templates fail: withdrawal always deploys, so a story revoked
    since the last deploy must leave the live site even then (the build used to write nothing,
    and the live site kept it). The
    practice's own settings and static pages are missing until mkdocs.yml is fixed; the build
    fails, saying so. The settings live in a temporary folder, never in the project."""
    import shutil

    import yaml

    from .withdraw import replacement_due

    practice = result.project.practice
    outside = Path(tempfile.mkdtemp(prefix="flywheel-defaults-"))
    try:
        (outside / "static").mkdir()
        settings = {
            "site_name": practice.data.name if practice is not None else "Site",
            "docs_dir": str(outside / "static"),
            "site_dir": str(site),
            "theme": {"name": "material", "language": "en", "font": False,
                      "features": ["navigation.indexes", "navigation.prune"]},
            "plugins": ["search", "flywheel"],
            "markdown_extensions": ["tables", {"toc": {"permalink": False}}, "admonition"],
        }
        (outside / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
        try:
            config = load_config(str(outside / "mkdocs.yml"))
        except (Abort, MkDocsException) as exc:  # pragma: no cover - Flywheel's own settings
            raise FlywheelError(f"{why}\nFlywheel's default settings could not be loaded either: {exc}") from None
        plugin = config.plugins["flywheel"]
        plugin.config.as_of = result.gate.as_of.isoformat()
        plugin.defaults_for = (config.config_file_path, Path(root))
        reason = replacement_due(site, result) or "a deploy must carry every withdrawal"
        _render(root, result, config, plugin, False, reason, False)
    finally:
        shutil.rmtree(outside, ignore_errors=True)
    raise FlywheelError(
        f"{why}\nsite/ was then written with Flywheel's default settings and templates instead, only so "
        "that a deploy carries every withdrawal: the practice's own settings, theme and static pages "
        "are missing from it until the error above is fixed"
    )


def _withdraw_without_plugin(root: Path, result: CheckResult) -> list[str]:
    """The last resort of withdraw.py (3.) for a build that stopped before the plugin ran, or
    before it could look at site/: a `mkdocs.yml` that does not load (an extension that is not
    installed, an INHERIT loop) passes the check, and MkDocs stops before the plugin could
    withdraw anything; so does `preview: true` under the plugin. Once the plugin builds, its
    `on_build_error` does this itself (also when another plugin fails in `on_config` first)."""
    from .withdraw import last_resort

    due, deleted, done = last_resort(root, result)
    if due:
        print(f"the build failed: {done} the {len(deleted)} file(s) of site/ that showed or linked to "
              f"{', '.join(due)}", file=sys.stderr)
    return deleted

class QuietDirtyBuild(logging.Filter):
    """Drop MkDocs' warning, on every preview rebuild, that a dirty build gives 'inaccurate
    navigation'. The preview chooses dirty rebuilds on purpose (only pages whose generated
    source changed are re-rendered) and says so in `flywheel serve --help`; a page whose
    navigation changed shows it once it is re-rendered, and `flywheel build` is always full."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_interrupt():
    """SIGTERM and SIGHUP stop a build as Ctrl-C does, so its clean-up runs: killed by them, a
    build left its staging folder beside site/ and its pages in $TMPDIR."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_cleanly_on_signals() -> None:
    """Stop the preview on SIGTERM and SIGHUP (a process manager, a closed terminal, `docker
    stop`) as on Ctrl-C: MkDocs then deletes the temporary folder it serves the preview from.
    Stopped by those signals, the preview used to leave that folder behind, and with it every
    withheld story and draft it showed."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _interrupt)


PREVIEW_PREFIX = "mkdocs_flywheel-preview-"  # MkDocs' own prefix first: it is still MkDocs' folder


def _name_the_preview_folder(mkdocs_serve) -> None:
    """MkDocs serves the preview from a temporary folder it names `mkdocs_<random>`, and deletes
    it when it stops; killed outright (SIGKILL: the OOM killer, a cancelled CI job), it left the
    folder, every withheld story's preview page in it, in $TMPDIR (rt7). Flywheel has MkDocs name
    it `mkdocs_flywheel-preview-<pid>-<random>`, and each preview first deletes the folders so
    named whose process has ended (`pages_pool.remove_stale_folders`): only folders a preview
    made, never MkDocs' own of another `mkdocs serve`."""
    pages_pool.remove_stale_folders(PREVIEW_PREFIX)
    made = tempfile.mkdtemp

    def mkdtemp(suffix=None, prefix=None, dir=None):
        return made(suffix, f"{PREVIEW_PREFIX}{os.getpid()}-" if prefix == "mkdocs_" else prefix, dir)

    mkdocs_serve.tempfile = types.SimpleNamespace(mkdtemp=mkdtemp)


def serve_site(root: Path, as_of: dt.date | None, host: str, port: int, preview: bool = True) -> None:
    """Live preview: withheld stories and drafts shown with a banner, pages marked noindex.

    Without `as_of`, every rebuild gates on that moment's practice date, so a revocation or an
    expiry reaches a long-running preview without a restart."""
    if preview:
        os.environ["FLYWHEEL_PREVIEW"] = "1"
    if as_of is not None:
        os.environ["FLYWHEEL_AS_OF"] = as_of.isoformat()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("mkdocs.commands.build").addFilter(QuietDirtyBuild())
    from mkdocs.commands import serve as mkdocs_serve  # its web server and file watcher: serve only

    _stop_cleanly_on_signals()
    _name_the_preview_folder(mkdocs_serve)
    refuse_config_code(root)  # before MkDocs reads mkdocs.yml; the plugin guards each reload
    try:
        mkdocs_serve.serve(
            config_file=str(root / "mkdocs.yml"),
            dev_addr=f"{host}:{port}",
            livereload=True,
            build_type="dirty",  # re-render only the pages whose generated source changed
        )
    except (Abort, MkDocsException) as exc:
        raise FlywheelError(str(exc)) from None
    except OSError as exc:  # the address is taken, or not one of this computer's
        raise FlywheelError(f"cannot serve the preview on {host}:{port}: {exc.strerror or exc}") from None
