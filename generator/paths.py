"""Where things are published, as the configuration says, and where generated output may go.

Proofs, reports, exports and previews hold unpublished text (a withheld story, a draft). They
are refused inside every folder that is published or read as content: `site_dir` and `docs_dir`
as mkdocs.yml names them (never assumed to be `site` and `docs`), the content folders, and any
folder that contains one of those. A value only becomes a path through `safe_join`.
"""

from __future__ import annotations

import copy
import hashlib
import os
import stat
import time
from pathlib import Path

import yaml

from .errors import FlywheelError
from .load import read_settings_text

CONTENT_FOLDERS = ("content", "service_lines", "consent", "campaigns", "outcomes", "questions")


class _Tolerant(yaml.SafeLoader):
    """Reads mkdocs.yml without running anything: `!ENV` and `!relative $config_dir/...` as
    MkDocs resolves them, any other tag (`!!python/name:...`, a bare `!relative`) as nothing.
    config_code.py refuses the tags that would run code before MkDocs reads the file."""

    config_dir: Path | None = None
    inputs: list | None = None


def _env(loader: _Tolerant, node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    if loader.inputs is not None:  # what `_read_config` keeps the reading with
        loader.inputs += [("env", str(n), os.environ.get(str(n))) for n in names]
    return next((os.environ[str(n)] for n in names if str(n) in os.environ), default)


def _relative(loader: _Tolerant, node: yaml.Node) -> str | None:
    """`!relative $config_dir` (or `$config_dir/sub`) is the folder of mkdocs.yml, as MkDocs
    resolves it: read as nothing, `theme: custom_dir: !relative $config_dir/consent`
    passed every folder check. Other forms name the page being rendered: nothing here."""
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if loader.config_dir is None or not isinstance(value, str):
        return None
    head, _, rest = value.partition("/")
    return str(loader.config_dir / rest) if head == "$config_dir" else None


_Tolerant.add_constructor("!ENV", _env)
_Tolerant.add_constructor("!relative", _relative)
_Tolerant.add_multi_constructor("", lambda loader, suffix, node: None)
_Tolerant.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


# mkdocs.yml as read last, by (file, depth, config_dir): what the reading depended on (the stat
# of every file of the INHERIT chain, every environment variable an `!ENV` tag named) and the
# mapping. The preview read it six times a save, 3-7 ms each.
_READ: dict[tuple[str, int, str], tuple[list, dict]] = {}
# A file changed less than this before it was read is read again next time: rewritten within
# one tick of the file system's clock, its stat could stay the same (a FAT time is 2 s).
_RACY_SECONDS = 3.0


def _stamp(path: str) -> tuple[int, ...] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino, info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _unchanged(inputs: list) -> bool:
    for kind, name, seen in inputs:
        if (_stamp(name) if kind == "file" else os.environ.get(name)) != seen:
            return False
    return True


def _read_config(config_file: Path, depth: int = 0, config_dir: Path | None = None,
                 inputs: list | None = None) -> dict:
    """mkdocs.yml (and every file it INHERITs, merged) as a mapping, the caller's own copy: read
    again when the stat of one of those files, or an environment variable an `!ENV` tag named,
    changed since the last reading (or the file had changed just before it)."""
    # `$config_dir` is the folder of the file MkDocs was given, in every file it INHERITs too.
    config_dir = config_dir or config_file.parent.absolute()
    if inputs is not None:  # a file of the chain: the first reading keeps what it read
        return _read_config_file(config_file, depth, config_dir, inputs)
    key = (os.path.abspath(config_file), depth, str(config_dir))
    held = _READ.get(key)
    if held is not None and _unchanged(held[0]):
        return copy.deepcopy(held[1])
    started, inputs = time.time_ns(), []
    data = _read_config_file(config_file, depth, config_dir, inputs)
    newest = max((max(seen[4], seen[5]) for kind, _, seen in inputs if kind == "file" and seen), default=0)
    if all(seen is not None for kind, _, seen in inputs if kind == "file") and newest < started - _RACY_SECONDS * 1e9:
        if len(_READ) > 32:
            _READ.clear()
        _READ[key] = (inputs, copy.deepcopy(data))
    return data


def _read_config_file(config_file: Path, depth: int, config_dir: Path, inputs: list) -> dict:
    inputs.append(("file", os.path.abspath(config_file), _stamp(os.path.abspath(config_file))))
    loader = type("_Here", (_Tolerant,), {"config_dir": config_dir, "inputs": inputs})
    try:
        data = yaml.load(read_settings_text(config_file), Loader=loader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FlywheelError(f"{config_file.name} cannot be read, so where the site is published is unknown: {exc}") from None
    except (ValueError, OverflowError, RecursionError) as exc:  # `as_of: 2026-02-30`: a date no calendar has (rt7)
        raise FlywheelError(f"{config_file.name} cannot be read, so where the site is published is unknown: "
                            f"a value YAML cannot make ({exc})") from None
    if not isinstance(data, dict):
        raise FlywheelError(f"{config_file.name} is not a mapping, so where the site is published is unknown")
    parent = data.get("INHERIT")
    if isinstance(parent, str):
        following = inherited(config_file, parent)
        chain = [os.path.realpath(name) for kind, name, _ in inputs if kind == "file"]
        if os.path.realpath(following) in chain:
            raise FlywheelError(INHERIT_LOOP)
        if depth + 1 >= INHERIT_FILES:
            raise FlywheelError(INHERIT_TOO_LONG)
        return _merged(_read_config(following, depth + 1, config_dir, inputs), data)
    return data


# MkDocs follows INHERIT without a limit; Flywheel reads, and checks for code (config_code.py),
# this many files of the chain and refuses a longer one. It read five and checked ten, and
# MkDocs read on: a `!!python` tag and `hooks:` in the eleventh file ran under `flywheel build`
# (stop 50's red team I).
INHERIT_FILES = 10
INHERIT_LOOP = ("mkdocs.yml nests too deeply, or its INHERIT chain leads back to itself; "
                "INHERIT must name another file that does not inherit this one")
INHERIT_TOO_LONG = (f"mkdocs.yml's INHERIT chain is longer than {INHERIT_FILES} files, and Flywheel reads and "
                    f"checks {INHERIT_FILES}: MkDocs would read the rest unchecked; merge some of the files")


def inherited(config_file: Path, parent: str) -> Path:
    """The file `INHERIT: <parent>` in `config_file` names, found as MkDocs finds it: its path
    joined to the folder of `config_file` and normalised as text, so `link/../shared.yml` is
    `shared.yml` beside it, whatever `link` points at. Followed through the link, the checks
    read a decoy where MkDocs read a file carrying a `!!python` tag (stop 47's second red team)."""
    return Path(os.path.normpath(os.path.join(os.path.dirname(config_file), parent)))


def _merged(parent: dict, child: dict) -> dict:
    """`child` over `parent`, mappings merged key by key, as MkDocs merges an INHERIT chain
    (mergedeep): merged only at the top, a parent's `theme: custom_dir` was lost to the child's
    `theme: name`, and no folder check saw it."""
    merged = dict(parent)
    for key, value in child.items():
        below = merged.get(key)
        merged[key] = _merged(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def extension_settings(config: dict) -> list[tuple[str, dict]]:
    """`markdown_extensions` as MkDocs reads it: names in order, each with its options (every
    name of a mapping item, though MkDocs takes one: what refuses or checks extensions sees
    each name it might load)."""
    value = config.get("markdown_extensions") or []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = [pair for item in value
                 for pair in (item.items() if isinstance(item, dict) else [(item, None)])]
    else:
        items = []
    return [(name, options if isinstance(options, dict) else {}) for name, options in items if isinstance(name, str)]


def _config_of(root: Path) -> dict:
    config_file = Path(root) / "mkdocs.yml"
    # Anything there but nothing at all is read, and refused unless it is a regular file: a pipe
    # or a device passed as "no mkdocs.yml", and MkDocs then read it, forever (rt8).
    return _read_config(config_file) if config_file.exists() else {}


def configured_folders(root: Path) -> dict[str, Path]:
    """`site_dir` and `docs_dir` (and the theme's `custom_dir`, when set), resolved against the
    folder of mkdocs.yml as MkDocs resolves them. FlywheelError when one is not a path (`docs_dir:
    42`: a traceback in MkDocs and in the export, rt7)."""
    data = _config_of(root)
    theme = data.get("theme")
    for key, value in (("site_dir", data.get("site_dir")), ("docs_dir", data.get("docs_dir")),
                       ("theme: custom_dir", theme.get("custom_dir") if isinstance(theme, dict) else None)):
        if value is not None and not isinstance(value, str):
            raise FlywheelError(f"mkdocs.yml: {key} must be a folder's path, not {type(value).__name__} {value!r}")
    return _folders_of(Path(root), data)


def flywheel_setting(root: Path, key: str) -> object:
    """The Flywheel plugin's `key` in mkdocs.yml, or None (no such setting, or a mkdocs.yml
    that cannot be read: the build says why)."""
    try:
        plugins = _config_of(root).get("plugins")
    except FlywheelError:
        return None
    items = plugins.items() if isinstance(plugins, dict) else [
        next(iter(item.items())) for item in (plugins if isinstance(plugins, list) else []) if isinstance(item, dict) and item]
    return next((options.get(key) for name, options in items if name in ("flywheel", "/flywheel") and isinstance(options, dict)), None)


def readable_folders(root: Path) -> dict[str, Path]:
    """`configured_folders`, or MkDocs' defaults (`site/`, `docs/`) when mkdocs.yml cannot be
    read: where a build that must still withdraw writes, and what the example workflow deploys."""
    try:
        return configured_folders(root)
    except FlywheelError:
        return default_folders(root)


def default_folders(root: Path) -> dict[str, Path]:
    """MkDocs' own `site_dir` and `docs_dir`, resolved in the project."""
    return _folders_of(Path(root), {})


def real(path: Path | str) -> Path:
    """`Path(path).resolve()`, but a symbolic link that leads to itself (`ln -s campaigns
    campaigns`, committed) is left where it is, as `os.path.realpath` leaves it, where `resolve`
    raised RuntimeError and the traceback stopped the withdrawal of a revoked story (stop 49's
    red team); a path holding a NUL (mkdocs.yml's `docs_dir: "pages\\0"`) is a FlywheelError."""
    try:
        return Path(path).resolve()
    except RuntimeError:
        return Path(os.path.realpath(path))
    except ValueError as error:
        raise FlywheelError(f"the path {os.fsdecode(path)!a} holds a NUL character, which no file name can") from error


def _folders_of(root: Path, data: dict) -> dict[str, Path]:
    folders = {}
    for key, default in (("site_dir", "site"), ("docs_dir", "docs")):
        value = data.get(key)
        if isinstance(value, str) and "\0" in value:
            raise FlywheelError(f"mkdocs.yml: {key} holds a NUL character, which no folder's name can")
        folders[key] = real(root / (value if isinstance(value, str) and value else default))
    theme = data.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        folders["custom_dir"] = real(root / theme["custom_dir"])
    return folders


def static_sources(root: Path) -> tuple[list[Path], str | None]:
    """Where the site's static files come from, in the order MkDocs looks (docs_dir, then the
    theme's custom_dir: a theme file never replaces a docs_dir file), and mkdocs.yml's
    `site_url` (a champion photo may be given as an address on the site's own host)."""
    data = _config_of(root)
    folders = _folders_of(Path(root), data)
    site_url = data.get("site_url")
    sources = [folders["docs_dir"], *([folders["custom_dir"]] if "custom_dir" in folders else [])]
    return sources, site_url if isinstance(site_url, str) and site_url else None


def protected_folders(root: Path) -> dict[str, Path]:
    """Every folder generated output must stay out of: what is published and what is read."""
    folders = {name: real(Path(root) / name) for name in CONTENT_FOLDERS}
    folders.update(configured_folders(root))
    return folders


def refuse_published(out: Path, root: Path, what: str) -> Path:
    """`out`, resolved, unless it lies inside (or contains) a protected folder or the project
    itself; then FlywheelError saying where it may go instead."""
    why = _refusal(out, root, what, protected_folders(root))
    if why is not None:
        raise FlywheelError(why)
    return real(out)


def cache_folder_refused(folder: Path, root: Path) -> str | None:
    """Why Flywheel must not keep its cache in `folder`, or None. The check's cache holds every
    story's text, withheld ones included: inside `site_dir` or `docs_dir` (a symlinked
    `.flywheel-cache`, a FLYWHEEL_CACHE_DIR set carelessly) it would be published. An unreadable
    mkdocs.yml is judged with MkDocs' default folders."""
    try:
        folders = protected_folders(root)
    except FlywheelError:
        folders = {name: real(Path(root) / name) for name in (*CONTENT_FOLDERS, "site", "docs")}
    return _refusal(folder, root, "cache", folders)


def _refusal(out: Path, root: Path, what: str, folders: dict[str, Path]) -> str | None:
    target = real(out)
    project = real(root)
    if target == project or project.is_relative_to(target):
        return f"refusing to write the {what} into {out}: that is the project itself or a folder above it"
    for name, folder in folders.items():
        if target == folder or target.is_relative_to(folder) or folder.is_relative_to(target):
            shown = shown_path(folder, project)
            return (
                f"refusing to write the {what} into {out}: it would land in {shown} ({name}), "
                "where it would be published or read as content; choose a folder outside them"
            )
    return None


# What Flywheel or `flywheel init` writes and the practice keeps (the web editor's admin/, the
# schemas, the editor and CI settings): a site_dir there would replace it with the site.
GENERATED_FOLDERS = (".git", ".flywheel-cache", "proofs", "report", "admin", "schemas", ".vscode", ".github")
# Of those, what only Flywheel writes and makes again from the project whenever it runs.
_REMADE = frozenset({".flywheel-cache", "proofs", "report"})


def _guarded(project: Path) -> dict[str, Path]:
    """What no published folder may be, hold or lie in: the content folders, the folders
    Flywheel writes, `practice.yml` and `mkdocs.yml`, by their real paths."""
    guarded = {name: real(project / name) for name in (*CONTENT_FOLDERS, *GENERATED_FOLDERS)}
    guarded["practice.yml"] = real(project / "practice.yml")
    guarded["mkdocs.yml"] = real(project / "mkdocs.yml")
    return guarded


def link_leads(path: Path, root: Path, folder: Path) -> str | None:
    """Where a file of `folder` (docs_dir, the theme folder) leads when a link takes it where
    nothing is published from, or None: "into <name>" for a guarded folder or file
    (`_guarded`), "out of the project" for a real path outside both the project and `folder`.
    A symbolic link committed in docs_dir (git stores links) takes MkDocs and the export into
    `consent/` as surely as `custom_dir: consent` would, or to any absolute path (the key that
    signs this machine's caches, `/etc`) (red team rt5), so such a file is left out of the site
    like one that names a withheld story."""
    target = Path(os.path.realpath(path))
    if target.is_relative_to(os.path.realpath(folder)):  # docs_dir holds no guarded folder (check_build_folders)
        return None
    project = real(root)
    for name, inner in _guarded(project).items():
        if target == inner or target.is_relative_to(inner):
            return f"into {name}"
    return None if target.is_relative_to(project) else "out of the project"


def guarded_link_in(folder: Path, root: Path) -> tuple[str, str] | None:
    """A link under `folder` that leads where nothing is published from (`link_leads`), as
    (its path relative to `folder`, where it leads), or None. For readers that take files
    from the disk by name and never see the plugin's file list (`pymdownx.snippets`)."""
    for parent, dirs, files in os.walk(folder):
        for name in sorted([*dirs, *files]):
            path = Path(parent) / name
            if path.is_symlink() and (leads := link_leads(path, root, folder)):
                return path.relative_to(folder).as_posix(), leads
    return None


def check_build_folders(root: Path, site_dir: Path, docs_dir: Path | None, *, any_site: bool = False,
                        replaces: bool = True) -> None:
    """Refuse a configuration that would publish sources or overwrite the project.

    `docs_dir` is published as it is: pointed at the project, `content/` or `consent/`, it would
    put raw story files on the site. So is the theme's `custom_dir`: MkDocs copies every file of
    the theme folder that is not a template onto the site (consent records, `champions.yml`).
    `site_dir` is replaced whole by every build: pointed at the project or a content folder, a
    build would replace it. Any of them is a FlywheelError. With `any_site`, a site_dir holding
    files no build made passes, and so does a practice folder committed as a link into it (the
    last resort replaces nothing: it takes off only what shows a withheld story). Without
    `replaces` (an export, which leaves site_dir alone), a link into site_dir passes.
    Without `docs_dir` only site_dir is judged: a build with Flywheel's defaults (build.py)
    publishes neither the project's docs_dir nor its theme folder."""
    project = real(root)
    guarded = _guarded(project)
    site = real(site_dir)
    # mkdocs.yml, README.md: the file would become the site. A file git holds, committed and
    # unchanged, comes back with a checkout: refusing it stopped every deploy (`_committed`).
    if site.exists() and not site.is_dir() and not _committed(site, project):
        shown = shown_path(site, project)
        raise FlywheelError(f"mkdocs.yml: site_dir is the file {shown}, which a build would replace; "
                            "give it a folder of its own")
    if not any_site and (why := _unbuilt_site(site, project)) is not None:
        raise FlywheelError(why)
    if replaces and not any_site and site.is_dir() and (link := _link_into(site, project, docs_dir)) is not None:
        raise FlywheelError(f"{link} is a symbolic link into site_dir, which a build replaces whole: the file "
                            "it leads to would be deleted; keep that file outside site_dir (or copy it in)")
    # The theme's custom_dir may hold docs_dir (the sample keeps its static pages in theme/pages),
    # but a build must not replace it.
    try:
        custom_dir = configured_folders(project).get("custom_dir")
    except FlywheelError:  # mkdocs.yml unreadable: a build with Flywheel's defaults (build.py)
        custom_dir = None
    checked = [("docs_dir", real(docs_dir))] if docs_dir is not None else []
    checked.append(("site_dir", real(site_dir)))
    if custom_dir is not None and docs_dir is not None:
        checked.append(("theme's custom_dir", custom_dir))
    for key, folder in checked:
        if folder == project or project.is_relative_to(folder):
            raise FlywheelError(f"mkdocs.yml: {key} is the project folder (or above it); give it a folder of its own")
        theme = {"the theme's custom_dir": custom_dir} if key == "site_dir" and custom_dir is not None else {}
        for name, inner in {**guarded, **theme}.items():
            if key == "site_dir" and inner.is_relative_to(folder) and (project / name).is_symlink() and (
                not inner.exists() or name in _REMADE or any_site
            ):
                # A link committed in the folder's place (`.flywheel-cache` -> `site/cache`) that
                # leads nowhere yet, as in CI's fresh checkout, so the build replaces nothing there;
                # or one of Flywheel's own outputs, made again at will, leading into the site the
                # build replaces anyway. Refused, either stopped every build, and a revocation
                # never reached the live site. (Nothing Flywheel writes goes through such a link:
                # the cache and the outputs refuse a folder in site_dir.) The last resort
                # (`any_site`) replaces nothing: it takes a withheld story off the site whatever
                # such a link keeps there, moving what it takes aside (`links_into_site`).
                continue
            if folder == inner or folder.is_relative_to(inner) or inner.is_relative_to(folder):
                raise FlywheelError(
                    f"mkdocs.yml: {key} would {'replace' if key == 'site_dir' else 'publish'} {name}; "
                    "give it a folder of its own, outside the content folders"
                )
        if key != "site_dir" and not any_site and (loop := _looping_link(folder)) is not None:  # the last resort walks neither
            raise FlywheelError(
                f"{shown_path(loop, project)} is a symbolic link to a folder above it (or one that makes more than "
                f"{WALKED_MAX:,} files to walk), which MkDocs would walk without end ({key}); remove it, or link "
                "to a folder beside it"
            )


WALKED_MAX = 20_000  # files and folders MkDocs may reach in docs_dir or the theme folder through links


def _looping_link(folder: Path) -> Path | None:
    """A link to a folder, under `folder` or under a folder a link there leads to, that leads to
    a folder holding it (`up -> ..`, `cwd -> /proc/self/cwd`), or None; walked as MkDocs walks
    (links followed), each folder's real path against those of the folders above it. MkDocs
    walks docs_dir and the theme folder following links: such a link is a folder inside itself,
    and two of them made a walk that doubles at each level, a build that never ends and a
    revocation that never deploys (stop 49's second red team; its third: one reached through an
    allowed link to a shared folder). Links that branch without a loop can still make a walk of
    billions of paths: past WALKED_MAX entries, the link that went past it is the answer."""
    count = 0  # entries reached through a link: a folder of many files of its own is no walk without end
    pending: list[tuple[Path, tuple[Path, ...], Path | None]] = [(Path(folder), (Path(os.path.realpath(folder)),), None)]
    while pending:
        here, above, link = pending.pop()
        try:
            entries = list(os.scandir(here))
        except OSError:
            continue
        if link is not None:
            count += len(entries)
            if count > WALKED_MAX:
                return link
        for entry in entries:
            try:
                if not entry.is_dir():  # follows a link, as MkDocs does
                    continue
                linked = entry.is_symlink()
            except OSError:
                continue
            path = Path(entry.path)
            real = Path(os.path.realpath(path))
            if any(outer.is_relative_to(real) for outer in above):  # `root -> /` too
                return path
            pending.append((path, (*above, real), link or (path if linked else None)))
    return None


def _link_into(site: Path, project: Path, docs_dir: Path | None) -> str | None:
    """A link among the project's sources (the content folders, practice.yml, mkdocs.yml,
    docs_dir and the theme folder) whose target is a file or folder inside `site` (resolved),
    as shown; None when there is none. The build replaced the site, the target with it: a guide
    kept in site/ behind `content/guides/x.md -> ../../../site/x.md` was deleted, the generator
    deleting what it did not create (rt8). A link that leads nowhere yet (site/ not built, as in
    CI's fresh checkout) deletes nothing, and stops nothing. One listing of those folders a
    build, links not followed: about 3 ms at 1,000 pieces."""
    folders = [project / name for name in CONTENT_FOLDERS]
    folders += [folder for folder in (docs_dir, _custom_dir_or_none(project)) if folder is not None]
    files = [project / "practice.yml", project / "mkdocs.yml"]
    pending = [str(folder) for folder in folders]
    seen: set[str] = set()
    while pending:
        folder = pending.pop()
        if folder in seen:
            continue
        seen.add(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                files.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False) and entry.name not in GENERATED_FOLDERS:
                pending.append(entry.path)
    for path in files:
        if not path.is_symlink():
            continue
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if target == site or target.is_relative_to(site):
            return shown_path(path, project)
    return None


def _custom_dir_or_none(project: Path) -> Path | None:
    try:
        return configured_folders(project).get("custom_dir")
    except FlywheelError:
        return None


def links_into_site(site: Path, project: Path) -> list[str]:
    """The folders and files Flywheel guards (`_guarded`), and the files of the content
    folders, that are links leading into `site`: what lies there through them is the
    practice's, so the last resort moves, never deletes."""
    site, project = real(site), real(project)
    found = sorted(name for name, inner in _guarded(project).items()
                   if (project / name).is_symlink() and inner.is_relative_to(site))
    # A content file kept in site/ behind a link (`_link_into`) is the practice's too (rt8).
    if site.is_dir() and (link := _link_into(site, project, None)) is not None:
        found.append(link)
    return found


# A version-control checkout kept inside the site (a gh-pages worktree): a build replaces the
# whole folder, so its history would go with it.
_CHECKOUTS = frozenset({".git", ".hg", ".svn", ".jj", ".bzr"})
_GENERATOR_MARK = b'<meta name="generator" content="mkdocs-'


def _unbuilt_site(site: Path, project: Path) -> str | None:
    """Why a build must not replace `site`, or None. A build replaces site_dir whole, and
    Flywheel deletes only what it made: `site` may be missing, empty, or a site an MkDocs build
    wrote (its 404.html or index.html says so, as every MkDocs theme's pages do), never a
    folder of someone's files that mkdocs.yml happens to name, nor one holding a checkout."""
    shown = shown_path(site, project)
    try:
        names = sorted(entry.name for entry in os.scandir(site))
    except (FileNotFoundError, NotADirectoryError):  # no folder yet; a file is refused above
        return None
    except OSError as exc:
        return f"mkdocs.yml: site_dir {shown}/ cannot be read ({exc.strerror}); a build replaces it whole"
    if not names:
        return None
    if checkouts := [name for name in names if name in _CHECKOUTS]:
        return (f"mkdocs.yml: site_dir {shown}/ holds {checkouts[0]}, a version-control checkout; a build "
                "replaces site_dir whole and would delete it: keep the checkout outside site_dir")
    for page in ("404.html", "index.html"):
        try:  # a page MkDocs wrote: a regular file, never a link (to /dev/stdin, say) or a pipe
            fd = os.open(site / page, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                if stat.S_ISREG(os.fstat(fd).st_mode) and _GENERATOR_MARK in handle.read(65536):
                    return None
        except OSError:
            continue
    if _committed(site, project):
        return None
    listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return (f"mkdocs.yml: site_dir {shown}/ holds files no MkDocs build made ({listed}); a build "
            "replaces site_dir whole, so Flywheel will not: point site_dir at a new folder, or "
            "move those files away yourself (a site an earlier build made whose pages lack MkDocs' "
            "generator tag, a theme that removes it: delete the folder and build again)")


def _committed(site: Path, project: Path) -> bool:
    """Whether git holds every file of `site`, inside the project, as committed and unchanged
    (nothing untracked, ignored or modified in it). A checkout brings such files back, so a
    build replacing them loses nothing; refusing them let a pull request that committed one
    file into `site/` stop every build, so that no deploy carried a revocation while it stood
    (red team rt5). Without git, or outside the repository, no."""
    if not site.is_relative_to(project):
        return False
    # The index's entries, each file then hashed here as git hashes a blob: `git status` would
    # run the clean filters a config names, so it honours git's ownership check, and in a
    # checkout another user owns (CI's container job running as root) it answered nothing, so
    # a committed file stopped every deploy there again (rt9). `ls-files` runs no program.
    listed = git_output(project, "ls-files", "-z", "-s", "--", str(site), any_owner=True)
    if not listed:
        return False
    entries = {}
    for entry in listed.split("\0"):
        info, _, path = entry.partition("\t")
        if path:
            mode, blob, _stage = info.split(" ")
            entries[(project / path).as_posix()] = (mode, blob)
    files = [site] if not site.is_dir() or site.is_symlink() else sorted(
        path for path in site.rglob("*") if path.is_symlink() or not path.is_dir())
    if len(files) != len(entries):
        return False
    for path in files:
        mode, blob = entries.get(path.as_posix(), ("", ""))
        if not blob:
            return False
        data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes() if path.is_file() else None
        if data is None or (mode == "120000") != path.is_symlink():
            return False
        digest = hashlib.sha256 if len(blob) == 64 else hashlib.sha1
        if digest(b"blob %d\0" % len(data) + data).hexdigest() != blob:
            return False
    return True


def shown_path(path: Path, project: Path) -> str:
    """`path` as a message shows it: relative to the project inside it, whole outside."""
    return os.path.relpath(path, project) if path.is_relative_to(project) else str(path)


def safe_join(base: Path, *parts: str) -> Path:
    """`base/parts...`, refusing any result outside `base` (as Werkzeug's safe_join does)."""
    base = real(base)
    joined = real(base.joinpath(*parts))
    if not joined.is_relative_to(base) or joined == base:
        raise FlywheelError(f"refusing a path outside {base}: {'/'.join(parts)}")
    return joined


def installed_program(name: str) -> str | None:
    """The program `name` from PATH's absolute folders only, or None. An empty or relative
    entry (`PATH=:/usr/bin`, a mistake some CI set-ups make) is the working folder, where a
    pull request can put a program of that name for Flywheel to run."""
    import shutil

    folders = [entry for entry in os.environ.get("PATH", os.defpath).split(os.pathsep) if os.path.isabs(entry)]
    return shutil.which(name, path=os.pathsep.join(folders))


def git_output(root: Path, *args: str, errors: str = "strict", any_owner: bool = False,
               timeout: float = 30) -> str | None:
    """What `git -C root args...` prints, or None when git is missing, fails, takes longer than
    `timeout` seconds or prints no UTF-8
    (with `errors="replace"`, bytes that are no UTF-8 are read as U+FFFD instead). With
    `any_owner`, a repository another user owns is read too (`safe.directory=*`): only for the
    commands that read history (`git log`, `git rev-parse`), which run no program a config names here.
    The repository's own config never gets to run a program here: no fsmonitor, no signature
    check (`log.showSignature` runs `gpg.program`), no pager; nor does a `git` in the project,
    reached by a relative PATH entry; nor do variables that point git at another repository.
    """
    import subprocess

    git = installed_program("git")
    if git is None:
        return None
    # A checkout another user owns (CI's container job running as root over the runner's
    # checkout) is refused by git as "dubious ownership", and its history read as none (rt9).
    owner = ["-c", "safe.directory=*"] if any_owner else []
    # A merge's diff under `-m` in the one format history.py reads (`log.diffMerges` may name a
    # combined one, whose hunks it cannot, rt14).
    command = [git, "-c", "core.fsmonitor=false", "-c", "log.showSignature=false", "-c", "log.diffMerges=separate",
               *owner, "--no-pager", "-C", str(root), *args]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=_git_environment())
        # Decoded as printed: a text stream's universal newlines read a lone carriage return as
        # a line's end, and a record written with them (an old Mac editor's) came out of its
        # diff's hunk line by line, its revocation outside any (rt14).
        return done.stdout.decode("utf-8", errors) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, UnicodeDecodeError):
        return None


# Variables that make git read another repository, other objects or other settings than the
# checkout at `root` (a CI step's leftover GIT_DIR read another project's history: no
# revocation in it, and an undone one published). GIT_INDEX_FILE stays: a pre-commit hook's
# `git commit -a` stages into its own index, which `git ls-files` must read.
# Nor variables that change what a pathspec or a diff means (rt14): GIT_LITERAL_PATHSPECS=1, which
# editors' git integrations set, read `:(glob,icase)consent/**/*.yml` as one file of that name
# (no history at all), and GIT_DIFF_OPTS outranks `--unified`, cutting the whole-file versions.
_GIT_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
                  "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_REPLACE_REF_BASE",
                  "GIT_GRAFT_FILE", "GIT_SHALLOW_FILE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
                  "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS",
                  "GIT_DIFF_OPTS")


def _git_environment() -> dict[str, str]:
    """This process's environment less `_GIT_REDIRECTS` and GIT_CONFIG_KEY_n/VALUE_n, with
    replacement objects off (`git replace` can show a commit as another) and no graft file:
    `.git/info/grafts`, which git still honours, can give a commit other parents or none, and a
    history so cut held no revocation and read as whole, not shallow (rt14)."""
    kept = {name: value for name, value in os.environ.items()
            if name not in _GIT_REDIRECTS and not name.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    kept["GIT_NO_REPLACE_OBJECTS"] = "1"
    kept["GIT_GRAFT_FILE"] = os.devnull
    return kept


def loopback(host: str) -> bool:
    """Whether `host` is this computer only: where a preview, which shows withheld stories and
    drafts, may listen (`flywheel serve --host`, and plain `mkdocs serve -a` under the plugin)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_host_header(value: str) -> bool:
    """Whether an HTTP `Host` header names this computer (`localhost`, a loopback address, a
    name under `.localhost`, which browsers never look up), with or without a port. A page
    from anywhere can point its own name at 127.0.0.1 (DNS rebinding) and read what a server
    there answers; the name it was loaded from is still in the Host header. No header at all
    is no browser's request, and passes."""
    if not value:
        return True
    host = value.rsplit(":", 1)[0] if value.count(":") == 1 or value.startswith("[") and "]:" in value else value
    return loopback_name(host)


def loopback_name(host: str) -> bool:
    """Whether a host name (no port) is this computer's: `localhost`, a loopback address, or a
    name under `.localhost`, which browsers never look up; a trailing dot and capitals aside."""
    host = host.rstrip(".").lower()
    return loopback(host) or host.endswith(".localhost")


def site_folders(root: Path) -> list[Path]:
    """Where a build may have left the site, in order: mkdocs.yml's `site_dir` (where it can be
    read), then MkDocs' default `site/`, which a build with Flywheel's defaults writes."""
    return list(dict.fromkeys([readable_folders(root)["site_dir"], default_folders(root)["site_dir"]]))
