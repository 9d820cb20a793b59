"""`flywheel export DIR`: the gated site as plain Markdown files and a config, for renderers
that do not run MkDocs plugins (Zensical, the successor of Material for MkDocs, reads the same
mkdocs.yml but not its plugins).

The export holds only published pages, exactly those a build renders; it is written outside
the content folders and outside `site/`.
"""

from __future__ import annotations

import dataclasses
import html
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from .assets import STYLESHEET, THEME_DIR, stylesheet
from .check import CheckResult
from .config_code import refuse_config_code
from .csp import policy, site_hosts
from .errors import FlywheelError, Problem, problem
from .export_render import confine_snippets, rendered_problems
from .leaks import (
    Quoted,
    Unreadable,
    decoded,
    file_text,
    link_targets,
    named_for,
    photo_held,
    posing_as_a_story,
    quoted_traces,
    segments,
    static_leak,
    story_traces,
    unconsented_photo_digests,
    unconsented_photos,
    withheld_quoted,
)
from .paths import (
    _read_config,
    check_build_folders,
    configured_folders,
    link_leads,
    refuse_published,
)
from .render import RenderedSite, render_site
from .shown import copy_of, files_by_size
from .validate import CONSENT_DIR
from .withdraw import scrub, unpublished_pieces, unpublished_stories, withdrawals_due

MARKER = ".flywheel-export"


class ExportRefused(FlywheelError):
    """The export would publish what the gate withholds: nothing new was written, or (with
    `written`) the export was written with those pages' text left out, only because a
    withdrawal was due (`_withdrawal_due`)."""

    def __init__(self, problems: list[Problem], written: bool = False):
        super().__init__(f"{len(problems)} exported page(s) show unpublished pieces")
        self.problems, self.written = problems, written


LEFT_OUT = "This page is being updated."  # an exported page's text, when it is left out


def _withdrawal_due(result: CheckResult, root: Path, out: Path, quoted: Quoted) -> bool:
    """Whether an export whose pages show an unpublished piece must still be written, with their
    text left out: no export is there yet (CI's fresh checkout, where nothing new for the
    renderer to deploy kept a story withheld today on the live site: red team rt5), or the one
    there shows a story withheld today. A folder of someone else's files is refused later."""
    try:
        target = refuse_published(out, root, "export")
    except FlywheelError:
        return False
    docs = target / "docs"
    if not (target / MARKER).is_file() or not docs.is_dir() or docs.is_symlink():
        return True
    withheld = frozenset(unpublished_stories(result))
    if _previous_settings_showing(target, withheld, quoted)[1]:
        return True
    # What a site is judged by (withdraw.withdrawals_due): a story page, a champion's page or
    # name, or a champion's photo, by address or by bytes, that today's gate no longer publishes.
    if withdrawals_due(docs, result, quoted):
        return True
    for folder in (docs, target / "overrides"):
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in folder.rglob("*"):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                text = file_text(path) or ""
            except Unreadable:
                return True  # what it shows cannot be told
            if (named_for(path.relative_to(folder).as_posix(), withheld, loosely="path") or story_traces(text, withheld)
                    or quoted_traces(text, quoted)):
                return True
    return False


def _previous_settings_showing(target: Path, withheld: frozenset[str], quoted: Quoted) -> tuple[dict, list[str]]:
    """The previous export's mkdocs.yml (a file `export` wrote) and its settings that show a
    withheld story (`settings_showing`); ({}, []) when there is none, and ({}, ["?"]) when it
    cannot be read, since what it shows cannot be told."""
    path = target / "mkdocs.yml"
    if path.is_symlink() or not path.is_file():
        return {}, []
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return {}, ["?"]
    if not isinstance(config, dict):
        return {}, ["?"]
    settings = settings_showing(config, withheld, quoted)
    if isinstance(nav := config.get("nav"), list) and _nav_without(nav, withheld, quoted) != nav:
        settings.append("nav")  # the titles and addresses of the pages it exported then
    return config, settings


def _nav_without(items: list, withheld: frozenset[str], quoted: Quoted) -> list:
    """A navigation (mkdocs.yml's `nav`) less every entry whose title or address shows a
    withheld story: a renderer prints the navigation on every page, a missing page's entry too."""
    def shows(text) -> bool:
        text = str(text)
        return bool(story_traces(text, withheld) or named_for(text, withheld) or quoted_traces(
            f"<p>{html.escape(text)}</p>", quoted))

    kept = []
    for item in items:
        if isinstance(item, dict):
            entry = {}
            for title, value in item.items():
                if shows(title) or (not isinstance(value, list) and shows(value)):
                    continue
                entry[title] = _nav_without(value, withheld, quoted) if isinstance(value, list) else value
            if entry:
                kept.append(entry)
        elif not shows(item):
            kept.append(item)
    return kept


