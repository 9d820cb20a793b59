"""A process that builds more than once (the preview, tests) lists the installed theme's
files once and compiles each template once.

On every rebuild MkDocs asks the theme's Jinja environment for the names of all its files and
filters them, to find the static files it copies (`Files.add_files_from_theme`). Material's
folder holds about 14,500 files (its icons among them): walking and filtering them took 50 ms
of each preview refresh. Folders inside the installed packages (site-packages) do not change
while a process runs, so their filtered listing is kept for the process's life; every other theme
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
import jinja2.bccache
import jinja2.utils

_INSTALLED = tuple(
    os.path.realpath(path) + os.sep for path in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
)
_KEPT: dict[tuple, list[str]] = {}
_COMPILED: dict[tuple, bytes] = {}  # (compile settings, template key) -> bytecode
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


class _Compiled(jinja2.BytecodeCache):
    """One environment's view of `_COMPILED`: its templates' bytecode, under a key that also
    holds every setting of the environment that the compiled code depends on."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env  # read at each compile: plugins add filters after MkDocs made it

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = _COMPILED.get((_compile_settings(self.env), bucket.key))
        if code is not None:
            bucket.bytecode_from_string(code)  # Jinja drops it if the source's checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        _COMPILED[(_compile_settings(self.env), bucket.key)] = bucket.bytecode_to_string()


def _named(obj) -> tuple:
    return (getattr(obj, "__module__", None), getattr(obj, "__qualname__", type(obj).__qualname__))


def _compile_settings(env: jinja2.Environment) -> tuple:
    """Everything in `env` that Jinja's lexer, parser, optimiser and code generator read: the
    class (the sandbox compiles calls and operators through itself), delimiters and
    whitespace, extensions, finalize, autoescape, each filter's and test's name, function and
    what it is passed, and the policies. Two environments with the same settings compile a
    source to the same code."""
    passed = jinja2.utils._PassArg.from_obj
    text = tuple(
        getattr(env, name)
        for name in (
            "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
            "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
            "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
            "optimized", "is_async", "sandboxed",
        )
    )
    return (
        _named(env),
        text,
        tuple(sorted(env.extensions)),
        tuple(sorted(getattr(env, "intercepted_binops", ()))),
        tuple(sorted(getattr(env, "intercepted_unops", ()))),
        None if env.finalize is None else (_named(env.finalize), passed(env.finalize)),
        env.autoescape if isinstance(env.autoescape, bool) else _named(env.autoescape),
        # The function too: the optimiser calls a filter on constants as it compiles
        # (`{{ "a" | upper }}` is compiled as "A"), so two filters of one name compile differently.
        tuple(sorted((name, _named(func), passed(func)) for name, func in env.filters.items())),
        tuple(sorted((name, _named(func), passed(func)) for name, func in env.tests.items())),
        tuple(sorted((name, _named(value) if callable(value) else repr(value)) for name, value in env.policies.items())),
    )


def compiled_once(theme) -> None:
    """Make every Jinja environment `theme` hands out keep its compiled templates for the life
    of the process: MkDocs makes a new environment for each build (each preview refresh, each
    build a test runs in one process), and Material's search plugin one more of its own to read
    its translations; compiling Material's templates again took 0.27 s of a small site's build
    and 30-60 ms of a refresh at 1,000 pieces. Jinja compares each template's source checksum,
    so an edited template is compiled again; the key holds the template's name and file and
    the environment's compile settings, so a template compiled for one environment is never
    run in another that would compile it differently (a sandbox's from a plain one's)."""
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env = make_env()
        env.bytecode_cache = _Compiled(env)
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
