"""mkdocs.yml runs no code from the repository.

Anyone with a pull request may edit mkdocs.yml, and three of its settings run Python:

- `hooks:` imports Python files from the repository as plugins. A hook's `on_post_page` runs
  after Flywheel's page checks and can put a withheld story on the site.
- MkDocs reads the file with PyYAML's full `yaml.Loader`: `!!python/object/apply:os.system`
  runs a command as the file is read, and `!!python/name:x.y` imports the module `x`.
- Python-Markdown imports each name in `markdown_extensions`, from the project folder when a
  module there has that name.

So every command that hands mkdocs.yml to MkDocs refuses such a file, and every file it
INHERITs, before MkDocs reads it, and `flywheel check` reports it (`config-runs-code`). Nothing
here runs what it checks: the YAML is composed into nodes, never constructed, and a module is
looked up with `find_spec` on its top-level name, which executes nothing.

What stays allowed is what Material's documentation writes: MkDocs' own `!ENV` and
`!relative` (in `markdown_extensions`), `!!python/name:` naming a function of an installed
package (`material.extensions.emoji.twemoji`, `pymdownx.superfences.fence_code_format`), and
`!!python/object/apply:pymdownx.slugs.slugify`, which only makes a slug function.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import sysconfig
from importlib.metadata import entry_points
from pathlib import Path

import yaml

from .cache import while_installed
from .errors import FlywheelError, Problem, problem
from .load import read_settings_text
from .paths import (
    INHERIT_FILES,
    INHERIT_TOO_LONG,
    _Tolerant,
    extension_settings,
    inherited,
    shown_path,
)

_PYTHON = "tag:yaml.org,2002:python/"
_NAME = _PYTHON + "name:"
# Calls that only make a value: Material's documentation configures toc's slugs with this one.
_HARMLESS_CALLS = frozenset({_PYTHON + "object/apply:pymdownx.slugs.slugify"})
_HINT_HOOK = "package the hook as an MkDocs plugin, install it, and list it under plugins:"


def config_code_problems(root: Path) -> list[Problem]:
    """Every setting of `root/mkdocs.yml`, and of each file it INHERITs, that would run code
    from the repository or a command when MkDocs reads it: a `config-runs-code` error each."""
    project = Path(root).resolve()
    found: list[Problem] = []
    seen: set[Path] = set()
    config_file = project / "mkdocs.yml"
    where, tree = "mkdocs.yml", None
    while config_file.is_file() and config_file.resolve() not in seen:
        if len(seen) == INHERIT_FILES:  # MkDocs would read on, unchecked
            found.append(problem("config-runs-code", where, INHERIT_TOO_LONG, line=_line_of(tree, "INHERIT"),
                                 hint="merge some of the settings files"))
            break
        seen.add(config_file.resolve())
        inheriting, where, line = where, shown_path(config_file.resolve(), project), _line_of(tree, "INHERIT")
        try:
            text = read_settings_text(config_file)
            tree = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.load(text, Loader=_Tolerant) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
            if len(seen) > 1:  # mkdocs.yml itself: paths.py and MkDocs report it
                # MkDocs reads a file Flywheel cannot (UTF-16 with its byte order mark, stop 50's
                # red team I): unchecked, its `!!python` tags and `hooks:` ran.
                found.append(problem("config-runs-code", inheriting, f"INHERIT: {where} cannot be read as UTF-8 "
                                     f"YAML ({type(exc).__name__}), so Flywheel cannot check it for code, and "
                                     "MkDocs would read it", line=line, hint="save it as UTF-8 YAML"))
            break
        if tree is None:
            break
        if not isinstance(data, dict):
            # A file that is a list or a value, not settings: MkDocs still reads it with the full
            # loader before it says so, and `flywheel serve` ran its `!!python` tag (stop 50's red
            # team J: `INHERIT: seq.yml` holding `- !!python/object/apply:os.system [...]`).
            found += _tag_problems(tree, where, project)
            break
        here = (_tag_problems(tree, where, project) + _setting_problems(tree, data, where, project)
                + _path_problems(tree, data, where))
        found += sorted(here, key=lambda p: p.line or 0)
        parent = data.get("INHERIT")
        if not isinstance(parent, str):
            break
        config_file = inherited(config_file, parent)
        if why := _inherit_refused(config_file, project):
            found.append(problem("config-reads-content", where, f"INHERIT: {parent} {why}: MkDocs would merge its "
                                 "values into the settings every template can read", line=_line_of(tree, "INHERIT"),
                                 hint="keep shared settings in a file of their own, in the project and outside "
                                      "its content folders"))
            break
    return found


def _inherit_refused(parent: Path, project: Path) -> str | None:
    """Why the file an INHERIT names may not be read as settings, or None: one of a content
    folder or a folder Flywheel writes (stop 47's red team: `INHERIT: consent/C-2026-017.yml` put
    a revoked story's record in `config`, and a template printed its e-sign reference and
    fingerprint reversed, past the page checks), or one outside the project."""
    from .paths import _guarded

    real = Path(os.path.realpath(parent))
    for name, folder in _guarded(project).items():  # mkdocs.yml itself is an INHERIT loop, said elsewhere
        if name != "mkdocs.yml" and (real == folder or real.is_relative_to(folder)):
            return f"is in {name}"
    return None if real.is_relative_to(project) else "is outside the project"


def refuse_config_code(root: Path) -> None:
    """FlywheelError listing every `config-runs-code` problem; call it before MkDocs reads
    mkdocs.yml, because reading it is what runs the code."""
    if found := config_code_problems(root):
        raise FlywheelError(found)


def _nodes(tree: yaml.Node):
    """Every node of the tree once, keys included (an alias is the node it names)."""
    stack, seen = [(tree, ())], set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, path
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                stack += [(value, (*path, name)), (key, path)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, path) for item in reversed(node.value)]


def _tag_problems(tree: yaml.Node, where: str, project: Path) -> list[Problem]:
    found = []
    for node, path in _nodes(tree):
        tag, line = node.tag, node.start_mark.line + 1
        if tag == "!ENV" or tag in _HARMLESS_CALLS:
            continue
        if tag == "!relative":
            if path[:1] != ("markdown_extensions",):
                found.append(_problem(
                    where, line, "`!relative` outside markdown_extensions names a folder the checks of "
                    "where the site is published cannot follow",
                    "write the folder as a path relative to mkdocs.yml"))
            continue
        if tag.startswith(_NAME):
            if why := _name_refused(tag.removeprefix(_NAME), project):
                found.append(_problem(where, line, why, "name a function of an installed package "
                                      "(`!!python/name:material.extensions.emoji.twemoji`)"))
            continue
        if tag.startswith(_PYTHON):
            found.append(_problem(
                where, line, f"the tag `!!python/{tag.removeprefix(_PYTHON)}` runs Python when MkDocs "
                "reads mkdocs.yml, and Flywheel never runs code from the repository",
                "write the value itself; only `!ENV`, `!relative` and `!!python/name:` are allowed"))
        elif tag.startswith("!") or not tag.startswith("tag:yaml.org,2002:"):
            found.append(_problem(
                where, line, f"the tag `{tag}` is not one of MkDocs' own; an unknown tag may run code "
                "when MkDocs reads mkdocs.yml", "remove the tag; only `!ENV`, `!relative` and "
                "`!!python/name:` are allowed"))
    return found


def _setting_problems(tree: yaml.Node, data: dict, where: str, project: Path) -> list[Problem]:
    """`hooks:`, and Markdown extensions Python-Markdown would import from the project."""
    found = []
    if "hooks" in data:
        found.append(_problem(
            where, _line_of(tree, "hooks"), "hooks: runs Python files from the repository during "
            "the build (after the page checks), and Flywheel never runs code from the repository",
            _HINT_HOOK))
    names = set(_plugin_names(data))
    for refused, why, hint in _REFUSED_PLUGINS:
        if names & refused:
            found.append(_problem(where, _line_of(tree, "plugins"), why, hint))
    if lists_info_plugin(data):
        found.append(_problem(
            where, _line_of(tree, "plugins"), "the info plugin packs the whole project, consent records "
            "and withheld stories included, into a zip to attach to a public bug report, and ends the "
            "build before anything is written (after asking GitHub for Material's latest release), so "
            "no withdrawal deploys while it is listed",
            "remove the info plugin; make a bug report from a copy of the project with fictional content"))
    for name, _ in extension_settings(data):
        if why := _extension_refused(name, project):
            found.append(_problem(where, _line_of(tree, "markdown_extensions"), why,
                                  "install the extension as a package, or remove it"))
    return found


def _extension_refused(name: str, project: Path) -> str | None:
    """Why Python-Markdown may not load the extension `name`, or None. A name no installed package
    registers is imported as a module, and `module:name` calls that name of it with the options:
    `"cProfile:run": {statement: ...}` ran any Python, `"os:replace"` moved a file into consent/
    and `"os:rename"` installed a git hook, and `this` ran a module by importing it, each while
    MkDocs read mkdocs.yml (stop 50's red team K). So the module must be installed and not of
    the standard library, and what `module:name` names must be an extension's class."""
    if name in _installed_extensions():
        return None
    module, _, attribute = name.partition(":")
    if _in_standard_library(module):
        return (f"the Markdown extension '{name}' names a module of Python's standard library, which "
                "Python-Markdown would import and call with the extension's options")
    if (found := _from_project(name, project)) is not None:
        return (f"the Markdown extension '{name}' would be imported from {shown_path(found, project)}, in the "
                "repository, and Flywheel never runs code from the repository")
    if attribute:
        import markdown

        try:
            named = getattr(importlib.import_module(module), attribute)
        except Exception:  # noqa: BLE001 - MkDocs says what it cannot load
            return None
        if not (isinstance(named, type) and issubclass(named, markdown.Extension)):
            return (f"the Markdown extension '{name}' names {attribute}, which is no Markdown extension's class: "
                    "Python-Markdown would call it with the extension's options")
    return None


# Where `!!python/name:` may name a function: the helpers Markdown extensions document for it
# (Material's emoji, pymdownx's fences, slugs and arithmatex, Python-Markdown's toc slugify).
NAMED_FROM = ("pymdownx.", "material.extensions.", "markdown.extensions.")
# Material's projects plugin (red team rt4): each sub-project's mkdocs.yml is read and built by
# MkDocs as it stands, into a folder of site/.
_BUILDS_PROJECTS = frozenset({"projects", "material/projects"})
# Material's privacy plugin (stop 47's red team): it rewrites pages, templates and assets in its own
# `on_post_page`, `on_post_template` and `on_post_build`, after Flywheel's checks.
_REWRITES_PAGES = frozenset({"privacy", "material/privacy"})
# Material's blog plugin (stop 50's red teams I and J): in its own `on_files` it saves generated
# pages' sources at paths made from its date formats, `.authors.yml` and posts' front matter,
# before Flywheel's check of where files are written can run.
_WRITES_FROM_CONTENT = frozenset({"blog", "material/blog"})
# Material's info plugin: a bug report's zip of everything under the working folder.
_PACKS_THE_PROJECT = frozenset({"info", "material/info"})
# Each refused plugin: why, and what to do instead.
_REFUSED_PLUGINS = (
    (_BUILDS_PROJECTS, "the projects plugin builds every projects/*/mkdocs.yml into the site as a site of its own: "
     "their hooks and tags run, unchecked, and their pages never pass the consent gate (a docs_dir of "
     "content/stories publishes every story)", "remove the projects plugin; build other sites separately"),
    (_REWRITES_PAGES, "the privacy plugin rewrites pages and files after Flywheel has checked them, from settings in "
     "mkdocs.yml (`links_attr_map`, `assets_fetch_dir`) and files in its cache folder, which a pull request can "
     "commit: a withheld story's title, address or e-sign reference was published with a passing build",
     "remove the privacy plugin: Flywheel's own third-party check and Content-Security-Policy keep pages from "
     "loading anything from a host practice.yml does not list"),
    (_WRITES_FROM_CONTENT, "the blog plugin builds pages at addresses made from its settings, `.authors.yml` and each "
     "post's front matter, as written, and saves their sources as it goes: a post's `slug:`, an author's `slug:` or "
     "a date format with '..' wrote pages into consent/ and over a story's file, before any check could stop it",
     "remove the blog plugin: publish news as guides, which pass the checks"),
)


def lists_info_plugin(settings: dict) -> bool:
    """Whether mkdocs.yml's settings list Material's info plugin (in a group plugin too)."""
    return any(name in _PACKS_THE_PROJECT for name in _plugin_names(settings))


def _plugin_settings(settings: dict) -> list[tuple[str, dict]]:
    """(name, options) of every plugin mkdocs.yml's `plugins:` lists, and of those the group
    plugin lists, each named as MkDocs loads it (`loaded_name`)."""
    theme = settings.get("theme")
    theme = theme.get("name") if isinstance(theme, dict) else theme
    return _listed_plugins(settings.get("plugins"), theme if isinstance(theme, str) else None)


def _listed_plugins(plugins: object, theme: str | None) -> list[tuple[str, dict]]:
    items = plugins.items() if isinstance(plugins, dict) else [
        next(iter(item.items())) if isinstance(item, dict) and item else (item, None)
        for item in (plugins if isinstance(plugins, list) else [])
    ]
    found = []
    for name, options in items:
        if isinstance(name, str):
            found.append((loaded_name(name, theme), options if isinstance(options, dict) else {}))
        if isinstance(options, dict):
            found += _listed_plugins(options.get("plugins"), theme)
    return found


def loaded_name(name: str, theme: str | None) -> str:
    """The plugin MkDocs loads for `name` under `plugins:` (`Plugins.load_plugin_with_namespace`,
    as Material's group plugin does too): a leading `/` is dropped ("skip the theme's
    namespace"), and a bare name is the theme's plugin of that name when the theme has one.
    Compared as written, `/material/projects` passed every refusal below while MkDocs loaded
    Material's projects plugin, which ran a `!!python` tag of a nested mkdocs.yml (stop 50's red
    team); `/material/tags` and `/material/blog` wrote into consent/ and over .git/config."""
    if "/" in name:
        return name.removeprefix("/")
    if theme and f"{theme}/{name}" in _installed_plugins():
        return f"{theme}/{name}"
    return name


def _installed_plugins() -> frozenset[str]:
    """Plugin names installed packages register (MkDocs' `mkdocs.plugins` entry points), kept
    as `_installed_extensions` is."""
    return while_installed("mkdocs plugins", lambda: frozenset(point.name for point in entry_points(group="mkdocs.plugins")))


# Material's plugins' settings that name where they write (or read) a file, joined to site_dir or
# docs_dir as written: `export_file: /home/ci/.cache/flywheel/key` wrote over any file the build
# may write, and `blog_dir: ../../consent` wrote the blog's index page into consent/ (stop 47).
_PATH_SETTINGS = {
    "tags": ("export_file",),
    "blog": ("blog_dir", "post_dir", "authors_file", "post_url_format", "archive_url_format",
             "categories_url_format", "authors_profiles_url_format", "pagination_url_format"),
}


def _path_problems(tree: yaml.Node, data: dict, where: str) -> list[Problem]:
    """A problem for each such setting that leads out of the folder it is joined to."""
    found = []
    for name, options in _plugin_settings(data):
        for key in _PATH_SETTINGS.get(name.removeprefix("material/"), ()):
            value = options.get(key)
            if isinstance(value, str) and (value.startswith(("/", "\\")) or ":" in value.split("/")[0]
                                           or ".." in value.replace("\\", "/").split("/")):
                found.append(problem(
                    "config-path-outside", where, f"the {name} plugin's {key}: {value} leads out of the site's "
                    "folders, and the plugin would write (or read) a file there", line=_line_of(tree, "plugins"),
                    hint=f"write {key} as a path inside the site, without '..'"))
    return found


def _plugin_names(settings: dict) -> list[str]:
    """Every plugin mkdocs.yml's `plugins:` lists (a list of names or one-key mappings, or a
    mapping), and those Material's group plugin lists under its own `plugins:`, named as MkDocs
    loads them."""
    return [name for name, _ in _plugin_settings(settings)]


def _in_standard_library(name: str) -> bool:
    """Whether the dotted name `name` is of a module of Python's standard library."""
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in sys.builtin_module_names


def _name_refused(name: str, project: Path) -> str | None:
    """Why `!!python/name:<name>` may not be read, or None. Reading it imports the module; an
    extension then calls the function, with a page's text (a fence's `format`, toc's
    `slugify`). Python's standard library holds the functions that run programs and code
    (`os.system`, `subprocess.run`, `builtins.exec`), and no Markdown setting needs them."""
    if _in_standard_library(name):
        return (f"`!!python/name:{name}` names a function of Python's standard library, which an "
                "extension would call with the page's text; the standard library's run programs")
    if (module := _from_project(name, project)) is not None:
        return (f"`!!python/name:{name}` imports {shown_path(module, project)}, in the repository, "
                "and Flywheel never runs code from the repository")
    # Any installed function an extension calls with a page's text may do what its name says:
    # shutil's `rmtree`, as `material.plugins.blog.plugin` imports it, deleted the folder a
    # heading named (stop 47's red team), and Flywheel's own functions delete files too. Only a
    # Markdown extension's own helpers are named, where they are defined.
    where, _, attribute = name.rpartition(".")
    if any(part.startswith("_") for part in name.split(".")):
        # A module's private helpers are no extension's documented setting, and one reads a file
        # (`material.extensions.emoji._load`, stop 48).
        return (f"`!!python/name:{name}` names a private part of a module; name a function the "
                "extension documents")
    if not where.startswith(NAMED_FROM):
        return (f"`!!python/name:{name}` names a function outside the Markdown extensions' own modules "
                f"({', '.join(p.rstrip('.') for p in NAMED_FROM)}), which an extension would call with the page's text")
    try:
        defined = getattr(getattr(importlib.import_module(where), attribute), "__module__", None) or ""
    except Exception:  # noqa: BLE001 - whatever importing an installed module raises: MkDocs would too
        return f"`!!python/name:{name}` names nothing this machine has installed"
    if not defined.startswith(NAMED_FROM):
        return (f"`!!python/name:{name}` is {defined or 'a value'}'s, imported into {where}: name the function "
                "where a Markdown extension defines it")
    return None


def _from_project(name: str, project: Path) -> Path | None:
    """Where the module `name` (`a.b` or `a.b:Class`) would be imported from, when that is in
    the project folder, else None. Only the top-level name is looked up: `find_spec` runs no
    code for it. Installed packages (a virtual environment kept in the project) and Flywheel's
    own running package (this repository is also the sample project) are not the project's."""
    top = name.split(":")[0].split(".")[0]
    if not top.isidentifier():
        return None
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    own = sys.modules[__package__].__spec__
    if top == __package__ and own is not None and spec.origin == own.origin:
        return None
    places = [spec.origin] if spec.origin and spec.has_location else []
    for place in [*places, *(spec.submodule_search_locations or [])]:
        path = Path(place).resolve()
        if path.is_relative_to(project) and not _installed(path):
            return path
    return None


def _installed(path: Path) -> bool:
    """Whether `path` lies in this Python's library or installed-package folders."""
    folders = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    return any(path.is_relative_to(Path(folder).resolve()) for folder in folders)


def _installed_extensions() -> frozenset[str]:
    """Extension names installed packages register; Python-Markdown loads those first. Kept
    while every folder of the import path has the same modification time (installing or
    removing a package changes its folder's): the preview asks twice a save, 10 ms each."""
    return while_installed("markdown extensions",
                           lambda: frozenset(point.name for point in entry_points(group="markdown.extensions")))


def _line_of(tree: yaml.Node, key: str) -> int | None:
    if isinstance(tree, yaml.MappingNode):
        for name, _ in tree.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                return name.start_mark.line + 1
    return None


def _problem(where: str, line: int | None, message: str, hint: str) -> Problem:
    return problem("config-runs-code", where, message, line=line, hint=hint)
