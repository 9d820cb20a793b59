"""The MkDocs adapter: thin hooks that hand the work to the core pipeline.

`mkdocs build` and `mkdocs serve` from the repository root run the same check, gate and
render as `flywheel build`. Only public MkDocs APIs are used. A build writes into a fresh
folder and replaces `site/` only once it succeeded (strict warnings included), so a failed
build leaves the previous site as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import logging
import os
import re
import shutil
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jinja2
import jinja2.sandbox
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, PluginCollection, event_priority
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc
from mkdocs.theme import Theme
from mkdocs.utils import CountHandler

from . import search_parse
from .assets import STYLESHEET, THEME_DIR, stylesheet
from .cache import CACHE_DIR, hold_entries
from .check import CheckResult, practice_today, run_check
from .cms import ADMIN_DIR, add_admin
from .cms import GENERATED as ADMIN_FILES
from .collector import FewerCollections
from .config_code import lists_info_plugin, refuse_config_code
from .csp import PolicyError, site_hosts, with_policy
from .dates import build_date_setting, time_zone, today_in
from .errors import FlywheelError, summarize
from .export_render import snippets_outside
from .html_blocks import anchor_ids, restored, tokenized, usable
from .identifiers import release_word_lists
from .identifiers import warm_up as identifiers_warm_up
from .leaks import (
    Quoted,
    carried_picture,
    consent_secrets,
    named_for,
    photo_held,
    posing_as_a_story,
    quoted_index,
    quoted_traces,
    shows_secret,
    static_leak,
    story_traces,
    strip_unpublished_links,
    unconsented_initials,
    unconsented_names,
    unconsented_photo_digests,
    unconsented_photos,
    withheld_passages,
    withheld_quoted,
    withheld_texts,
)
from .paths import (
    _read_config,
    check_build_folders,
    link_leads,
    loopback,
    loopback_host_header,
    refuse_published,
    safe_join,
)
from .publish import SiteSwap, stamp_file
from .render import GeneratedPage, RenderedSite, render_site
from .rerender import PreviewRenders, stored_render
from .shown import copy_of, files_by_size
from .theme_files import compiled_once, list_installed_once
from .third_parties import entries_under, site_files, third_party_problems
from .validate import CONSENT_DIR
from .watcher import use_native_watcher
from .withdraw import (
    last_resort,
    replacement_due,
    scrub,
    unpublished_pieces,
    unpublished_stories,
    withdrawals_due,
)

log = logging.getLogger("mkdocs.plugins.flywheel")
# A page whose own text quotes a withheld story, or shows its address, or that cannot carry the
# site's policy, logs here: its text is left out and the build fails at the end, after writing
# site/ when a withdrawal is due (on_post_build).
QUOTING_LOG = "mkdocs.plugins.flywheel.quoting"
# The search index as the search plugin writes it, and as Material's offline plugin copies it.
SEARCH_INDEXES = ("search_index.json", "search_index.js")
LEFT_OUT = "This page is being updated."  # what such a page shows instead of its text
BACKGROUND_DELETE_PAGES = 2000

_DOC_FILE = re.compile(r"Doc file '([^']+)'")
_LINK = re.compile(r"link '([^']+)'")


def _drop_unusable_epoch() -> str | None:
    """Why SOURCE_DATE_EPOCH (the reproducible-builds variable MkDocs reads for the build date
    it prints and the sitemap's gzip time) cannot be used, having dropped it from the
    environment; None when it is unset or usable. A date typed for seconds
    (`SOURCE_DATE_EPOCH=2026-11-22`, a confused CI setup), or seconds past 2106 (gzip's limit),
    stopped every build with a ValueError while the pages were written, after the gate: in CI's
    fresh checkout no site was written, so a story revoked meanwhile stayed live (rt8)."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    try:
        if 0 <= int(value) < 2**32:
            return None
    except ValueError:
        pass
    del os.environ["SOURCE_DATE_EPOCH"]
    return (f"flywheel: SOURCE_DATE_EPOCH={value[:40]!r} is not a time MkDocs can use (whole seconds since "
            "1970, before 2106): the build ignores it and fails; set it with `date +%s` or leave it unset")


class SourceNames(logging.Filter):
    """Name the content file (and line) behind a generated page in MkDocs' warnings.

    MkDocs reports a broken link in `cardiology/chest-pain/index.md`, a file nobody wrote; the
    author needs `content/guides/cardiology/chest-pain-guide.md:14`. The filter sits on the
    handlers of the `mkdocs` logger while a build runs and only appends to the message.
    """

    def __init__(self, root: Path, sources: dict[str, str]):
        super().__init__()
        self.root = root
        self.sources = sources  # generated src_uri -> content file, relative to root

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        found = _DOC_FILE.search(message)
        if found is None or found.group(1) not in self.sources or "(generated from " in message:
            return True
        source = self.sources[found.group(1)]
        link = _LINK.search(message, found.end())
        line = self._line_of(source, link.group(1)) if link else None
        where = f"{source}:{line}" if line else source
        record.msg = message.replace(
            found.group(0), f"{found.group(0)} (generated from {where})", 1
        )
        record.args = ()
        return True

    def _line_of(self, source: str, target: str) -> int | None:
        try:
            lines = (self.root / source).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        for number, text in enumerate(lines, start=1):
            if f"]({target}" in text or f"]: {target}" in text or f"<{target}>" in text:
                return number
        return None


def _inclusion(page) -> InclusionLevel:
    """Pages kept out of the navigation (campaign landing pages) say so, so MkDocs does not
    warn that they are missing from it."""
    if page is not None and not page.in_nav:
        return InclusionLevel.NOT_IN_NAV
    return InclusionLevel.UNDEFINED


class FlywheelConfig(Config):
    """The plugin's settings under `plugins: - flywheel:` in mkdocs.yml."""

    as_of = c.Optional(c.Type((str, dt.date)))  # `as_of: 2026-12-11` unquoted is a date to YAML
    campaign_params = c.Type(bool, default=True)
    preview = c.Type(bool, default=False)
    admin = c.Type(bool, default=False)  # deploy the web editor (admin/) with the site


class _NoLinksIntoContent(jinja2.BaseLoader):
    """The theme's template loader, less any template of the practice's theme folder that is
    a link where nothing is published from (paths.link_leads: into a folder `custom_dir` may
    not be, or out of the project): read as empty, with a warning. The loader reads the theme
    folder itself, not the static files the plugin filters, so a template committed as a link
    into `consent/` printed a revoked story's record on every page (red team rt5)."""

    def __init__(self, inner: jinja2.BaseLoader, root: Path, custom_dir: str | None):
        self.inner, self.root = inner, root
        self.custom_dir = os.path.abspath(custom_dir) if custom_dir else None

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if (filename and self.custom_dir and os.path.abspath(filename).startswith(self.custom_dir + os.sep)
                and (leads := link_leads(Path(filename), self.root, Path(self.custom_dir)))):
            log.warning("Template '%s' left out of the site: it is a link %s, which is never published",
                        template, leads)
            return "", filename, uptodate
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


class SettingsRefused(PluginError):
    """The practice's settings cannot be built from (`on_config`): in a fresh checkout the site
    is written with Flywheel's defaults instead (build.py), so a deploy carries every withdrawal."""


class TemplateFailed(PluginError):
    """A template failed as a page was rendered (`_Sandbox.handle_exception`): said as an error
    naming it, and, in a fresh checkout, the site is written with Flywheel's own templates
    (build.py)."""


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The theme's templates as Jinja's sandbox renders them (which changes no list, dict or set:
    `config.update(site_dir=...)` in the middle of a build), and Flywheel's plugin showing them
    its settings only. In MkDocs' ordinary environment a template reached any Python module
    through a global's `__globals__` (`lipsum.__globals__.os`: a practice's `404.html` ran a
    shell command at every build) and every object the build holds through `config.plugins`
    (the check's result, a revoked story's consent record among it, published with a passing
    build): red team rt6."""

    def getattr(self, obj, attribute: str):
        """The sandbox's own `getattr`, with what it decided remembered: a template reads the
        page, the navigation and the settings a few hundred times a page, and judging each
        reading again (three of Jinja's functions, then ours) cost 8% of a build's CPU at 1,000
        pieces. The decision depends only on the types remembered with it, for a value that is
        no function or method (those, `str.format` among them, are judged every time)."""
        try:
            value = getattr(obj, attribute)
        except AttributeError:  # as the sandbox does: an item of that name, read as it is
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        if isinstance(value, _CALLABLES):
            return super().getattr(obj, attribute)
        key = (type(obj), attribute, type(value), type(getattr(value, "__self__", None)))
        plain = self.plain_attributes.get(key)
        if plain is None:
            plain = self.plain_attributes[key] = (
                self.wrap_str_format(value) is None and self.is_safe_attribute(obj, attribute, value)
            )
        return value if plain else super().getattr(obj, attribute)

    def is_safe_attribute(self, obj, attr: str, value) -> bool:
        if isinstance(obj, FlywheelPlugin) and attr != "config":
            return False
        # MkDocs' own objects are read, never asked to do anything: `page.file.generated(config,
        # dest, abs_src_path=...)` made a file of any path, whose `content_string` read it and
        # whose `copy_file()` wrote it into the site or, with `..`, anywhere (stop 47's second
        # red team: a withheld story and its consent record published, `.git/config` rewritten).
        # Settings keep their readers (`config.extra.get("x")`).
        if isinstance(obj, _MKDOCS_OBJECTS) and (
            attr in _READS_FILES or (callable(value) and not (isinstance(obj, Config) and attr in _READERS))
        ):
            return False
        # An ordinary environment renders outside the sandbox: MkDocs' theme makes one on request.
        if (isinstance(obj, Theme) and attr == "get_env") or isinstance(
            getattr(value, "__self__", value), (jinja2.Environment, jinja2.Template)
        ):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def is_safe_callable(self, obj) -> bool:
        # A plugin's events, run from a template in the middle of a build (`config.plugins.run_event
        # ('post_build', ...)` committed a site of static files before any page was rendered).
        if isinstance(getattr(obj, "__self__", None), (BasePlugin, PluginCollection)):
            return False
        return super().is_safe_callable(obj)

    def handle_exception(self, source: str | None = None):
        """A template's error as one naming the template, never a traceback: what the sandbox
        refused, what is not there, what cannot be parsed."""
        error = sys.exc_info()[1]
        if isinstance(error, TemplateFailed):
            raise error  # said where it happened: a template this one imported (`_SandboxTemplate`)
        # Not only Jinja's own errors: a filter given what it cannot take (Material's
        # `palette | first` with `palette: 5` in mkdocs.yml) raised a TypeError, which ended
        # the build with a traceback and, in a fresh checkout, no site. A plugin's error (a
        # build Flywheel stops on purpose) stays as it is.
        if not isinstance(error, Exception) or isinstance(error, PluginError):
            return super().handle_exception(source)
        names, tb = [], error.__traceback__
        while tb is not None:
            if (template := tb.tb_frame.f_globals.get("__jinja_template__")) is not None:
                names.append(template.name)
            tb = tb.tb_next
        if isinstance(error, jinja2.TemplateSyntaxError):
            names.append(f"{error.name}:{error.lineno}")
        where = f"template {names[-1]}" if names else "a template"
        why = (" Templates may read the page, the site and the settings, never Python's internals or "
               "what Flywheel's plugin holds" if isinstance(error, jinja2.sandbox.SecurityError) else "")
        said = str(getattr(error, "message", None) or error).rstrip(".")
        if not isinstance(error, jinja2.TemplateError):
            said = f"{type(error).__name__}: {said}"
        raise TemplateFailed(f"flywheel: {where}: {said}.{why}") from None


class _SandboxTemplate(jinja2.Template):
    """A template of the sandbox, whose module (the macros another template imports, or a
    plugin reads: Material's search plugin translates with `partials/language.html`'s) fails
    as its rendering does, with an error naming it (`_Sandbox.handle_exception`). Jinja makes
    a module outside its error handling: what the sandbox refused there was a traceback."""

    def make_module(self, vars=None, shared: bool = False, locals=None):
        try:
            return super().make_module(vars, shared, locals)
        except Exception:  # said as the template's error, as a render says it
            self.environment.handle_exception()
            raise  # pragma: no cover - handle_exception always raises


# MkDocs' pages, files, navigation, settings and theme, whose methods read and write files, and
# the attributes of theirs that read one when read (`File.content_string`).
_MKDOCS_OBJECTS = (StructureItem, File, Files, Navigation, TableOfContents, AnchorLink, Config, Theme)
_READS_FILES = frozenset({"content_string", "content_bytes"})
_READERS = frozenset({"get", "items", "keys", "values"})
# Values whose safety depends on more than their type (a bound `str.format`, a plugin's method).
_CALLABLES = (types.FunctionType, types.MethodType, types.BuiltinFunctionType, types.BuiltinMethodType)


def sandboxed(env: jinja2.Environment) -> jinja2.Environment:
    """`env`, MkDocs' environment for this build, turned into a `_Sandbox` in place: its loader,
    filters, globals, extensions and translations stay as MkDocs and the theme installed them
    (an extension keeps a reference to its environment, so a copy would split them). What
    `SandboxedEnvironment.__init__` adds is added; templates compiled before are dropped."""
    if isinstance(env, _Sandbox):
        return env
    env.__class__ = _Sandbox
    env.template_class = _SandboxTemplate
    env.plain_attributes = {}  # (types, name) -> readable as it is (`_Sandbox.getattr`)
    env.globals["range"] = jinja2.sandbox.safe_range
    env.binop_table = dict(_Sandbox.default_binop_table)
    env.unop_table = dict(_Sandbox.default_unop_table)
    if env.cache is not None:
        env.cache.clear()
    return env


def sandbox_every_env(theme, root: Path) -> None:
    """Make every Jinja environment `theme` hands out the sandbox, reading the theme's
    templates through `_NoLinksIntoContent`, as `on_env` makes the pages'. Material's search
    plugin (and its blog plugin) asks the theme for an environment of its own to read its
    translations, `partials/language.html` and the `partials/languages/` file it imports, as it
    starts: before any page and before `on_env`. The practice's theme folder may override
    both, and in MkDocs' ordinary environment such an override ran any Python at every build
    (rt6's route, through another door)."""
    if getattr(theme.get_env, "flywheel_sandbox", False):
        return
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        if not isinstance(env.loader, _NoLinksIntoContent):
            env.loader = _NoLinksIntoContent(env.loader, root, theme.custom_dir)
        return sandboxed(env)

    get_env.flywheel_sandbox = True
    theme.get_env = get_env


def as_of_date(configured: str | dt.date | None) -> dt.date | None:
    """FLYWHEEL_AS_OF overrides the configured date; None means the practice's today. Either
    may move the build date forward only: the gate never lets consent that has ended by the
    practice's today publish again."""
    try:
        return build_date_setting(configured)
    except ValueError:
        text = os.environ.get("FLYWHEEL_AS_OF") or configured
        raise PluginError(
            f"flywheel: as_of must be a date written YYYY-MM-DD, got '{text}'"
        ) from None


def use_package_theme(config) -> None:
    """Serve Flywheel's theme overrides from the installed package, so a practice's
    repository holds content and settings only. They sit after the practice's own
    `custom_dir` (which still wins, file by file) and before the theme's own templates."""
    dirs = config.theme.dirs
    if str(THEME_DIR) in dirs:
        return
    custom = config.theme.custom_dir
    position = 1 if custom and dirs and Path(dirs[0]) == Path(custom) else 0
    dirs.insert(position, str(THEME_DIR))


# Pages made by Flywheel's templates alone, and guides, whose author's Markdown is known.
_SWAPPED_KINDS = frozenset({"home", "service_line", "guide", "story", "champion", "stories", "champions", "campaign"})


# The template each shared part of the frame is made of: a practice's theme folder that holds
# its own copy may read anything of the page, so that part is then rendered on every page.
FRAGMENT_TEMPLATES = {
    "footer": "partials/practice_footer.html",
    "search": "partials/search.html",
    "config": "base.html",  # Material's `config` block, printed by `super()`
}


def overridden_fragments(config) -> frozenset[str]:
    """The shared parts whose template the practice's theme folder (`custom_dir`) holds."""
    custom = config.theme.custom_dir
    if not custom:
        return frozenset()
    return frozenset(name for name, template in FRAGMENT_TEMPLATES.items() if (Path(custom) / template).is_file())


def fragments(overridden: frozenset[str] = frozenset()) -> Callable[..., str]:
    """`{% call fw_fragment(name, *key) %}...{% endcall %}`: the block rendered once per build
    for each key, which the template makes of every input the block reads besides the build's
    own settings (main.html); every time for the `overridden` parts. Held by the Jinja
    environment MkDocs makes for each build, so a preview rebuild starts afresh; each worker of
    the page loops keeps its own."""
    made: dict[tuple[str, str], str] = {}

    def fragment(name: str, *key: object, caller: Callable[[], str]) -> str:
        if name in overridden:
            return caller()
        found = (name, json.dumps(key, sort_keys=True, default=repr))
        if found not in made:
            made[found] = caller()
        return made[found]

    return fragment



class FlywheelPlugin(BasePlugin[FlywheelConfig]):
    """Generates every page and the navigation from the checked, gated content."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.result: CheckResult | None = None  # set by `flywheel build` to skip a second check
        self.checked: CheckResult | None = None  # what this build renders (never reused)
        self._unpublished_slugs: frozenset[str] | None = None
        self._withheld_stories: frozenset[str] | None = None
        self._quoted = None  # a pattern of withheld stories' own words, made on the first page
        self._passages: list[tuple[str, ...]] | None = None  # runs of words from their text
        self._site_url: str | None = None  # mkdocs.yml's, for photos given as the site's own address
        self.preview = False
        self.files: Files | None = None
        self.site: RenderedSite | None = None
        self.swap: SiteSwap | None = None
        self.warnings = CountHandler()
        self.quoting = CountHandler()  # pages whose text was left out for quoting a withheld story
        self.rewritten = False  # site/ was written although the build fails (a withdrawal was due)
        self.failed: list[str] = []  # why this build fails, though it writes site/ to withdraw (rt6)
        self.source_names: SourceNames | None = None
        # Stories withdrawn by a build that fails but must still replace site/ (see withdraw.py).
        self.withdrawing: list[str] = []
        self.fail_after_withdrawal = True  # `flywheel build` reports the failure itself
        self.withdrawal_due: str | None = None  # `flywheel build` found a withdrawal due already
        self.scrubbed: list[str] = []  # files a failed build deleted from site/ (withdraw.scrub)
        self.traces_sought = False  # a failed build looked for withheld stories on site/ itself
        self.problems_shown = False  # preview: this rebuild shows the content's errors instead
        self.progress = False
        self.rendered = 0
        self.pool_counts = False  # pages_pool.py counts the pages its workers render
        self.caches_pages = False  # `flywheel build` reuses unchanged pages (page_cache.py)
        self._written: dict[str, tuple[str, Path]] = {}  # preview: page sources last written, and where
        self._looked_for: str | None = None  # published preview: what the last rebuild's page checks sought
        self._scanned: dict[str, tuple] = {}  # preview: each built file's stat and resources
        self._renders = PreviewRenders()  # preview: the last render, for the next save
        self.known_resources: dict[str, list] = {}  # page written by this build -> what it loads
        self._swap_blocks = False  # Flywheel's HTML blocks skip Markdown (html_blocks.py)
        self._generated: dict[str, GeneratedPage] | None = None  # the site's pages by address
        self._left_out: set[str] = set()  # static files this build keeps off the site (dest_uri)
        # `flywheel build` in a fresh checkout whose mkdocs.yml cannot be used: a configuration
        # of Flywheel's defaults kept outside the project, and the project (build.py). Kept with
        # that file's path: MkDocs hands this object to every later build in the process.
        self.defaults_for: tuple[str, Path] | None = None
        self._named_templates: set[str] = set()  # templates named for a withheld story, taken off the site

    def _defaults(self, config) -> bool:
        """Whether this build's configuration is Flywheel's defaults (`build._build_with_defaults`)."""
        return self.defaults_for is not None and self.defaults_for[0] == config.config_file_path

    def _root(self, config) -> Path:
        """The project: the folder of mkdocs.yml, or the one `flywheel build` names for its defaults."""
        return self.defaults_for[1] if self._defaults(config) else Path(config.config_file_path).parent

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        # MkDocs keeps one plugin object per configuration in a process (its plugin cache), so a
        # second build in the same process gets this one back: what the last build found must
        # not pass for this one's (a stale `traces_sought` skipped the last resort).
        self.checked, self.traces_sought, self.scrubbed, self.failed = None, False, [], []
        self.ended = False  # by `on_post_build` or `on_build_error`; else `on_shutdown` sees to it
        self.replaced = False  # this build's pages are in site/ (`on_post_build`)
        self._named_templates = set()
        if command == "serve":
            hold_entries()  # the check on every save reads its cache file only when it changed
        if command == "build":
            self._stop_on_signals()

    def _stop_on_signals(self) -> None:
        """SIGTERM and SIGHUP (`docker stop`, a process manager, a closed terminal) stop a build
        as Ctrl-C does, where nothing else handles them: MkDocs then runs `on_shutdown`, which
        withdraws (rt12: under plain `mkdocs build` they ended the process at once, and site/
        kept a story revoked since). Put back in `on_shutdown`."""
        import signal

        self._signals = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
                self._signals[sig] = signal.signal(sig, _interrupted)

    @event_priority(101)  # before Material's info plugin (100), which ends the process
    def _on_config_first(self, config):
        """Refuse Material's info plugin before its own `on_config` runs: it asks GitHub for
        Material's latest release, zips the whole working folder (consent records, withheld
        stories) for a bug report and ends the process with `sys.exit`, past MkDocs' error
        handling, so under plain `mkdocs build` no withdrawal ran (config_code.py says why)."""
        # Before Material's search plugin reads its translations (its `on_config`): every
        # environment, and so every template compiled into the preview's bytecode, is the sandbox.
        sandbox_every_env(config.theme, self._root(config))
        compiled_once(config.theme)  # a process's builds compile each template once (theme_files.py)
        settings = _read_config(Path(config.config_file_path)) if config.config_file_path else {}
        if lists_info_plugin(settings):
            raise SettingsRefused(
                "flywheel: mkdocs.yml lists Material's info plugin, which zips the whole project, consent "
                "records and withheld stories included, for a public bug report and ends the build before "
                "anything is written; remove it"
            )
        return config

    def _on_config(self, config):
        if self.command == "gh-deploy":
            # gh-deploy pushes only a build that passed: a withdrawal due while an unrelated error
            # stops the build would never reach the live site (withdraw.py).
            raise PluginError(
                "flywheel: `mkdocs gh-deploy` deploys only a build that passes, so a story withdrawn "
                "while another error stops the build would stay on the live site. Run `flywheel build` "
                "and deploy site/ whatever its exit status (examples/github-actions/flywheel.yml does; "
                "`ghp-import --push site` publishes it to GitHub Pages)"
            )
        root = self._root(config)
        try:
            # Flywheel's defaults publish neither the project's docs_dir nor its theme folder.
            check_build_folders(root, Path(config.site_dir), None if self._defaults(config) else Path(config.docs_dir))
            if self._defaults(config):
                pass  # Flywheel's own configuration: the project's mkdocs.yml is not read
            elif why := snippets_outside(_read_config(Path(config.config_file_path)), root, Path(config.docs_dir)):
                raise FlywheelError(
                    f"mkdocs.yml: pymdownx.snippets: {why}, so a page could include what the build "
                    "never publishes unchecked (consent records, champions' names); keep the files it "
                    "includes in docs_dir and give base_path as that folder"
                )
            if not self._defaults(config) and (why := _cache_outside_a_cache(config, root)):
                raise FlywheelError(why)
            # Too late for a python tag (`mkdocs build` read the file already), but a hook's
            # page events never run: `flywheel build` and `serve` refuse both before.
            if not self._defaults(config):
                refuse_config_code(root)
        except FlywheelError as exc:
            raise SettingsRefused(f"flywheel: {exc}") from None
        preview = self.config.preview or os.environ.get("FLYWHEEL_PREVIEW") == "1"
        self.preview = preview
        self.progress, self.rendered, self.pool_counts = os.environ.get("FLYWHEEL_PROGRESS") == "1", 0, False
        if preview and self.command == "serve" and not loopback(config.dev_addr.host):
            # `flywheel serve` refuses this before it starts; plain `mkdocs serve -a 0.0.0.0:8000`
            # (a container's usual command) served withheld stories to every machine (rt7).
            raise SettingsRefused(
                f"flywheel: refusing to show the preview on {config.dev_addr.host}: it shows withheld stories "
                "and drafts, so it only listens on this computer (127.0.0.1); remove `preview: true` "
                "(or FLYWHEEL_PREVIEW) to serve exactly what a build publishes on another address"
            )
        if preview and self.command != "serve":
            # Preview pages show withheld stories: they must never reach a built site. Nor may
            # the refusal keep one there: what today's gate withholds leaves the previous site.
            self._withdraw_from(Path(config.site_dir), root)
            raise SettingsRefused(
                "flywheel: preview is only for `flywheel serve` / `mkdocs serve`, never for a build"
            )
        use_package_theme(config)
        list_installed_once(config.theme)  # 50-150 ms of every build after a process's first (theme_files.py)
        try:
            as_of, bad_date = (None if self.result is not None else as_of_date(self.config.as_of)), None
        except PluginError as exc:
            # A build date that is no date (`as_of: soon` in mkdocs.yml, FLYWHEEL_AS_OF=yesterday)
            # stopped `mkdocs build` before it looked at site/: a story revoked since stayed on
            # it, and a fresh checkout wrote none (rt7). A date moves the gate forward only, so
            # the gate runs on the practice's today, and the build still fails.
            if self.command != "build":
                raise
            as_of, bad_date = None, str(exc)
        if (bad_epoch := _drop_unusable_epoch()) is not None:
            # MkDocs stopped on it with a ValueError while writing the pages (rt8): handled as a
            # build date that is no date is, once the variable is dropped.
            if self.command != "build":
                log.warning(bad_epoch)
            else:
                bad_date = f"{bad_date}\n{bad_epoch}" if bad_date else bad_epoch
        result = self.result or run_check(root, as_of, use_cache=True)
        if self.command == "serve":
            _GATED_ON[str(root)] = _practice_zone(result), practice_today(result.project)
        if self.command == "build":
            # `mkdocs build` scans nothing more (build.py does this for `flywheel build`)
            release_word_lists(len(result.project.guides) + len(result.project.stories))
        if not result.ok and self.command == "serve":
            return self._show_problems(result, config)
        self.checked, self.withdrawing, self.scrubbed, self.problems_shown = result, [], [], False
        self._unpublished_slugs = self._withheld_stories = self._quoted = self._passages = None
        if bad_date is not None:
            self.traces_sought = True
            if (reason := replacement_due(Path(config.site_dir), result)) is None:
                raise PluginError(f"{bad_date}; nothing was built, site/ left as it was")
            log.error("%s\nbut %s: site/ is written as of the practice's today", bad_date, reason)
            self.failed.append(bad_date)
        if not result.ok:
            reason = (self.withdrawal_due or replacement_due(Path(config.site_dir), result)) if self.command == "build" else None
            self.traces_sought = self.command == "build"
            if reason is None:
                raise PluginError(
                    "flywheel: the content has errors; nothing was built, site/ left as it was\n"
                    + summarize(result.errors)
                )
            # Withdrawal always deploys: write the site without the pieces that have errors.
            self.withdrawing = [reason]
            log.error(
                "flywheel: the content has errors, but %s: building site/ from today's content "
                "without the pieces that have errors",
                reason,
            )
        for decision in result.gate.withheld:
            log.info("withheld %s %s: %s", decision.kind, decision.slug, decision.reason)
        options = {
            "site_name": config.site_name,
            "site_url": config.site_url,
            "directory_urls": config.use_directory_urls,
            "campaign": self.config.campaign_params,
            "preview": preview,
        }
        if self.command == "serve":  # only what a save changed is rendered again (rerender.py)
            self.site = self._renders.render(result, **options)
        elif self.caches_pages:  # `flywheel build` without --no-cache (rerender.py)
            self.site = stored_render(result, root, parallel=True, **options)
        else:
            self.site = render_site(result, parallel=self.command == "build", **options)
        config.nav = self.site.nav
        config.extra["flywheel"] = self.site.frame  # the practice frame the theme prints
        self._swap_blocks, self._generated = usable(config), None
        search_parse.install()  # Material's search index, tokenized at C speed (search_parse.py)
        self._name_sources(root)
        config.extra_css = [STYLESHEET, *[css for css in config.extra_css if css != STYLESHEET]]
        if self.command == "build":
            self.swap = SiteSwap(Path(config.site_dir), result.started_ns, stamp_file(root, Path(config.site_dir)))
            config.site_dir = str(self.swap.staging)
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
        # The pages left out for showing a withheld story: a build fails on them, a published
        # preview (which may listen on the network) serves their notice and no search index.
        self.quoting, self.rewritten = CountHandler(), False
        self.quoting.setLevel(logging.ERROR)
        logging.getLogger(QUOTING_LOG).addHandler(self.quoting)
        return config

    on_config = CombinedEvent(_on_config_first, _on_config)

    def _withdraw_from(self, site_dir: Path, root: Path) -> None:
        """The last resort (withdraw.py, 3.) for a build this plugin refuses before building: a
        `preview: true` in mkdocs.yml kept a revoked story on site/ through every build."""
        if self.command != "build":
            return
        result = self.result or run_check(root, as_of_date(self.config.as_of), use_cache=True)
        self.traces_sought = True
        if due := withdrawals_due(site_dir, result):
            self.scrubbed = scrub(site_dir, due, withheld_quoted(result))
            log.error("flywheel: the build was refused, and site/ showed %s, which are now withheld: deleted "
                      "the %d file(s) that showed or linked to them", ", ".join(due), len(self.scrubbed))

    def _withdraw_before_config(self) -> None:
        """The last resort (withdraw.py, 3.) for a build that failed before this plugin's
        `on_config` ran: a plugin listed before it failed in its own (Material's group plugin
        naming a plugin this machine lacks), so under plain `mkdocs build` a revoked story stayed on
        site/ for as long as that failure stood (red team rt4). MkDocs still calls every
        plugin's `on_build_error`; the config file MkDocs read is the plugin's too."""
        config_file = self.config.config_file_path
        if not config_file:
            return
        root = Path(config_file).parent
        self.traces_sought = True
        try:
            as_of = None if self.result is not None else as_of_date(self.config.as_of)
        except PluginError:  # a build date that is no date: the practice's today (rt7)
            as_of = None
        try:
            result = self.checked or self.result or run_check(root, as_of, use_cache=True)
        except FlywheelError as exc:
            log.error("flywheel: the build failed before Flywheel ran, and the content could not be checked: %s", exc)
            return
        due, self.scrubbed, done = last_resort(root, result, Path(config_file))
        if due:
            log.error("flywheel: the build failed before Flywheel ran, and site/ showed %s, which are now "
                      "withheld: %s the %d file(s) that showed or linked to them",
                      ", ".join(due), done, len(self.scrubbed))

    def _show_problems(self, result: CheckResult, config):
        """Preview only: the errors as the page in the browser, instead of a hanging request."""
        from .preview import problems_site

        for problem in result.errors:
            log.error(problem.format())
        self._renders.forget()
        self.site = problems_site(result.errors, self.site)
        config.nav = self.site.nav
        # `serve --published-only` may listen on the network: the static files of a story today's
        # gate withholds leave it, as in a rebuild without errors (red team rt4: a revocation
        # landing with an error kept them, and the search index, served).
        self.checked, self.problems_shown = result, True
        self._unpublished_slugs = self._withheld_stories = self._quoted = self._passages = None
        if not self.preview:  # and a problems page at a withheld story's address would show it
            self.site.pages = [p for p in self.site.pages if named_for(p.src_uri, self._withheld()) is None]
        return config

    def _name_sources(self, root: Path) -> None:
        assert self.site is not None
        self._forget_sources()
        sources = {p.src_uri: p.source for p in self.site.pages if p.source}
        self.source_names = SourceNames(root, sources)
        for handler in logging.getLogger("mkdocs").handlers:
            handler.addFilter(self.source_names)

    def _forget_sources(self) -> None:
        if self.source_names is not None:
            for handler in logging.getLogger("mkdocs").handlers:
                handler.removeFilter(self.source_names)
            self.source_names = None

    def _drop_unconsented_photos(self, files: Files) -> None:
        """A champion photo in the static files reaches the site only while a published story
        shows it: without `photo` consent, after revocation or expiry, the file is left out."""
        if self.checked is None or self.preview:
            return
        photos = unconsented_photos(self.checked, self._site_url)
        for found in [f for f in files if f.src_uri.casefold() in photos]:
            files.remove(found)
            self._left_out.add(found.dest_uri)
            log.info("flywheel: photo of %s left out of the site (no photo consent in force)",
                     photos[found.src_uri.casefold()])

    def _drop_withheld_static_files(self, files: Files, config) -> None:
        """Static files are copied to the site as they are, unfiltered: a page saved from the old
        site into docs_dir, or a file named for a story, would publish a story withheld today.
        Files from docs_dir and the practice's own theme folder that are named for a withheld
        story, or show its address or words, or hold a champion photo no published story may show
        under another name, are left out, with a warning naming them."""
        if self.checked is None or self.preview:
            return
        withheld, pictures = self._withheld(), unconsented_photo_digests(self.checked)
        records = files_by_size(self._root(config) / CONSENT_DIR)
        roots = [os.path.abspath(config.docs_dir)]
        if config.theme.custom_dir:
            roots.append(os.path.abspath(config.theme.custom_dir))
        project = self._root(config)
        for found in list(files):
            source = found.abs_src_path
            if found.generated_by or not source:
                continue
            folder = next((r for r in roots if os.path.abspath(source).startswith(r + os.sep)), None)
            if folder is not None and (leads := link_leads(Path(source), project, Path(folder))):
                # a link into consent/ or content/, or out of the project (rt5): published unchecked
                files.remove(found)
                self._left_out.add(found.dest_uri)
                log.warning("%s '%s' left out of the site: it is a link %s, which is never published",
                            "Page" if found.is_documentation_page() else "Static file", found.src_uri, leads)
                continue
            if folder is not None and (why := posing_as_a_story(found.src_uri)):
                files.remove(found)
                self._left_out.add(found.dest_uri)
                log.warning("%s '%s' left out of the site: %s", "Page" if found.is_documentation_page() else "Static file",
                            found.src_uri, why)
                continue
            if found.is_documentation_page():  # checked as it is rendered; its address is the slug (rt4)
                if slug := named_for(found.src_uri, withheld, loosely="path"):
                    files.remove(found)
                    self._left_out.add(found.dest_uri)
                    log.warning("Page '%s' left out of the site: it is named for withheld story %s", found.src_uri, slug)
                continue
            if not any(os.path.abspath(source).startswith(r + os.sep) for r in roots):
                continue  # the theme's own files (Material's and Flywheel's)
            if champion := photo_held(Path(source), pictures):
                why = f"it is the photo of champion {champion}, which no published story may show"
            elif record := copy_of(Path(source), records):
                why = f"it is a copy of {record}, and consent records are never published"
            else:
                why = static_leak(Path(source), found.src_uri, withheld, self._quoted_index())
            if why:
                files.remove(found)
                self._left_out.add(found.dest_uri)
                log.warning("Static file '%s' left out of the site: %s", found.src_uri, why)

    def on_env(self, env, config, files):
        """The frame's fragments, links kept out of content, the sandbox. (`env` keeps its
        compiled templates between a process's builds: `compiled_once`, from `on_config`.)"""
        env.globals["fw_fragment"] = fragments(overridden_fragments(config))
        if not isinstance(env.loader, _NoLinksIntoContent):  # the theme's, from `sandbox_every_env`
            env.loader = _NoLinksIntoContent(env.loader, self._root(config), config.theme.custom_dir)
        env = sandboxed(env)
        self._page_templates(env, files)
        return env

    @staticmethod
    def _page_templates(env, files: Files) -> None:
        """A page's `template:` that the theme does not have (`nothere.html`, a path out of it,
        a list) stopped the build with a traceback as the page was written, and in CI's fresh
        checkout no site carried a withdrawal. Such a page is now written as the notice, and the
        build fails at its end with an error naming the page (`on_post_page`)."""
        missing: dict[str, bool] = {}
        for file in files.documentation_pages():
            page = file.page
            if page is None or not page.meta or "template" not in page.meta:
                continue
            name = page.meta["template"]
            if isinstance(name, str) and name not in missing:
                try:
                    env.get_template(name)
                    missing[name] = False
                except jinja2.TemplateNotFound:
                    missing[name] = True
            if not isinstance(name, str) or missing[name]:
                logging.getLogger(QUOTING_LOG).error(
                    "flywheel: Doc file '%s' asks for template %r, which the theme does not have; it was left out: "
                    "name a template of the theme's folder, or remove `template:`", file.src_uri, name)
                page.meta = {key: value for key, value in page.meta.items() if key != "template"}
                page._flywheel_left_out = True  # forked page workers inherit it

    @event_priority(-100)  # after Material's blog plugin (-50), which places each post where its slug says
    def _on_files_last(self, files: Files, config) -> Files:
        """Refuse a file any plugin would write outside site_dir (stop 50's red team I: a blog post's
        `slug: ../../../../../consent/notes` wrote `consent/notes/index.html`, and one more `../`
        a page outside the project, with a passing build: Material puts the slug into the post's
        address as it is written; the blog plugin is refused now, in config_code.py, as it also
        saves pages' sources before this runs)."""
        inside = os.path.join(os.path.normpath(os.path.abspath(config.site_dir)), "")
        for file in files:  # 50,000 files: 0.03 s
            if not os.path.abspath(file.abs_dest_path).startswith(inside):
                raise PluginError(
                    f"flywheel: {file.src_uri} would be written to {file.dest_uri}, outside the site's folder; "
                    "a file's address may not lead out of the site (a plugin's setting or a page's front matter "
                    "with '..'?)"
                )
        return files

    def _on_files(self, files: Files, config) -> Files:
        assert self.site is not None
        # Made here, before pages_pool forks its workers, which then share it instead of each
        # touching every page to make its own (tens of megabytes copied at 50,000 pieces).
        self._generated = {p.src_uri: p for p in self.site.pages} if self._swap_blocks else None
        self._site_url = config.site_url
        self._left_out = set()
        self._drop_unconsented_photos(files)
        self._drop_withheld_static_files(files, config)
        self.files = files
        # What another plugin writes into the site later is what is not here (pages, checked
        # static files, the theme's): kept only where another plugin is listed.
        from .pages_pool import other_plugins

        # A static file's source is kept: another plugin may write over its copy (rt11).
        self._checked_outputs = ({f.dest_uri: None if f.is_documentation_page() else f.abs_src_path for f in files}
                                 if other_plugins(config) else None)
        if self.command == "serve":
            # Preview: pages live on disk and are rewritten only when their bytes change, so a
            # dirty rebuild re-renders just the pages an edit touched.
            root = Path(config.config_file_path).parent
            folder = root / CACHE_DIR / "preview"
            try:
                refuse_published(folder, root, "preview")
            except FlywheelError as exc:
                raise PluginError(f"flywheel: {exc}") from None
            pages = {p.src_uri: p for p in self.site.pages}
            for src_uri, text in [(p.src_uri, p.markdown) for p in self.site.pages] + [
                (STYLESHEET, stylesheet())
            ]:
                # MkDocs keeps this plugin between preview rebuilds: what it wrote last time,
                # and where, is known without reading the file back or resolving its path.
                written = self._written.get(src_uri)
                if written is not None and written[0] == text and written[1].exists():
                    path = written[1]
                else:
                    path = safe_join(folder, src_uri)  # ids are validated; this refuses any escape anyway
                    if not path.exists() or path.read_text(encoding="utf-8") != text:
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_text(text, encoding="utf-8")
                self._written[src_uri] = (text, path)
                files.append(File.generated(config, src_uri, abs_src_path=str(path),
                                            inclusion=_inclusion(pages.get(src_uri))))
            self._check_every_page_again(files)
            return files
        for page in self.site.pages:
            files.append(
                File.generated(
                    config, page.src_uri, content=page.markdown, inclusion=_inclusion(page)
                )
            )
        files.append(File.generated(config, STYLESHEET, content=stylesheet()))
        return files

    on_files = CombinedEvent(_on_files, _on_files_last)

    def _check_every_page_again(self, files: Files) -> None:
        """A published preview's rebuild is dirty: a page whose source is unchanged is not
        rendered, so not checked, again. When what the page checks look for changed (a story
        withheld since, a champion's name no longer credited), a guide that quoted the story
        while its consent covered it stayed served, quotation and all (red team rt6): every
        page's built file is removed, so the rebuild renders and checks each one again."""
        if self.preview or self.checked is None or self.problems_shown:
            return
        inputs = self.page_inputs()
        looked_for = json.dumps([inputs[key] for key in ("unpublished", "withheld", "withheld_texts",
                                                         "unconsented_names", "withheld_passages")])
        if looked_for != self._looked_for:
            for found in files.documentation_pages():
                Path(found.abs_dest_path).unlink(missing_ok=True)
            self._looked_for = looked_for

    def on_pre_page(self, page, config, files):
        """A page MkDocs cannot read (a docs_dir page that is not UTF-8) or a Markdown extension
        fails on (a snippet that is not there, with `check_paths`) stopped the whole build with a
        traceback: in CI's fresh checkout no site was written, so a story revoked meanwhile
        stayed live. That page is now written as the notice, with an error naming it, and the
        build fails at its end, as for a page that shows a withheld story. The preview shows the
        error on the page itself, where the editor is looking."""
        read, convert = page.read_source, page.render
        said: list[str] = []

        def left_out(what: str, exc: Exception, fix: str) -> None:
            message = (f"Doc file '{page.file.src_uri}' could not be {what} "
                       f"({f'{type(exc).__name__}: {exc}'.strip()}); it was left out: {fix}")
            said.append(message)
            logging.getLogger(QUOTING_LOG).error("flywheel: %s", message)

        def shown() -> str:
            if self.preview and said:
                return (f'<div class="admonition failure"><p class="admonition-title">This page could not be '
                        f"built</p><p>{html_lib.escape(said[-1])}</p></div>")
            return f"<p>{LEFT_OUT}</p>"

        def read_source(config) -> None:
            try:
                read(config)
            except Exception as exc:  # noqa: BLE001 - whatever reading the page raised
                left_out("read", exc, "save it as UTF-8 text")
                page.markdown, page.meta = shown(), {}
            finally:
                del page.read_source  # the page's own method again

        def render(config, files) -> None:
            try:
                convert(config, files)
            except Exception as exc:  # noqa: BLE001 - an extension's, whatever it raises
                left_out("converted from Markdown", exc, "fix the source or the extension's settings in mkdocs.yml")
                page.content, page.toc, page._title_from_render = shown(), get_toc([]), None
                page.present_anchor_ids, page.links_to_anchors = set(), {}
                # Its HTML blocks are not put back into the notice (`on_page_content`), which
                # converted the page again, unguarded: the same error, as a traceback (stop 47).
                page._flywheel_blocks = None
            finally:
                del page.render

        page.read_source, page.render = read_source, render
        return page

    @event_priority(100)  # first: every other plugin reads the page as Markdown made it
    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        """A generated page's own HTML blocks are swapped for tokens Markdown passes by
        (html_blocks.py); `on_page_content` puts them back."""
        page._flywheel_blocks = None
        if not self._swap_blocks or self.site is None:
            return markdown
        generated = (self._generated or {}).get(page.file.src_uri)
        if generated is None or generated.kind not in _SWAPPED_KINDS or (generated.kind == "guide") != bool(generated.body_at):
            return markdown
        full = generated.markdown
        if not full or not full.endswith(markdown):  # another plugin changed it, or it was let go
            return markdown
        offset = len(full) - len(markdown)
        body = (generated.body_at[0] - offset, generated.body_at[1] - offset) if generated.body_at else None
        swapped = tokenized(markdown, body)
        if swapped is None:
            return markdown
        page._flywheel_blocks = (markdown, swapped[1])
        return swapped[0]

    @event_priority(100)
    def on_page_content(self, html: str, page, config, files) -> str:
        """Put back the HTML blocks `on_page_markdown` swapped out; then remove links to
        unpublished pieces from every page (leaks.py)."""
        swapped = getattr(page, "_flywheel_blocks", None)
        if swapped is not None:
            page._flywheel_blocks = None
            original, blocks = swapped
            page.markdown = original
            back = restored(html, blocks)
            if back is not None:
                html = back
                page.present_anchor_ids = set(page.present_anchor_ids or ()) | anchor_ids(blocks)
            else:  # Markdown read a token as something else: convert the page as it was
                previous = logging.root.manager.disable
                logging.disable(logging.CRITICAL)  # its warnings were given by the first pass
                try:
                    page.render(config, files)
                    html = page.content
                except Exception as exc:  # noqa: BLE001 - an extension's, as on the first pass (`on_pre_page`)
                    logging.disable(previous)
                    logging.getLogger(QUOTING_LOG).error(
                        "flywheel: Doc file '%s' could not be converted from Markdown (%s: %s); it was left out: "
                        "fix the source or the extension's settings in mkdocs.yml", page.file.src_uri,
                        type(exc).__name__, exc)
                    html = f"<p>{LEFT_OUT}</p>"
                finally:
                    logging.disable(previous)
        if self.checked is None or self.preview:
            return html
        html, removed = strip_unpublished_links(html, self._unpublished())
        for slug in removed:
            log.warning(
                "Doc file '%s' links to '%s', which is not published: the link and its text were removed",
                page.file.src_uri,
                slug,
            )
        if why := self._withheld_shown(html):
            # A guide that quoted the patient while the consent covered it: stopping here wrote no
            # site in CI's fresh checkout, so a revocation never deployed (red team rt5), and kept
            # the last pages of a published preview served (rt6). The page's text is left out;
            # on_post_build fails a build, writing site/ only when it must.
            logging.getLogger(QUOTING_LOG).error("flywheel: page %s %s; its text was left out: remove it from "
                                                 "the source", page.file.src_uri, why)
            return f"<p>{LEFT_OUT}</p>"
        return html

    def _left_out_page(self, what: str, why: str, config) -> str:
        """A page (or template) that shows a withheld story, written as a notice instead; the
        build fails at its end (on_post_build)."""
        logging.getLogger(QUOTING_LOG).error("flywheel: %s %s; it was left out: remove it from the source", what, why)
        return self._notice(what, config)

    def _notice(self, what: str, config) -> str:
        """The page written instead of one that cannot be published, with the site's policy."""
        notice = f"<!doctype html><html><head><title>{LEFT_OUT}</title></head><body><p>{LEFT_OUT}</p></body></html>"
        return self._with_policy(notice, what, config)

    def _withheld_shown(self, output: str) -> str | None:
        """How `output` shows a withheld story (a quotation, its address), or None."""
        if self.checked is None or self.preview:
            return None
        if quoted_traces(output, self._quoted_index()):
            if carried_picture(output, self._quoted_index().pictures):
                return "carries the photo of a champion no published story may show"
            if (secrets := self._quoted_index().secrets) and shows_secret(output, secrets):
                return "shows a consent record's e-sign reference or fingerprint (consent records are never published)"
            return "quotes a withheld story (its title, summary, pull quote or twelve words in a row of its text)"
        if traces := story_traces(output, self._withheld()):
            return f"shows the address of withheld story {', '.join(traces)}"
        return None

    def release_sources(self) -> None:
        """Drop the generated pages' Markdown once MkDocs has read it (a large build's memory);
        their addresses, titles and kinds stay, for the progress count and the checks after."""
        if self.site is not None:
            self.site.pages = [replace(page, markdown="") for page in self.site.pages]
        self._generated = None  # it holds the pages as they were, Markdown and all

    def page_inputs(self) -> dict:
        """What this build's pages depend on besides their own source, MkDocs' settings and the
        theme (page_cache.py keys on it): every page's title, and what the leak checks and the
        third-party check compare pages against."""
        assert self.checked is not None and self.site is not None
        gate = self.checked.gate
        return {
            "titles": [[p.src_uri, p.title] for p in self.site.pages],
            "unpublished": sorted(self._unpublished()),
            "withheld": sorted(self._withheld()),
            "withheld_texts": self._withheld_texts(),
            "unconsented_names": unconsented_names(self.checked),
            "unconsented_initials": unconsented_initials(self.checked),
            "unconsented_pictures": sorted(unconsented_photo_digests(self.checked)),
            "consent_secrets": hashlib.sha256(repr(consent_secrets(self.checked)).encode()).hexdigest(),
            "withheld_passages": hashlib.sha256(repr(self._withheld_passages()).encode()).hexdigest(),
            "third_parties": sorted(self.site.third_parties),
            "as_of": gate.as_of.isoformat(),
            "today": dt.date.today().isoformat(),
            "preview": self.preview,
            "campaign": self.config.campaign_params,
        }

    def _withheld_texts(self) -> list[str]:
        assert self.checked is not None
        return withheld_texts(self.checked)

    def _withheld_passages(self) -> list[tuple[str, ...]]:
        """Computed once per build, before the page workers start (page_inputs asks first)."""
        if self._passages is None:
            assert self.checked is not None
            self._passages = withheld_passages(self.checked)
        return self._passages

    def _quoted_index(self) -> Quoted:
        """What no page may quote (leaks.quoted_index), made once per build."""
        if self._quoted is None:
            assert self.checked is not None
            self._quoted = quoted_index(self._withheld_texts(), self._withheld_passages(),
                                        unconsented_names(self.checked), unconsented_photo_digests(self.checked),
                                        consent_secrets(self.checked), unconsented_initials(self.checked))
        return self._quoted

    def _withheld(self) -> frozenset[str]:
        """Every story slug this build does not publish (computed once per build)."""
        if self._withheld_stories is None:
            assert self.checked is not None
            self._withheld_stories = frozenset(unpublished_stories(self.checked))
        return self._withheld_stories

    def _unpublished(self) -> frozenset[str]:
        """Those stories and every other piece the gate withholds (drafts included)."""
        if self._unpublished_slugs is None:
            assert self.checked is not None
            self._unpublished_slugs = frozenset(unpublished_pieces(self.checked))
        return self._unpublished_slugs

    def on_post_page(self, output: str, page, config) -> str:
        if getattr(page, "_flywheel_left_out", False):  # said in on_env (`_page_templates`)
            self.count_rendered()
            return self._notice(f"page {page.file.src_uri}", config)
        if why := self._withheld_shown(output):
            # In the page's frame (its title in the navigation, its summary as its description):
            # written as a notice, as its text is in on_page_content (rt5).
            self.count_rendered()
            return self._left_out_page(f"page {page.file.src_uri}", why, config)
        if page.meta:  # frontmatter the page need not show: the search index writes its `tags` (rt4)
            meta = json.dumps(page.meta, ensure_ascii=False, default=str)
            what = f"the frontmatter of page {page.file.src_uri}"
            if why := self._withheld_shown(meta):  # as the page's text: a notice, so a fresh checkout still withdraws
                self.count_rendered()
                return self._left_out_page(what, why, config)
        self.count_rendered()
        return self._with_policy(output, f"page {page.file.src_uri}", config)

    @event_priority(100)  # first: no other plugin is handed the template made outside the sandbox
    def on_pre_template(self, template, template_name: str, config):
        """MkDocs makes each `extra_templates` file of docs_dir into a template with
        `jinja2.Template(source)`: Jinja's ordinary environment, where a template listed there
        ran any Python as MkDocs rendered it, and the build passed (red team, stop 47). Such a
        template is made again from its file here, in a sandbox of Jinja's defaults (what
        `jinja2.Template` gives it); compiling runs none of its code. The theme's templates come
        from the sandbox already (`sandbox_every_env`)."""
        if isinstance(template.environment, _Sandbox):
            return template
        file = self.files.get_file_from_path(template_name) if self.files is not None else None
        if file is None:  # MkDocs read it from docs_dir: never expected, and then never rendered
            logging.getLogger(QUOTING_LOG).error(
                "flywheel: template %s was made outside Jinja's sandbox and its source was not found; "
                "it was left out", template_name)
            return sandboxed(jinja2.Environment()).from_string("")
        # MkDocs parsed the same source already (one it cannot parse it skips with a warning).
        env = sandboxed(jinja2.Environment(loader=jinja2.DictLoader({template_name: file.content_string})))
        return env.get_template(template_name)

    def on_post_template(self, output_content: str, template_name: str, config) -> str:
        """The pages rendered from templates alone (the 404 page, the sitemap, `extra_templates`)
        get the checks every page gets: a practice's own `404.html` in its theme folder, or an
        extra template in docs_dir, reaches the site without passing through a page."""
        output, removed = output_content, []
        if self.checked is not None and not self.preview:
            if slug := named_for(template_name, self._withheld(), loosely="path"):  # written at an address naming the story
                why = f"template {template_name} is named for withheld story {slug}; rename it or remove it from the theme's templates"
                if self.swap is None:
                    raise PluginError(f"flywheel: {why} (nothing was published)")
                # Stopping here wrote no site in CI's fresh checkout (red team rt6): its file is
                # taken off the staged site (on_post_build), which the build then fails.
                logging.getLogger(QUOTING_LOG).error("flywheel: %s; it was left out", why)
                self._named_templates.add(template_name)
                return self._notice(f"template {template_name}", config)
            output, removed = strip_unpublished_links(output, self._unpublished())
        for slug in removed:
            log.warning("Template '%s' links to '%s', which is not published: the link and its text were removed",
                        template_name, slug)
        if template_name.endswith((".html", ".htm")):
            if why := self._withheld_shown(output):  # the checks of `_refuse_withheld`, read once
                return self._left_out_page(f"template {template_name}", why, config)
        else:
            self._refuse_withheld(output, f"template {template_name}", "the template")
        if not template_name.endswith((".html", ".htm")):
            return output  # the sitemap
        return self._with_policy(output, f"template {template_name}", config)

    def _with_policy(self, output: str, what: str, config) -> str:
        """The page with its Content-Security-Policy (csp.py): the site's own host and the hosts
        practice.yml allows. The preview server, and Material's instant navigation (which runs
        one page's scripts inside another), allow every inline script of the page."""
        allowed = self.site.third_parties if self.site is not None else []
        hosts = site_hosts(allowed, config.site_url)
        features = config.theme.get("features") or ()
        inline = self.command == "serve" or "navigation.instant" in features
        try:
            return with_policy(output, hosts, preview=inline)
        except PolicyError as error:
            why = f"{what} cannot carry the site's Content-Security-Policy: {error}; move everything before <head> into it"
            if self.command != "build" or self.swap is None:
                raise PluginError(f"flywheel: {why} (nothing was published)") from None
        # Stopping here wrote no site in CI's fresh checkout, so a revocation never deployed (red
        # team rt6): the page is written as the notice, and on_post_build fails the build.
        logging.getLogger(QUOTING_LOG).error("flywheel: %s; it was left out", why)
        return self._notice(what, config)

    def _refuse_withheld(self, output: str, what: str, where: str) -> None:
        """Stop the build when `output` quotes a withheld story or shows its address (`_withheld_shown`)."""
        if why := self._withheld_shown(output):
            raise PluginError(f"flywheel: {what} {why}; remove it from {where} (nothing was published)")

    def count_rendered(self, done: int | None = None) -> None:
        """`rendered N/M pages` on one line while `flywheel build` runs (FLYWHEEL_PROGRESS=1).
        With pages rendered in worker processes (pages_pool.py), the parent counts them."""
        if not self.progress or self.site is None or (done is None and self.pool_counts):
            return
        self.rendered = self.rendered + 1 if done is None else done
        total = len(self.site.pages)
        if self.rendered % 50 == 0 or self.rendered == total:
            sys.stderr.write(f"\rrendered {self.rendered}/{total} pages")
            sys.stderr.write("\n" if self.rendered == total else "")
            sys.stderr.flush()

    def on_serve(self, server, config, builder):
        root = Path(config.config_file_path).parent
        server.builder = _guarded_rebuild(server.builder, root)
        if self.preview:
            # The web editor's local backend (local_backend.py) is the preview's, behind the same guard.
            from .cms import media_folder
            from .local_backend import with_local_backend

            server.set_app(_answering_this_computer_only(with_local_backend(server.get_app(), root, media_folder(root))))
        server.set_app(_gated_today(server.get_app(), server, root))
        # The start-up check was replayed from the cache: the scan's modules and lists load
        # now, while the author reads, not on the first save.
        threading.Thread(target=identifiers_warm_up, name="flywheel-warm-up", daemon=True).start()
        watched = [root / name for name in ("content", "service_lines", "consent", "campaigns", "practice.yml")]
        for path in watched:
            if path.exists():
                server.watch(str(path))
        # A save is heard at once, not at the next poll (watcher.py); MkDocs watched these two.
        use_native_watcher(server, [config.docs_dir, config.config_file_path, *map(str, watched)])
        return server

    @staticmethod
    def _forget_search_index(site_dir: Path, config) -> None:
        """The problems page is not indexed, and on a dirty rebuild with no entries the search
        plugin writes its last index again: the pages of the last good site, a story withheld
        since included. A published preview showing problems serves no index, and keeps none
        for the next rebuild to merge. Nor any copy of it: Material's offline plugin writes the
        index again as `search_index.js` before this runs (red team rt6)."""
        for name in ("material/search", "search"):
            plugin = config.plugins.get(name)
            if plugin is not None and hasattr(plugin, "search_index_prev"):
                plugin.search_index_prev = None
        for name in SEARCH_INDEXES:
            (site_dir / "search" / name).unlink(missing_ok=True)

    def _remove_stale_pages(self, site_dir: Path, files: dict) -> None:
        """Preview rebuilds are dirty (only changed pages are rendered again), so a page that is
        no longer generated (a story withdrawn while the preview runs) would stay on the preview
        server. Remove every page this build did not produce (from `files`, the site's .html
        and .css files, as `site_files` lists them, too), and every static file it left out: a
        dirty rebuild never deletes a file it copied before (a photo or a transcript of a story
        revoked since, served by `flywheel serve --published-only`)."""
        if self.files is None:
            return
        for rel in self._left_out:
            (site_dir / rel).unlink(missing_ok=True)
            files.pop(rel, None)
        keep = {f.dest_uri for f in self.files} | {"404.html"}
        for rel in [rel for rel in files if rel.endswith(".html")]:
            if rel not in keep and not rel.startswith("admin/"):
                (site_dir / rel).unlink(missing_ok=True)
                del files[rel]

    @event_priority(-100)  # last: what the plugins listed after Flywheel write is in the site it commits
    def on_post_build(self, config) -> None:
        self.ended = True
        self._forget_sources()
        site_dir, built = Path(config.site_dir), None
        if self.command == "serve":  # one walk of the site for both
            logging.getLogger(QUOTING_LOG).removeHandler(self.quoting)
            if (self.problems_shown or self.quoting.get_counts()) and not self.preview:
                self._forget_search_index(site_dir, config)
            built = site_files(site_dir, stat=True)
            self._remove_stale_pages(site_dir, built)
        if self.site is not None:  # contract v2: no third-party requests (raising discards)
            found = third_party_problems(
                site_dir, config.site_url, self.site.third_parties, self.known_resources,
                unchanged=self._scanned if self.command == "serve" else None, files=built,
            )
            if found:
                self._take_off_third_parties(found, config)
        if self.checked is not None and not self.preview:
            self._drop_unchecked_outputs(site_dir, config)
        if self.checked is not None and not self.preview and (shown := self._search_settings_showing(site_dir)):
            self._withdrawal_due_despite(f"flywheel: the search plugin's settings ({', '.join(shown)}), written into "
                                         "the search index, show a withheld story or a name no published story credits")
            self._forget_search_index(site_dir, config)
        if self.command == "serve" or self.config.admin:
            public = self.command != "serve" or not self.preview
            added = add_admin(self._root(config), site_dir, self.command == "serve", public)
            if added and public:
                self._refuse_withheld_admin(site_dir, self._root(config))
        if self.swap is None:
            return
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        logging.getLogger(QUOTING_LOG).removeHandler(self.quoting)
        swap, self.swap = self.swap, None
        for name in self._named_templates:
            (swap.staging / name).unlink(missing_ok=True)
        quoting = bool(self.quoting.get_counts())
        if quoting:
            # It indexed the page (its title, from the navigation) before the notice replaced it,
            # and read as JSON a disguise is an escape (`\u200b`), not what a reader sees: a site
            # written only to withdraw keeps no search index.
            self._forget_search_index(swap.staging, config)
        if quoting and not self.withdrawing:
            assert self.checked is not None
            reason = replacement_due(swap.site_dir, self.checked)
            if reason is None:
                swap.discard()
                raise PluginError("flywheel: a page was left out, for what is named above; nothing was published")
            self.withdrawing = [reason]
            log.error("flywheel: a page was left out, but %s: site/ is written without that page's text", reason)
        if config.strict and self.warnings.get_counts() and not self.withdrawing:
            assert self.checked is not None
            reason = replacement_due(swap.site_dir, self.checked)
            if reason is None:
                swap.discard()  # MkDocs aborts right after this hook; keep the old site
                return
            self.withdrawing = [reason]
            log.error("flywheel: strict mode fails this build, but site/ is written anyway: %s", reason)
        # Deleting the previous site of thousands of pages takes as long as reusing them.
        try:
            swap.commit(background=self.site is not None and len(self.site.pages) > BACKGROUND_DELETE_PAGES)
        finally:
            self.replaced = swap.swapped  # an interrupt after this says site/ was written, not kept
        if swap.superseded:  # another build of this site read the project after this one did (publish.py)
            log.warning("flywheel: another build that read the project after this one did has written site/ "
                        "meanwhile; it is kept, and this build's pages were discarded")
        if self.failed and self.fail_after_withdrawal:
            self.withdrawing, self.rewritten = [], True
            raise PluginError("\n".join(self.failed) + "\nsite/ was written without what cannot be published, "
                              "only to withdraw stories now withheld")
        if quoting and self.fail_after_withdrawal:
            self.withdrawing, self.rewritten = [], True
            raise PluginError("flywheel: a page was left out, for what is named above; site/ was written "
                              "without that page's text, only to withdraw stories now withheld")
        if self.withdrawing and self.checked is not None and not self.checked.ok and self.fail_after_withdrawal:
            self.withdrawing = []
            raise PluginError(
                "flywheel: the content has errors; site/ was rebuilt only to withdraw stories that are "
                "now withheld\n" + summarize(self.checked.errors)
            )

    def _withdrawal_due_despite(self, message: str) -> bool:
        """Whether this build, failing for `message` after its pages were written, must still
        write site/: a failed build keeps the previous site, but where none is there (CI's fresh
        checkout) or it shows a story withheld today, keeping it kept that story on the live
        site for as long as the failure stood (red team rt6). Otherwise it raises, and
        on_build_error keeps the previous site. When it returns, the caller takes off the
        staged site what cannot be published, and the build fails after writing it."""
        if self.swap is None or self.checked is None:
            raise PluginError(message)
        reason = self.withdrawing[0] if self.withdrawing else replacement_due(self.swap.site_dir, self.checked)
        if reason is None:
            raise PluginError(message)
        log.error("%s\nbut %s: site/ is written without it", message, reason)
        self.withdrawing, self.failed = [reason], [*self.failed, message]
        return True

    def _drop_unchecked_outputs(self, site_dir: Path, config) -> None:
        """Files another plugin wrote into the site after Flywheel checked its files: each is
        read as a static file is (a champion's photo no published story may show, a copy of a
        consent record, a withheld story named, shown or quoted), and one that is any of these
        is taken off the site with a warning (rt10). Material's privacy plugin downloads what
        a page loads from another host, keeps it in its cache (`.cache/plugin/privacy/`, in the
        working folder, which a pull request can commit) and publishes it as the site's own,
        from the cache without asking the host again: a committed `banner.svg` writing a
        revoked story's title, loaded by a guide as `https://cdn.example.net/banner.svg`, was
        published with a passing build. The site's templates (checked as they render), the
        search index (its entries are the checked pages; its settings are read below) are not
        read again; the web editor's files are copied in after this, and checked then. Only where a plugin other than Flywheel
        and search is listed (none writes files otherwise): then one walk of the site's folders
        a build, 17 ms over the 1,088 files of the 1,000-piece benchmark, and a file is read only
        when no check saw it."""
        known = getattr(self, "_checked_outputs", None)
        if known is None:  # no plugin but Flywheel and search: nothing written after the checks
            return
        rendered = {"404.html", "sitemap.xml", "sitemap.xml.gz", *config.extra_templates,
                    *config.theme.static_templates, *(f"search/{name}" for name in SEARCH_INDEXES)}
        # `admin/` too (rt11): the web editor's files are copied in after this, and checked then;
        # what is there now another plugin wrote (the privacy plugin, `assets_fetch_dir: .`).
        # So is a static file whose copy is no longer its source's bytes: the privacy plugin
        # writes over `favicon.svg` or a theme's script as readily (rt11).
        unchecked = [rel for rel, _ in entries_under(site_dir)
                     if rel not in rendered and (rel not in known or _replaced(site_dir / rel, known[rel]))]
        if not unchecked:
            return
        withheld, pictures = self._withheld(), unconsented_photo_digests(self.checked)
        records = files_by_size(self._root(config) / CONSENT_DIR)
        for rel in sorted(unchecked):
            path = site_dir / rel
            if champion := photo_held(path, pictures):
                why = f"it is the photo of champion {champion}, which no published story may show"
            elif record := copy_of(path, records):
                why = f"it is a copy of {record}, and consent records are never published"
            else:
                why = static_leak(path, rel, withheld, self._quoted_index())
            if why:
                path.unlink(missing_ok=True)
                log.warning("File '%s', written into the site by another plugin, left out of the site: %s", rel, why)

    def _search_settings_showing(self, site_dir: Path) -> list[str]:
        """The settings the search plugin wrote into the search index (`config`: `separator`,
        `lang`, `pipeline`, `fields`, from mkdocs.yml) that show a withheld story's address or
        quote one, or a name no published story credits (rt10: a `separator:` written as a
        revoked story's title and a champion's name was published in `search_index.json` with
        a passing build). The index's entries come from the pages, which are checked; its
        settings come from nowhere else. Cost: one read of the index's first bytes a build."""
        from .export import settings_showing

        for name in SEARCH_INDEXES:
            path = site_dir / "search" / name
            try:
                with path.open("rb") as handle:
                    head = handle.read(1 << 16).decode("utf-8", "replace")
            except OSError:
                continue
            # {"config": {...}, "docs": [...]}: the settings come first (MkDocs' and Material's).
            start = head.find('"config"')
            end = head.find('"docs"', start)
            if start < 0:
                continue
            try:
                settings = json.loads("{" + head[start : end if end > 0 else None].rstrip().rstrip(",") + "}")
            except ValueError:
                settings = {"config": head[start:]}  # read as text: what a reader of the file sees
            quoted = self._quoted_index()
            if found := settings_showing(settings.get("config") if isinstance(settings.get("config"), dict)
                                         else settings, self._withheld(), quoted):
                return found
        return []

    def _take_off_third_parties(self, found: list, config) -> None:
        """A built file that loads from a host practice.yml does not list fails the build; where
        a withdrawal is due anyway, each such page is written as a notice and each such
        stylesheet or script left out (`_withdrawal_due_despite`)."""
        self._withdrawal_due_despite("flywheel: a page loads from a third party\n" + summarize(found))
        for rel in sorted({problem.path for problem in found}):
            path = Path(config.site_dir) / rel
            if rel.endswith((".html", ".htm")):
                path.write_text(self._notice(f"page {rel}", config), encoding="utf-8")
            else:
                path.unlink(missing_ok=True)

    def _refuse_withheld_admin(self, site_dir: Path, root: Path) -> None:
        """The web editor's page and configuration are copied from the project's admin/ folder
        after every page check, as they are: one that shows a withheld story's address or quotes
        it (a note pasted into index.html, a field's hint) stops the build, and the folder is
        removed (red team rt4: both reached site/admin/ with a passing build). So does one
        committed as a link into `consent/` or out of the project (paths.link_leads), copied
        through the link: a consent record quotes no story (rt5)."""
        if self.checked is None or self.preview:
            return
        for name in ADMIN_FILES:
            rel = f"{ADMIN_DIR}/{name}"
            why = static_leak(site_dir / rel, rel, self._withheld(), self._quoted_index())
            if leads := link_leads(root / rel, root, root / ADMIN_DIR):
                why = f"it is a link {leads}, which is never published"
            if why:
                shutil.rmtree(site_dir / ADMIN_DIR, ignore_errors=True)
                self._withdrawal_due_despite(
                    f"flywheel: {rel}, published with the site, cannot be published: {why}; "
                    "run `flywheel cms` to write it again"
                )
                return

    def on_shutdown(self) -> None:
        """MkDocs calls this however the build ended. A plugin or extension that ends the
        process (`sys.exit`) goes past MkDocs' error handling, so neither `on_post_build` nor
        `on_build_error` ran: the build failed all the same, and a withdrawal due still lands."""
        import signal

        for sig, handler in getattr(self, "_signals", {}).items():
            signal.signal(sig, handler)
        self._signals = {}
        if self.command == "build" and not getattr(self, "ended", True):
            log.error("flywheel: the build ended before it finished (interrupted, or MkDocs or another plugin "
                      "ended the process)")
            self.on_build_error(SystemExit(1))
        # The check `flywheel build` handed this build is this build's alone: MkDocs keeps this
        # object for the next build in the process, and a `mkdocs build` after a `flywheel build`
        # gated the content as it was then (a story revoked since was published; stop 49).
        self.result = None

    def on_build_error(self, error: Exception) -> None:
        self.ended = True
        self._forget_sources()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        logging.getLogger(QUOTING_LOG).removeHandler(self.quoting)
        if self.swap is None:
            # Before this plugin's `on_config`, or after its check and before the staging folder
            # was made (stop 49's red team: `mkdocs build` stopped by SIGTERM in that window left a
            # revoked story on site/): the last resort, from the check when there is one.
            if self.command == "build" and not self.traces_sought:
                self._withdraw_before_config()
            return
        site_dir = self.swap.site_dir
        self.swap.discard()
        self.swap = None
        self.traces_sought = self.checked is not None
        if self.checked is not None and (due := withdrawals_due(site_dir, self.checked, self._quoted_index())):
            deleted = scrub(site_dir, due, self._quoted_index())
            self.scrubbed = deleted
            log.error(
                "flywheel: the build failed and site/ showed %s, which are now withheld: deleted the "
                "%d file(s) that showed or linked to them",
                ", ".join(due),
                len(deleted),
            )


def _interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def _cache_outside_a_cache(config, root: Path) -> str | None:
    """Why a plugin's `cache_dir` may not be used, or None. Material's privacy plugin publishes
    as the site's own any file under its `cache_dir` that a page loads from another host, and
    asks the host only for what the folder lacks: `cache_dir: /` and an image at
    `https://proc/self/environ` published the build's environment (a CI's tokens), `cache_dir:
    ~/.cache` the key that signs Flywheel's caches (rt10). Material's plugins keep their caches
    in `.cache/plugin/<name>` under the working folder, which is where they must stay (the
    working folder's or the project's `.cache/`, links resolved); what they publish from there
    is checked (`_drop_unchecked_outputs`)."""
    allowed = [os.path.realpath(folder / ".cache") for folder in (Path.cwd(), root)]
    for name, plugin in config.plugins.items():
        folder = getattr(getattr(plugin, "config", None), "cache_dir", None)
        if not isinstance(folder, str):
            continue
        real = os.path.realpath(folder)
        if not any(real == a or real.startswith(a + os.sep) for a in allowed):
            return (f"mkdocs.yml: the {name} plugin's cache_dir '{folder}' lies outside .cache/: the plugin "
                    "publishes files from it as the site's own, so it could publish any file there (a "
                    "consent record, the build's environment); remove cache_dir to keep its default")
    return None


# The practice's time zone and the day each served project was last gated on, by its root:
# MkDocs makes a new plugin for every rebuild, and `on_serve` runs for the first one only.
_GATED_ON: dict[str, tuple[dt.tzinfo | None, dt.date]] = {}
_NEW_DAY_WAIT = 120  # seconds a request waits for the rebuild a new day asks for, then 503


def _practice_zone(result: CheckResult) -> dt.tzinfo | None:
    practice = result.project.practice
    return time_zone(practice.data.timezone) if practice else None


def _gated_today(app, server, root: Path):
    """The preview's web application, serving nothing gated on a day that has ended (rt10).
    A preview rebuilds when a file changes; a consent that expires (or a revocation dated
    ahead that takes effect) at midnight changes none, so the story stayed served, by
    `serve --published-only` to whoever it listens to, until someone saved a file. The first
    request of a new practice day asks for a rebuild, and every request waits for it (a
    503 after _NEW_DAY_WAIT seconds without one: nothing gated on yesterday is served).
    Cost: one clock reading a request."""
    import time

    key = str(root)

    def stale() -> bool:
        gated = _GATED_ON.get(key)
        return gated is not None and today_in(gated[0]) > gated[1]

    def gated(environ, start_response):
        if stale() and not environ.get("PATH_INFO", "").startswith("/livereload/"):
            if (wanted := getattr(server, "_rebuild_cond", None)) is not None:
                with wanted:  # what a changed file does (mkdocs.livereload)
                    server._want_rebuild = True
                    wanted.notify_all()
            deadline = time.monotonic() + _NEW_DAY_WAIT  # a MkDocs without it: 503 until a file changes
            while stale():
                if time.monotonic() > deadline:
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
                    return [b"The preview is being checked again for a new day.\n"]
                time.sleep(0.1)
        return app(environ, start_response)

    return gated


def _answering_this_computer_only(app):
    """The preview's web application, answering only requests addressed to this computer by
    name (`paths.loopback_host_header`). It listens on 127.0.0.1 alone, but any web page the
    editor opens can resolve its own name to 127.0.0.1 after loading (DNS rebinding) and then
    read the preview as its own pages: every withheld story and draft."""

    def guarded(environ, start_response):
        if loopback_host_header(environ.get("HTTP_HOST", "")):
            return app(environ, start_response)
        start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"This preview shows withheld stories, so it answers only to localhost or 127.0.0.1.\n"]

    return guarded


def _guarded_rebuild(builder, root: Path):
    """The preview server's rebuild, which reads mkdocs.yml again after it changed (a branch
    switched under a running preview): refused, as `flywheel serve` refuses it at the start,
    before MkDocs reads a file that runs code. The preview keeps its last pages and says why.
    A rebuild runs with fewer looks for reference cycles (collector.py): each look at the older
    generations walks everything the preview keeps (the project, the site, MkDocs' pages), and
    a save at 1,000 pieces spent 26-43 ms in them (measured with `gc.callbacks`); the cycles a
    rebuild leaves are collected at a later look."""

    def rebuild() -> None:
        try:
            refuse_config_code(root)
        except FlywheelError as exc:
            log.error("flywheel: not rebuilding the preview: mkdocs.yml would run code\n%s", exc)
            return
        with FewerCollections():
            builder()

    return rebuild


def _replaced(copy: Path, source: str | None) -> bool:
    """Whether the static file MkDocs copied from `source` into the site as `copy` no longer
    holds its bytes (another plugin wrote over it after the checks: rt11). A page (no source
    kept) is not compared. Sizes first, then the bytes (never `filecmp`, whose cache answers
    from sizes and times a rewrite may keep)."""
    if source is None:
        return False
    try:
        if os.stat(copy).st_size != os.stat(source).st_size:
            return True
        with open(copy, "rb") as one, open(source, "rb") as other:
            while True:
                chunk = one.read(1 << 20)
                if chunk != other.read(1 << 20):
                    return True
                if not chunk:
                    return False
    except OSError:
        return True