def first_export_due(root: Path, out: Path) -> bool:
    """Whether an export the content's errors would stop must still be written, without the
    pieces that have them (the gate withholds those), as `flywheel build` writes its site: no
    export is there yet (red team rt6: an unrelated guide's error in CI's fresh checkout left
    the renderer nothing to deploy, so a story withheld today stayed live). One that is there
    loses what shows a story withheld today instead (`withdraw_export`)."""
    try:
        target = refuse_published(out, root, "export")
    except FlywheelError:
        return False
    return not (target / MARKER).is_file()


def _with_notices(rendered: RenderedSite, withheld: frozenset[str], unpublished: frozenset[str], quoted: Quoted,
                  root: Path) -> RenderedSite | None:
    """`rendered` with the text of each page that shows an unpublished piece left out, or None
    when that cannot keep it off the export: a title that shows it (the exported navigation
    carries titles), or the practice frame every page prints."""
    frame = "\n".join(_texts(rendered.frame))
    if story_traces(frame, withheld) or quoted_traces(frame, quoted):
        return None
    pages = []
    for page in rendered.pages:
        if _page_problems_in_markdown(page, withheld, unpublished, quoted, root):
            if story_traces(page.title, withheld) or quoted_traces(page.title, quoted):
                return None
            page = dataclasses.replace(page, markdown=f"{LEFT_OUT}\n", body_at=None)
        pages.append(page)
    return dataclasses.replace(rendered, pages=pages)


def _line_naming(root: Path, source: str | None, slug: str) -> int | None:
    """The first line of a content file that names `slug` once decoded, if it can be told."""
    if source is None:
        return None
    try:
        lines = (root / source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, text in enumerate(lines, start=1) if slug in decoded(text).casefold()), None)


def _page_problems_in_markdown(page, withheld: frozenset[str], unpublished: frozenset[str], quoted: Quoted,
                               root: Path) -> list[Problem]:
    """`export_problems` of one page."""
    found = []
    where = page.source or page.src_uri
    named = {slug for target in link_targets(page.markdown) for slug in segments(target) & unpublished}
    for slug in sorted(named | set(story_traces(page.markdown, withheld))):
        found.append(problem(
            "export-shows-unpublished", where, f"the exported page {page.src_uri} links to or "
            f"names '{slug}', which is not published",
            line=_line_naming(root, page.source, slug),
            hint="remove the link or the address from the source",
        ))
    if quoted_traces(page.markdown, quoted):
        found.append(problem(
            "export-shows-unpublished", where, f"the exported page {page.src_uri} quotes a "
            "withheld story (its title, summary, pull quote or twelve words in a row of its text)",
            hint="remove the quotation from the source",
        ))
    return found


def export_problems(rendered: RenderedSite, withheld: frozenset[str], unpublished: frozenset[str],
                    quoted: Quoted, root: Path) -> list[Problem]:
    """What the build's page checks (leaks.py) would remove or stop, found in the exported
    Markdown, which no plugin filters once it leaves: a link to an unpublished piece, the
    address of a withheld story, a quotation of one."""
    found = []
    for page in rendered.pages:
        found += _page_problems_in_markdown(page, withheld, unpublished, quoted, root)
    frame = "\n".join(_texts(rendered.frame))  # printed on every page by the theme
    if story_traces(frame, withheld) or quoted_traces(frame, quoted):
        found.append(problem(
            "export-shows-unpublished", "practice.yml", "the practice frame every exported page prints "
            "(practice.yml, service line names) shows the address of or quotes a withheld story",
            hint="remove it from practice.yml or the service line",
        ))
    return found


def settings_showing(config: dict, withheld: frozenset[str], quoted: Quoted) -> list[str]:
    """The top-level settings of `config` (mkdocs.yml, as exported: the navigation is made
    afresh) whose text, keys and values at any depth, shows a withheld story's address or quotes
    one: a renderer with no plugin prints `copyright`, `site_description` and the theme's `extra`
    settings on every page, unchecked (rt7)."""
    found = []
    for key, value in config.items():
        if key == "nav":
            continue
        for text in _texts(value, keys=True):
            if story_traces(text, withheld) or quoted_traces(html.escape(text), quoted) or quoted_traces(
                    f"<p>{html.escape(text)}</p>", quoted):
                found.append(key)
                break
    return found


