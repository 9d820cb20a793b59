"""The export as another renderer makes it: each page rendered with the exported config.

`flywheel export` checks each page's Markdown, but Zensical or plain MkDocs renders that
Markdown with the exported `markdown_extensions`, and no plugin checks what comes out. An
extension can add text when the page is rendered: `pymdownx.critic` in `accept` mode removes
`{--o--}` from `rac{--o--}ing`, so a withheld title the source never spells appears; a
transclusion extension (`pymdownx.snippets`) copies in a file the source only names.

Two checks, each for what the other cannot see:

- every page is rendered here with the exported config's extensions, from the folder the
  renderer will run in, and the build's page checks run on the HTML. Whatever an extension
  does, known or not, a withheld story it shows now is found.
- `pymdownx.snippets` may read only the exported pages: what it reads is read again at every
  later render, so a file outside the export (the project's `content/`, a URL) could show a
  story revoked after the export. Its `base_path` must lie in `docs_dir` (the export gives it
  as the same folder under `docs/`), `restrict_base_path` stays on and `url_download` off.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .errors import FlywheelError, Problem, problem
from .leaks import Quoted, quoted_traces, story_traces, strip_unpublished_links
from .paths import extension_settings, guarded_link_in

_BUILTINS = ("toc", "tables", "fenced_code")  # MkDocs always adds these
_SNIPPETS = "pymdownx.snippets"
_HINT = ("an extension in markdown_extensions changes the text as the page is rendered "
         "(pymdownx.critic, a transclusion): remove the markup from the source, or the extension")


def confine_snippets(config: dict, root: Path, static: Path) -> None:
    """Point `pymdownx.snippets` at the exported pages (in place), or FlywheelError naming the
    option that lets it read anything else."""
    for name, options in extension_settings(config):
        if name.split(":")[0] != _SNIPPETS:
            continue
        if _flag(options, "url_download", False) is not False:
            _refuse("url_download: true downloads text from the web each time the export is rendered")
        if _flag(options, "restrict_base_path", True) is not True:
            _refuse("restrict_base_path: false lets a page include any file, outside base_path too")
        bases = options.get("base_path", ["."])
        exported = []
        for base in [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else [None]:
            folder = (root / base).resolve() if isinstance(base, str) else None
            if folder is None or not folder.is_relative_to(static.resolve()):
                _refuse(f"base_path {base!r} reaches outside docs_dir, and the renderer would read those "
                        "files again whenever the export is rendered")
            exported.append(Path("docs", folder.relative_to(static.resolve())).as_posix())
        options["base_path"] = exported
        _set_options(config, name, options)


def snippets_outside(config: dict, root: Path, docs_dir: Path) -> str | None:
    """Why `pymdownx.snippets` could include in a built page a file outside docs_dir, or None.
    Its `base_path` (default the working folder) is read from the working folder MkDocs runs
    in, so it must lie in docs_dir read from the project and from the working folder alike."""
    docs = docs_dir.resolve()
    for name, options in extension_settings(config):
        if name.split(":")[0] != _SNIPPETS:
            continue
        if _flag(options, "restrict_base_path", True) is not True:
            return "restrict_base_path: false lets a page include any file, outside base_path too"
        bases = options.get("base_path", ["."])
        for base in [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else [None]:
            folders = [(start / base).resolve() for start in (root, Path.cwd())] if isinstance(base, str) else []
            if not folders or not all(folder.is_relative_to(docs) for folder in folders):
                return f"base_path {base!r} reaches outside docs_dir"
            # restrict_base_path compares paths as written: a link in docs_dir leads past it (rt5)
            for folder in dict.fromkeys(folders):
                if found := guarded_link_in(folder, root):
                    return f"base_path {base!r} holds {found[0]}, a link {found[1]}"
    return None


def _flag(options: dict, key: str, default: bool) -> bool | None:
    """A yes-or-no option as Python-Markdown hands it to the extension (`parseBoolValue`: "no",
    "off", 0 and null turn `restrict_base_path` off as surely as `false`: the stop 47 red team's
    `restrict_base_path: "no"` included any file), or None where it cannot be read so."""
    from markdown.util import parseBoolValue

    if key not in options:
        return default
    try:
        return bool(parseBoolValue(options[key], preserve_none=True))
    except ValueError:
        return None


def _set_options(config: dict, name: str, options: dict) -> None:
    value = config["markdown_extensions"]
    if isinstance(value, dict):
        value[name] = options
        return
    for index, item in enumerate(value):
        if item == name or (isinstance(item, dict) and name in item):
            value[index] = {name: options}


def _refuse(why: str) -> None:
    raise FlywheelError(
        f"mkdocs.yml: pymdownx.snippets: {why}; the export is published by a renderer no check "
        "runs in. Keep the files it includes in docs_dir and give base_path as that folder"
    )


def rendered_problems(folder: Path, config: dict, pages: list, withheld: frozenset[str],
                      unpublished: frozenset[str], quoted: Quoted) -> list[Problem]:
    """What the build's page checks find in the exported pages as the exported config renders
    them, rendered from `folder` (where the renderer runs: paths an extension reads are
    relative to it)."""
    import markdown
    from mkdocs.utils.meta import get_data

    settings = extension_settings(config)
    names = list(dict.fromkeys([*_BUILTINS, *(name for name, _ in settings)]))
    with contextlib.chdir(folder):
        try:
            md = markdown.Markdown(extensions=names, extension_configs=dict(settings))
        except Exception as exc:  # noqa: BLE001 - any extension may raise anything while it loads
            raise FlywheelError(f"mkdocs.yml: the markdown_extensions do not load: {exc}") from None
        found = []
        for page in pages:
            md.reset()
            try:
                html = md.convert(get_data(page.markdown)[0])
            except Exception as exc:  # noqa: BLE001 - the renderer would stop here too; say which page
                raise FlywheelError(f"mkdocs.yml: the exported page {page.src_uri} cannot be rendered with "
                                    f"the markdown_extensions: {exc}") from None
            found += _page_problems(page, html, withheld, unpublished, quoted)
    return found


def _page_problems(page, html: str, withheld: frozenset[str], unpublished: frozenset[str],
                   quoted: Quoted) -> list[Problem]:
    where = page.source or page.src_uri
    _, linked = strip_unpublished_links(html, unpublished)
    found = [
        problem("export-shows-unpublished", where, f"the exported page {page.src_uri}, as the exported "
                f"mkdocs.yml renders it, links to or names '{slug}', which is not published", hint=_HINT)
        for slug in sorted(set(linked) | set(story_traces(html, withheld)))
    ]
    if quoted_traces(html, quoted):
        found.append(problem(
            "export-shows-unpublished", where, f"the exported page {page.src_uri}, as the exported "
            "mkdocs.yml renders it, quotes a withheld story (its title, summary, pull quote or twelve "
            "words in a row of its text)", hint=_HINT))
    return found
