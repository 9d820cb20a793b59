"""Preview: list the installed theme's files once per server, not on every save.

On every rebuild MkDocs asks the theme's Jinja environment for the names of all its files and
filters them, to find the static files it copies (`Files.add_files_from_theme`). Material's
folder holds about 14,500 files (its icons among them): walking and filtering them took 50 ms
of each preview refresh. Folders inside the installed packages (site-packages) do not change
while a server runs, so their filtered listing is kept for the server's life; every other theme
folder (the practice's own `custom_dir`, Flywheel's theme in an editable install) is listed
again on every rebuild, so a file added there while the preview runs is picked up as before.

The answer is the one Jinja gives: the sorted names of every folder, filtered by the same
function. A kept listing is reused only for the same folders, the same filter code and the
same static templates (the one setting MkDocs' filter reads besides the file names), and only
for MkDocs' own question; any other caller gets Jinja's answer, worked out afresh.
"""

from __future__ import annotations

import os
import sysconfig

import jinja2

_INSTALLED = tuple(
    os.path.realpath(path) + os.sep for path in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
)
_KEPT: dict[tuple, list[str]] = {}
# The one caller whose answers are kept: MkDocs' search for the theme's static files. Its filter
# reads the name, the static templates and MkDocs' list of Markdown extensions, nothing else.
MKDOCS_FILTER = "Files.add_files_from_theme.<locals>.filter"


def _installed(folder: str) -> bool:
    return (os.path.realpath(folder) + os.sep).startswith(_INSTALLED)


def _listed(folders: list[str], extensions=None, filter_func=None) -> list[str]:
    """What Jinja itself answers for `folders`: its environment's own listing and filtering."""
    if not folders:
        return []
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders)).list_templates(extensions, filter_func)


def compiled_once(theme, bytecode: jinja2.BytecodeCache) -> None:
    """Make every Jinja environment `theme` hands out keep its compiled templates in
    `bytecode` (the preview's, for the life of the server): MkDocs makes a new environment for
    each rebuild, and Material's search plugin one more of its own to read its translations
    (30-60 ms a save at 1,000 pieces, compiling them again). Jinja compares each template's
    source checksum, so an edited template is compiled again."""
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = bytecode
        return env

    theme.get_env = get_env


def list_installed_once(theme) -> None:
    """Make the Jinja environments `theme` hands out (MkDocs asks for one per build) keep the
    filtered listing of the theme's installed folders."""
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        dirs = list(theme.dirs)
        installed = tuple(d for d in dirs if _installed(d))
        others = [d for d in dirs if not _installed(d)]

        def list_templates(extensions=None, filter_func=None) -> list[str]:
            if getattr(filter_func, "__qualname__", None) != MKDOCS_FILTER or extensions is not None:
                return _listed(dirs, extensions, filter_func)
            key = (installed, filter_func.__code__, tuple(sorted(theme.static_templates)))
            kept = _KEPT.get(key)
            if kept is None:
                kept = _KEPT[key] = _listed(list(installed), filter_func=filter_func)
            return sorted(set(kept).union(_listed(others, filter_func=filter_func)))

        env.list_templates = list_templates
        return env

    theme.get_env = get_env