def _texts(value, keys: bool = False) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = [*(value if keys else ()), *value.values()]
    return [text for item in value for text in _texts(item, keys)] if isinstance(value, list | tuple) else []


def _left_out(static: Path, photos: dict[str, str], withheld: frozenset[str], quoted: Quoted,
              pictures: dict[str, str] | None, root: Path):
    """What the copy of docs_dir (or the theme folder) leaves out, as the build leaves it off the site: champion photos
    without photo consent in force (by address, and by their bytes: `pictures`, from
    leaks.unconsented_photo_digests), and files named for a withheld story, showing its address
    or words, or unreadable (leaks.static_leak), and links into the project's content folders
    (paths.link_leads), and copies of consent records (shown.copy_of)."""
    records = files_by_size(root / CONSENT_DIR)

    def ignore(folder: str, names: list[str]) -> list[str]:
        left_out = []
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(static).as_posix()
            if link_leads(path, root, static):  # a link into consent/ or out of the project (rt5), as the build
                left_out.append(name)
                continue
            picture = not path.is_dir() and photo_held(path, pictures) is not None
            record = not path.is_dir() and copy_of(path, records)
            if picture or record or rel.casefold() in photos or posing_as_a_story(rel) or static_leak(path, rel, withheld, quoted):
                left_out.append(name)
        return left_out

    return ignore


def withdraw_export(result: CheckResult, root: Path, out: Path) -> list[str]:
    """After a failed export: delete from the previous export (a folder `export` made) every
    file that shows or links to a story withheld today, or shows what a site loses on a failed
    build (withdraw.withdrawals_due: a champion's page or name, or a photo, no longer
    allowed); what it deleted, relative to it."""
    try:
        target = refuse_published(out, root, "export")
    except FlywheelError:
        return []
    docs = target / "docs"
    if not (target / MARKER).is_file() or not docs.is_dir() or docs.is_symlink():
        return []
    slugs, quoted = sorted(unpublished_stories(result)), withheld_quoted(result)
    overrides = target / "overrides"
    config, settings = _previous_settings_showing(target, frozenset(slugs), quoted)
    rewritten = []
    if settings:  # a renderer prints them on every page (rt7): the settings go, the rest stays
        if "?" in settings or "site_name" in settings:
            (target / "mkdocs.yml").unlink()
        else:
            for key in settings:
                if key == "nav":
                    config["nav"] = _nav_without(config["nav"], frozenset(slugs), quoted)
                else:
                    del config[key]
            (target / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True),
                                               encoding="utf-8")
        rewritten = ["mkdocs.yml"]
    due = sorted(set(slugs) | set(withdrawals_due(docs, result, quoted)))
    return rewritten + scrub(docs, due, quoted) + (
        [f"overrides/{rel}" for rel in scrub(overrides, slugs, quoted)]
        if overrides.is_dir() and not overrides.is_symlink() else []
    )


def _claim(out: Path, root: Path) -> Path:
    """The export folder, if Flywheel may write it: new or empty, or made by an earlier export
    (it holds the marker). Anything else is refused: an export replaces only what it made."""
    target = refuse_published(out, root, "export")
    if target.exists() and not target.is_dir():
        raise FlywheelError(f"refusing to export into {out}: it is a file")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise FlywheelError(
            f"refusing to export into {out}: the folder has files that flywheel export did not write; "
            "choose a new or empty folder"
        )
    target.mkdir(parents=True, exist_ok=True)
    (target / MARKER).write_text("Written by `flywheel export`; the next export replaces docs/, overrides/ and mkdocs.yml here.\n", encoding="utf-8")
    return target


