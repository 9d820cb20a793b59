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
from collections.abc import Callable, Collection

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


def _filtered(names: list[str], extensions: Collection[str] | None, filter_func: Callable[[str], bool] | None) -> list[str]:
    """`jinja2.Environment.list_templates`' own filtering, on `names`."""
    if extensions is not None:
        if filter_func is not None:
            raise TypeError("either extensions or filter_func can be passed, but not both")
        return [name for name in names if "." in name and name.rsplit(".", 1)[1] in extensions]
    if filter_func is not None:
        return [name for name in names if filter_func(name)]
    return names


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
                return _filtered(jinja2.FileSystemLoader(dirs).list_templates(), extensions, filter_func)
            key = (installed, filter_func.__code__, tuple(sorted(theme.static_templates)))
            kept = _KEPT.get(key)
            if kept is None:
                names = jinja2.FileSystemLoader(list(installed)).list_templates() if installed else []
                kept = _KEPT[key] = _filtered(names, extensions, filter_func)
            fresh = _filtered(jinja2.FileSystemLoader(others).list_templates(), extensions, filter_func) if others else []
            return sorted(set(kept).union(fresh))

        env.list_templates = list_templates
        return env

    theme.get_env = get_env
