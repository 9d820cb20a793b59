"""The MkDocs adapter: thin hooks that hand the work to the core pipeline.

`mkdocs build` and `mkdocs serve` from the repository root run the same check, gate and
render as `flywheel build`. Only public MkDocs APIs are used. A build writes into a fresh
folder and replaces `site/` only once it succeeded (strict warnings included), so a failed
build leaves the previous site as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from .assets import STYLESHEET, stylesheet
from .cache import CACHE_DIR
from .check import CheckResult, run_check
from .errors import summarize
from .publish import SiteSwap
from .render import RenderedSite, render_site
from .third_parties import third_party_problems

log = logging.getLogger("mkdocs.plugins.flywheel")

_DOC_FILE = re.compile(r"Doc file '([^']+)'")
_LINK = re.compile(r"link '([^']+)'")


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


class FlywheelConfig(Config):
    """The plugin's settings under `plugins: - flywheel:` in mkdocs.yml."""

    as_of = c.Optional(c.Type(str))
    campaign_params = c.Type(bool, default=True)
    preview = c.Type(bool, default=False)


def as_of_date(configured: str | None) -> dt.date:
    """FLYWHEEL_AS_OF overrides the configured date, which overrides today."""
    text = os.environ.get("FLYWHEEL_AS_OF") or configured
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PluginError(
            f"flywheel: as_of must be a date written YYYY-MM-DD, got '{text}'"
        ) from None


class FlywheelPlugin(BasePlugin[FlywheelConfig]):
    """Generates every page and the navigation from the checked, gated content."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.result: CheckResult | None = None  # set by `flywheel build` to skip a second check
        self.site: RenderedSite | None = None
        self.swap: SiteSwap | None = None
        self.warnings = CountHandler()
        self.source_names: SourceNames | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        root = Path(config.config_file_path).parent
        preview = self.config.preview or os.environ.get("FLYWHEEL_PREVIEW") == "1"
        if preview and self.command != "serve":
            # Preview pages show withheld stories: they must never reach a built site.
            raise PluginError(
                "flywheel: preview is only for `flywheel serve` / `mkdocs serve`, never for a build"
            )
        result = self.result or run_check(root, as_of_date(self.config.as_of), use_cache=True)
        if not result.ok:
            raise PluginError(
                "flywheel: the content has errors; nothing was built\n" + summarize(result.errors)
            )
        for decision in result.gate.withheld:
            log.info("withheld %s %s: %s", decision.kind, decision.slug, decision.reason)
        self.site = render_site(
            result,
            site_name=config.site_name,
            site_url=config.site_url,
            directory_urls=config.use_directory_urls,
            campaign=self.config.campaign_params,
            preview=preview,
        )
        config.nav = self.site.nav
        config.extra["flywheel"] = self.site.frame  # the practice frame the theme prints
        self._name_sources(root)
        config.extra_css = [STYLESHEET, *[css for css in config.extra_css if css != STYLESHEET]]
        if self.command == "build":
            self.swap = SiteSwap(Path(config.site_dir))
            config.site_dir = str(self.swap.staging)
            self.warnings = CountHandler()
            self.warnings.setLevel(logging.WARNING)
            logging.getLogger("mkdocs").addHandler(self.warnings)
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

    def on_files(self, files: Files, config) -> Files:
        assert self.site is not None
        if self.command == "serve":
            # Preview: pages live on disk and are rewritten only when their bytes change, so a
            # dirty rebuild re-renders just the pages an edit touched.
            folder = Path(config.config_file_path).parent / CACHE_DIR / "preview"
            for src_uri, text in [(p.src_uri, p.markdown) for p in self.site.pages] + [
                (STYLESHEET, stylesheet())
            ]:
                path = folder / src_uri
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
                files.append(File.generated(config, src_uri, abs_src_path=str(path)))
            return files
        for page in self.site.pages:
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        files.append(File.generated(config, STYLESHEET, content=stylesheet()))
        return files

    def on_post_page(self, output: str, page, config) -> str:
        if os.environ.get("FLYWHEEL_PROGRESS") == "1" and self.site is not None:
            self.rendered = getattr(self, "rendered", 0) + 1
            total = len(self.site.pages)
            if self.rendered % 50 == 0 or self.rendered == total:
                sys.stderr.write(f"\rrendered {self.rendered}/{total} pages")
                sys.stderr.write("\n" if self.rendered == total else "")
                sys.stderr.flush()
        return output

    def on_serve(self, server, config, builder):
        root = Path(config.config_file_path).parent
        for folder in ("content", "service_lines", "consent"):
            if (root / folder).exists():
                server.watch(str(root / folder))
        return server

    def on_post_build(self, config) -> None:
        self._forget_sources()
        if self.site is not None:  # contract v2: no third-party requests (raising discards)
            found = third_party_problems(
                Path(config.site_dir), config.site_url, self.site.third_parties
            )
            if found:
                raise PluginError("flywheel: a page loads from a third party\n" + summarize(found))
        if self.swap is None:
            return
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if config.strict and self.warnings.get_counts():
            self.swap.discard()  # MkDocs aborts right after this hook; keep the old site
        else:
            self.swap.commit()
        self.swap = None

    def on_build_error(self, error: Exception) -> None:
        self._forget_sources()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.swap is not None:
            self.swap.discard()
            self.swap = None