def export_site(result: CheckResult, root: Path, out: Path, campaign: bool = True) -> Path:
    """Write out/docs/** and out/mkdocs.yml (nav included, flywheel plugin removed).

    The export is written beside `out` first and rendered there with the exported config
    (export_render.py); only an export whose rendered pages pass the page checks replaces
    what `out` holds."""
    refuse_published(out, root, "export")
    folders = configured_folders(root)  # the theme folder is exported whole, as docs_dir is
    check_build_folders(root, folders["site_dir"], folders["docs_dir"], replaces=False)
    refuse_config_code(root)  # the exported mkdocs.yml would carry it to the renderer
    # Read with types (`font: false` stays false: read as text it became a Google Fonts
    # family named "false"), `!ENV` resolved, and nothing run (paths.py).
    config = _read_config(root / "mkdocs.yml")
    static = root / config.get("docs_dir", "docs")
    confine_snippets(config, root, static)
    site_url = config.get("site_url")
    if not isinstance(site_name := config.get("site_name", "Our practice"), str):  # rt7: a traceback
        raise FlywheelError(f"mkdocs.yml: site_name must be text, not {type(site_name).__name__} {site_name!r}")
    rendered = render_site(
        result,
        site_name=site_name,
        site_url=site_url if isinstance(site_url, str) else None,
        directory_urls=config.get("use_directory_urls", True) is not False,
        campaign=campaign,
    )
    withheld = frozenset(unpublished_stories(result))
    unpublished = frozenset(unpublished_pieces(result))
    quoted = withheld_quoted(result)
    settings = settings_showing(config, withheld, quoted)
    left_out = export_problems(rendered, withheld, unpublished, quoted, root) + [
        problem("export-shows-unpublished", "mkdocs.yml", f"the setting '{key}', which the exported mkdocs.yml "
                "hands the renderer (its theme prints settings on every page), shows the address of or quotes "
                "a withheld story", hint=f"remove it from '{key}' in mkdocs.yml")
        for key in settings
    ]
    if left_out:
        noticed = _with_notices(rendered, withheld, unpublished, quoted, root)
        if noticed is None or "site_name" in settings or not _withdrawal_due(result, root, Path(out), quoted):
            raise ExportRefused(left_out)
        rendered = noticed  # written without those pages' text, and the export still fails (below)
        for key in settings:  # and without those settings
            del config[key]
    # Beside `out`, so that a path an extension reads from the renderer's folder (`../x`)
    # leads where it will lead from `out`.
    parent = Path(out).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{Path(out).name}.staging-", dir=parent))
    try:
        _write(staging, root, config, rendered, result, static, withheld, quoted)
        if found := rendered_problems(staging, config, rendered.pages, withheld, unpublished, quoted):
            raise ExportRefused(found)
        out = _claim(out, root)
        for name in ("docs", "overrides", "mkdocs.yml"):
            _remove(out / name)
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if left_out:
        raise ExportRefused(left_out, written=True)
    return out


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _write(out: Path, root: Path, config: dict, rendered: RenderedSite, result: CheckResult, static: Path,
           withheld: frozenset[str], quoted: Quoted) -> None:
    """The export's files, into the empty folder `out`."""
    docs = out / "docs"
    site_url = config.get("site_url")
    photos = unconsented_photos(result, site_url if isinstance(site_url, str) else None)
    pictures = unconsented_photo_digests(result)
    if static.is_dir():
        shutil.copytree(static, docs, ignore=_left_out(static, photos, withheld, quoted, pictures, root))
    for page in rendered.pages:
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.markdown, encoding="utf-8")
    (docs / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    (docs / STYLESHEET).write_text(stylesheet(), encoding="utf-8")
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["nav"] = rendered.nav
    # The practice frame every page prints (phone, emergency line, address, services), as the
    # plugin gives it to the theme.
    extra = config.get("extra")
    # The page's Content-Security-Policy: no plugin puts it first in each page here, so the
    # theme prints it in the head, inline scripts allowed as the preview allows them (csp.py).
    frame = {**rendered.frame, "policy": policy(site_hosts(rendered.third_parties, site_url), None)}
    config["extra"] = {**(extra if isinstance(extra, dict) else {}), "flywheel": frame}
    config["extra_css"] = [STYLESHEET]
    config["plugins"] = ["search"]
    theme = config.get("theme")
    if not isinstance(theme, dict):
        theme = config["theme"] = {"name": theme or "material"}
    # Without the plugin, the package's overrides must travel as files; the practice's own win.
    shutil.copytree(THEME_DIR, out / "overrides", dirs_exist_ok=True)
    if theme.get("custom_dir"):
        # The practice's templates and theme files reach every page as they are: one that shows
        # a withheld story stays out, as its static files do (the build refuses such a template).
        custom = root / theme["custom_dir"]
        shutil.copytree(custom, out / "overrides", dirs_exist_ok=True, ignore=_left_out(custom, photos, withheld, quoted,
                                                                                       pictures, root))
    theme["custom_dir"] = "overrides"
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
