"""What a pull request's mkdocs.yml may not do: run code, or publish the content folders.

MkDocs imports `hooks:` from the repository, reads the file with PyYAML's full loader (which
runs `!!python/object/apply:` tags) and imports Markdown extensions by name. Each attack below
writes a marker file when its code runs: the marker's absence proves nothing ran. The red
team's scripts (rt1 attack 1 and attack 4) are the first cases of each test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, copy_sample, free_port

from generator.cli import main
from generator.config_code import config_code_problems
from generator.mkdocs_plugin import _guarded_rebuild

AS_OF = "2026-11-22"
MARKER = "ran.txt"
HOOK = """\
import pathlib
pathlib.Path(__file__).resolve().parent.parent.joinpath("ran.txt").write_text("imported")
def on_post_page(output, page, config, **kwargs):  # after Flywheel's page checks
    return output.replace("</body>", "A racing heart, and a steady plan</body>")
"""
EVIL_MODULE = 'import pathlib\npathlib.Path(__file__).resolve().parent.joinpath("ran.txt").write_text("imported")\n'


def _env() -> dict[str, str]:
    """This checkout's Flywheel first on the path, whichever one is installed."""
    return {**os.environ, "FLYWHEEL_AS_OF": AS_OF, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ["PYTHONPATH"]])}


def _touch(root: Path) -> str:
    return f'["touch {root / MARKER}"]'


def _build(root: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", "--root", str(root), "--as-of", AS_OF])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _build_by(command: str, root: Path, capsys) -> tuple[int, str]:
    """`flywheel build` in this process, or plain `mkdocs build` in a child: the exit status and
    everything printed."""
    if command == "flywheel build":
        return _build(root, capsys)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=root, env=_env(), capture_output=True,
                          text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def _append(root: Path, text: str, name: str = "mkdocs.yml") -> None:
    config = root / name
    config.write_text(config.read_text() + "\n" + text + "\n")


def _assert_refused(root: Path, capsys, line_text: str | None = None) -> str:
    code, output = _build(root, capsys)
    assert code == 1 and "[config-runs-code]" in output, output
    assert not (root / MARKER).exists(), "the code ran"
    _only_flywheels_defaults(root, output)
    if line_text is not None:  # the error names the line that holds the setting
        lines = (root / "mkdocs.yml").read_text().splitlines()
        line = next(n for n, text in enumerate(lines, start=1) if line_text in text)
        assert f"mkdocs.yml:{line}: error:" in output, output
    return output


def _only_flywheels_defaults(root: Path, output: str) -> None:
    """A refused mkdocs.yml builds nothing of its own. In a fresh checkout the site is still
    written, with Flywheel's default settings (a deploy must carry every withdrawal), which
    read nothing the refused settings name: no theme folder, docs_dir, extension or hook."""
    assert "Flywheel's default settings" in output, output
    assert (root / "site/index.html").is_file()
    assert not [p for p in (root / "site").rglob("*") if p.suffix in (".yml", ".yaml", ".py")]
    assert not [p for p in (root / "site").rglob("*.html") if "e-sign" in p.read_text(errors="replace")]


def test_a_hook_from_the_repository_never_runs(sample, capsys):
    (sample / "hooks").mkdir()
    (sample / "hooks/seo.py").write_text(HOOK)
    _append(sample, "hooks:\n  - hooks/seo.py")
    output = _assert_refused(sample, capsys, "hooks:")
    assert "package the hook as an MkDocs plugin" in output
    # MkDocs' own command reads the file before any plugin: the hook's module has run by
    # then, but the plugin stops the build before its page events do.
    shutil.rmtree(sample / "site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sample, capture_output=True,
                          text=True, check=False, env=_env())
    assert done.returncode == 1 and "hooks: runs Python files from the repository" in done.stderr
    assert not (sample / "site/index.html").exists()


@pytest.mark.parametrize("tagged", [
    "extra:\n  analytics: !!python/object/apply:os.system {touch}",  # rt1 attack 1
    "extra:\n  a: !!python/object/apply:subprocess.check_call [{touch_list}]",
    "extra:\n  a: !!python/object/new:subprocess.Popen [{touch_list}]",
    "extra: {{a: [1, !!python/object/apply:os.system {touch}]}}",  # flow style, nested
    "extra:\n  ? !!python/object/apply:os.system {touch}\n  : key",  # a key
    "extra:\n  a: !<tag:yaml.org,2002:python/object/apply:os.system> {touch}",  # verbatim
    "extra:\n  a: &x !!python/object/apply:os.system {touch}\n  b: *x",
], ids=["apply", "check_call", "new", "flow", "key", "verbatim", "anchor"])
def test_a_python_tag_in_mkdocs_yml_never_runs(sample, capsys, tagged):
    touch = _touch(sample)
    _append(sample, tagged.format(touch=touch, touch_list=f'["touch", "{sample / MARKER}"]'))
    _assert_refused(sample, capsys)


def test_a_tag_directive_cannot_spell_a_python_tag(sample, capsys):
    config = sample / "mkdocs.yml"
    config.write_text(f"%TAG !p! tag:yaml.org,2002:python/\n---\n{config.read_text()}\n"
                      f"extra:\n  a: !p!object/apply:os.system {_touch(sample)}\n")
    _assert_refused(sample, capsys, "!p!object")


def test_a_module_in_the_project_is_never_imported(sample, capsys, monkeypatch):
    """`!!python/name:` and a Markdown extension's name import a module; the project's own
    folder is on Python's path when Flywheel runs as `python -m` from it."""
    (sample / "seo.py").write_text(EVIL_MODULE)
    (sample / "seopkg").mkdir()
    (sample / "seopkg/__init__.py").write_text(EVIL_MODULE)
    monkeypatch.syspath_prepend(str(sample))
    config = sample / "mkdocs.yml"
    original = config.read_text()
    for setting in ("extra:\n  slug: !!python/name:seo.slugify", "markdown_extensions:\n  - seopkg.ext",
                    "markdown_extensions:\n  - seo:\n      option: 1", "extra:\n  m: !!python/module:seo"):
        config.write_text(original.replace("markdown_extensions:\n", "markdown_extensions_x:\n") + setting + "\n")
        shutil.rmtree(sample / "site", ignore_errors=True)  # each a fresh checkout
        output = _assert_refused(sample, capsys)
        assert "seo" in output
        for module in ("seo", "seopkg"):
            sys.modules.pop(module, None)


def test_a_name_from_the_standard_library_is_refused(sample, capsys):
    """A name is only looked up, but an extension calls it with the page's text."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - admonition\n", "  - admonition\n  - toc:\n      slugify: !!python/name:os.system\n"))
    output = _assert_refused(sample, capsys, "os.system")
    assert "standard library" in output


@pytest.mark.parametrize("name", [
    "material.plugins.blog.plugin.rmtree",  # shutil's, imported by an installed package (stop 47)
    "jinja2.loaders.import_module",  # importlib's
    "generator.withdraw.scrub",  # Flywheel's own, which deletes files
    "mkdocs.utils.write_file",
    "material.extensions.emoji._load",  # private, and reads the file it is given (stop 48)
    "pymdownx._bypassnorm.makeExtension",  # a private module
])
def test_a_name_is_refused_unless_it_is_a_markdown_extensions_own_function(sample, capsys, name):
    """Stop 47's red team: the standard library was refused by the name's first part only, so
    `!!python/name:material.plugins.blog.plugin.rmtree` (shutil's `rmtree`, as the blog plugin
    imports it) passed, and toc called it with a heading's text: the build deleted the folder so
    named. A name must be a function of a Markdown extension's own modules (pymdownx,
    `material.extensions`, `markdown.extensions`), defined there."""
    (sample / "victim").mkdir()
    (sample / "victim/keep.txt").write_text("kept")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - admonition\n", f"  - admonition\n  - toc:\n      slugify: !!python/name:{name}\n"))
    _assert_refused(sample, capsys, name)
    assert (sample / "victim/keep.txt").is_file()


def test_an_unknown_tag_is_refused(sample, capsys):
    _append(sample, "extra:\n  a: !custom value")
    _assert_refused(sample, capsys, "!custom")


@pytest.mark.parametrize("plugin", [
    "  - material/projects",
    "  - projects:\n      concurrency: 1",
    "  - material/group:\n      enabled: true\n      plugins:\n        - material/projects",
    # MkDocs drops a leading `/` ("skip the theme's namespace") and loads the same plugin: named
    # so, it passed every refusal, and a nested mkdocs.yml's `!!python` tag ran (stop 50's red team).
    "  - /material/projects",
    "  - /material/group:\n      enabled: true\n      plugins:\n        - /material/projects",
])
def test_the_projects_plugin_is_refused(sample, capsys, monkeypatch, plugin):
    """Red team rt4: Material's projects plugin builds every projects/*/mkdocs.yml into a folder
    of site/ as MkDocs reads it: a sub-project's hook ran under `flywheel build`, and one whose
    docs_dir was content/stories published every story, withheld ones included, under
    `mkdocs build`. Listed through the group plugin too."""
    (sample / "projects/archive/docs").mkdir(parents=True)
    (sample / "projects/archive/docs/index.md").write_text("# Archive\n")
    (sample / "projects/archive/seo.py").write_text(EVIL_MODULE)
    (sample / "projects/archive/mkdocs.yml").write_text(
        "site_name: Archive\ndocs_dir: docs\nhooks: [seo.py]\ntheme: {name: material, font: false}\n")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", f"plugins:\n{plugin}\n", 1))
    monkeypatch.chdir(sample)  # the plugin finds its projects from the working folder
    _assert_refused(sample, capsys, "plugins:")
    assert not (sample / "projects/archive" / MARKER).exists()


@pytest.mark.parametrize("plugin", [
    "  - privacy:\n      links: false\n      assets_exclude: ['unpkg.com/*']",
    "  - material/privacy:\n      assets: false\n      links_attr_map:\n        data-ref: esign/8120",
    "  - material/group:\n      enabled: true\n      plugins:\n        - privacy:\n            links: false",
    "  - /material/privacy:\n      assets: false\n      links_attr_map:\n        data-ref: esign/8120",
])
def test_the_privacy_plugin_is_refused(sample, capsys, plugin):
    """Stop 47's red team: Material's privacy plugin rewrites pages and files after Flywheel has
    checked them. With `links_attr_map` it stamped a withheld story's title, address and e-sign
    reference into every link of the 404 page; with a stylesheet it "downloaded" from its cache
    folder (committed with the pull request) written over a page's own, it published them in a
    stylesheet every page loads; each with a passing build and no warning."""
    (sample / ".cache/plugin/privacy/assets/external/cdn.example.net").mkdir(parents=True)
    (sample / ".cache/plugin/privacy/assets/external/cdn.example.net/x.css").write_text(
        "/* A racing heart, and a steady plan. Consent form esign/8120. See stories/a-racing-heart/ */ body{}\n")
    _append(sample, "extra_css: [https://cdn.example.net/x.css]")
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("      campaign_params: true", "      campaign_params: true\n" + plugin, 1))
    _assert_refused(sample, capsys, "plugins:")
    assert not [path for path in (sample / "site").rglob("*") if path.is_file() and "esign/8120" in path.read_text(
        errors="replace")]


@pytest.mark.parametrize("parent", ["consent/C-2026-017.yml", "content/champions.yml", "../outside.yml",
                                    ".flywheel-cache/base.yml"])
def test_settings_never_inherit_a_content_file(sample, capsys, parent):
    """Stop 47's red team: `INHERIT: consent/C-2026-017.yml` merged a revoked story's consent
    record into `config`, and the theme's footer printed `config.form_ref` and the approved
    fingerprint reversed on every page, past the page checks, with a passing build. The file an
    INHERIT names must be the project's own settings: no content folder, no folder Flywheel
    writes, nothing outside the project."""
    (sample.parent / "outside.yml").write_text("extra:\n  note: shared\n")
    (sample / ".flywheel-cache").mkdir(exist_ok=True)
    (sample / ".flywheel-cache/base.yml").write_text("extra:\n  note: shared\n")
    config = sample / "mkdocs.yml"
    config.write_text(f"INHERIT: {parent}\n" + config.read_text().replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (sample / "overrides").mkdir()
    (sample / "overrides/main.html").write_text(
        '{% extends "base.html" %}{% block footer %}{{ super() }}<p>{{ config.form_ref|reverse|join }}</p>{% endblock %}')
    code, output = _build(sample, capsys)
    assert code == 1 and "[config-reads-content]" in output and "mkdocs.yml:1: error: INHERIT" in output, output
    assert not [path for path in (sample / "site").rglob("*.html") if "0218/ngise" in path.read_text()]


@pytest.mark.parametrize("parent, code", [("shared.yml", "[config-runs-code]"),
                                          ("consent/C-2026-017.yml", "[config-reads-content]")])
def test_an_inherit_through_a_link_is_read_where_mkdocs_reads_it(sample, capsys, parent, code):
    """Stop 47's second red team: MkDocs finds `INHERIT: lnk/../shared.yml` by normalising the
    path as text (`shared.yml` beside mkdocs.yml), while the checks followed the link `lnk` first
    (to `theme/x/y`) and read a clean decoy at `theme/x/shared.yml`: the file MkDocs read ran a
    shell command, or was a consent record, with a passing build."""
    (sample / "theme/x/y").mkdir(parents=True)
    (sample / "theme/x/consent").mkdir()
    (sample / "theme/x/shared.yml").write_text("extra:\n  note: decoy\n")
    (sample / "theme/x/consent/C-2026-017.yml").write_text("extra: {}\n")
    (sample / "lnk").symlink_to("theme/x/y", target_is_directory=True)
    (sample / "shared.yml").write_text(f"extra:\n  a: !!python/object/apply:os.system {_touch(sample)}\n")
    config = sample / "mkdocs.yml"
    config.write_text(f"INHERIT: lnk/../{parent}\n" + config.read_text())
    code_, output = _build(sample, capsys)
    assert code_ == 1 and code in output, output
    assert not (sample / MARKER).exists(), "the code ran"


def test_settings_may_inherit_a_file_of_their_own(sample, capsys):
    (sample / "settings").mkdir()
    (sample / "settings/base.yml").write_text("extra:\n  note: shared\n")
    config = sample / "mkdocs.yml"
    config.write_text("INHERIT: settings/base.yml\n" + config.read_text())
    code, output = _build(sample, capsys)
    assert code == 0, output


def test_a_parent_mkdocs_yml_cannot_carry_code(sample, capsys):
    """INHERIT: MkDocs reads the parent with the same loader and merges its hooks."""
    (sample / "hooks").mkdir()
    (sample / "hooks/seo.py").write_text(HOOK)
    (sample / "base.yml").write_text(f"hooks:\n  - hooks/seo.py\nextra:\n  a: !!python/object/apply:os.system {_touch(sample)}\n")
    config = sample / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    output = _assert_refused(sample, capsys)
    assert "base.yml:1: error: hooks:" in output and "base.yml:4: error:" in output


@pytest.mark.parametrize("how", ["eleven files", "utf-16"])
def test_a_file_deeper_in_the_inherit_chain_than_flywheel_reads_cannot_carry_code(sample, capsys, how):
    """Stop 50's red team I: MkDocs follows INHERIT without a limit, while Flywheel checked ten
    files of the chain (and read five for its folders), and stopped, silently, at a file it could
    not read as UTF-8. A `!!python` tag and `hooks:` in the eleventh file, or in one saved as
    UTF-16 (which PyYAML reads), ran under `flywheel build` with exit 0; the hook's page events
    ran after the checks, and the tag's command copied a revoked story into site/."""
    (sample / "hooks").mkdir()
    (sample / "hooks/seo.py").write_text(HOOK)
    (sample / "shared").mkdir()
    files = 10 if how == "eleven files" else 3
    for n in range(1, files + 1):
        (sample / f"shared/s{n}.yml").write_text(f"INHERIT: s{n + 1}.yml\nextra:\n  level{n}: {n}\n")
    last = f"hooks:\n  - ../hooks/seo.py\nextra:\n  a: !!python/object/apply:os.system {_touch(sample)}\n"
    target = sample / f"shared/s{files + 1}.yml"
    if how == "utf-16":
        target.write_bytes(last.encode("utf-16"))
    else:
        target.write_text(last)
    config = sample / "mkdocs.yml"
    config.write_text("INHERIT: shared/s1.yml\n" + config.read_text())
    code, output = _build(sample, capsys)
    assert code == 1 and not (sample / MARKER).exists(), output
    _only_flywheels_defaults(sample, output)
    assert ("s4.yml cannot be read" if how == "utf-16" else "INHERIT chain is longer than 10 files") in output, output
    assert main(["check", "--root", str(sample), "--as-of", AS_OF]) == 1
    output = capsys.readouterr().out
    if how == "utf-16":
        assert "shared/s3.yml:1: error: INHERIT: shared/s4.yml cannot be read as UTF-8 YAML" in output, output
    else:
        assert "shared/s9.yml:1: error: mkdocs.yml's INHERIT chain is longer than 10 files" in output, output
    assert not (sample / MARKER).exists()


@pytest.mark.parametrize("extension", [
    '"cProfile:run":\n      statement: "import pathlib; pathlib.Path(\'{marker}\').write_text(\'ran\')"',
    '"os:system":\n      command: "touch {marker}"',
    '"shutil:copyfile":\n      src: {root}/mkdocs.yml\n      dst: {marker}',
    '"os:replace":\n      src: {root}/mkdocs.yml\n      dst: {root}/consent/C-2026-099.yml',  # paths of the copy only
    "this",  # imported, a module runs: the Zen of Python was printed
    '"markdown.util:code_escape":\n      text: x',  # an installed function, no extension's class
])  # fmt: skip
def test_a_markdown_extension_name_cannot_run_a_function(sample, capsys, extension):
    """Stop 50's red team K: a `markdown_extensions` entry no installed package registers is
    imported as a module by Python-Markdown, and `module:name` calls that name with the options,
    while MkDocs reads mkdocs.yml: `"cProfile:run"` ran any Python (a withheld story copied into
    site/ after a build with exit 0, a revocation put back), `"os:replace"` and `"os:rename"`
    moved files into consent/ and .git/hooks/, under `build`, `mkdocs build`, `export` and `serve`.
    A standard library module, and a `module:name` that is no extension's class, are refused."""
    _append(sample, "markdown_extensions:\n  - " + extension.format(marker=sample / MARKER, root=sample))
    config = (sample / "mkdocs.yml").read_text()
    # one markdown_extensions key: the appended list replaces the sample's
    assert config.count("markdown_extensions:") == 2
    (sample / "mkdocs.yml").write_text(config.replace("markdown_extensions:", "sample_extensions:", 1))
    output = _assert_refused(sample, capsys)
    assert "Markdown extension" in output, output
    assert not (sample / "consent/C-2026-099.yml").exists() and (sample / "mkdocs.yml").exists()
    assert "Beautiful is better than ugly" not in output


@pytest.mark.parametrize("extension", ["toc", "markdown.extensions.toc", '"markdown.extensions.toc:TocExtension"',
                                       "pymdownx.superfences", "md_in_html"])
def test_markdown_extensions_as_their_documentation_names_them_build(sample, capsys, extension):
    _append(sample, "markdown_extensions:\n  - tables\n  - " + extension)
    config = (sample / "mkdocs.yml").read_text()
    (sample / "mkdocs.yml").write_text(config.replace("markdown_extensions:", "sample_extensions:", 1))
    code, output = _build(sample, capsys)
    assert code == 0, output


def test_an_option_an_extension_does_not_know_is_an_error_without_a_traceback(sample, capsys, caplog):
    """Stop 50's red team K: `toc: {bogus_option: 1}` printed MkDocs' message with eleven lines of
    Python-Markdown's frames."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("      permalink: false\n", "      permalink: false\n      bogus_option: 1\n", 1))
    code, output = _build(sample, capsys)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert code == 1 and "Failed to load extension 'toc'" in logged and "KeyError: 'bogus_option'" in logged, logged
    assert 'File "' not in logged + output and "Traceback" not in logged + output


def test_flywheel_check_reports_code_in_mkdocs_yml(sample, capsys):
    """CI runs the check first; it reports every setting, by line, in every format."""
    _append(sample, f"hooks:\n  - hooks/seo.py\nextra:\n  a: !!python/object/apply:os.system {_touch(sample)}")
    lines = (sample / "mkdocs.yml").read_text().splitlines()
    for attempt in range(2):  # the second from the snapshot: still reported
        capsys.readouterr()
        assert main(["check", "--root", str(sample), "--as-of", AS_OF, "--format", "json"]) == 1
        found = [p for p in json.loads(capsys.readouterr().out)["problems"] if p["code"] == "config-runs-code"]
        assert [(p["file"], p["line"]) for p in found] == [
            ("mkdocs.yml", lines.index("hooks:") + 1), ("mkdocs.yml", len(lines))]
    assert not (sample / MARKER).exists()


def test_what_materials_documentation_writes_keeps_building(sample, capsys):
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - toc:\n      permalink: false\n", """\
  - toc:
      permalink: false
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.snippets:
      base_path: !relative $config_dir/theme/pages
""").replace("site_name: Riverbend Family Health", "site_name: !ENV [FLYWHEEL_TEST_UNSET, Riverbend Family Health]"))
    assert config_code_problems(sample) == []
    code, output = _build(sample, capsys)
    assert code == 0, output


@pytest.mark.parametrize("options", [
    "", "\n      base_path: [.]", "\n      base_path: content",
    "\n      base_path: [theme/pages]\n      restrict_base_path: false",
    # Python-Markdown reads these as false too (stop 47's red team: each included any file)
    "\n      base_path: [theme/pages]\n      restrict_base_path: 'no'",
    "\n      base_path: [theme/pages]\n      restrict_base_path: 'off'",
    "\n      base_path: [theme/pages]\n      restrict_base_path: 0",
    "\n      base_path: [theme/pages]\n      restrict_base_path: null",
])
def test_snippets_in_a_build_read_only_docs_dir(sample, capsys, monkeypatch, options):
    """Red team rt4: with `pymdownx.snippets` (base_path the working folder by default), a guide
    included `content/champions.yml` or a consent record: the full name of a champion whose
    story is withheld, a revoked story's slug and e-sign reference were published, since no
    page check compares pages with names or records. The export was already held to docs_dir."""
    monkeypatch.chdir(sample)
    config = sample / "mkdocs.yml"
    extension = "  - pymdownx.snippets" + (":" + options if options else "")
    config.write_text(config.read_text().replace("  - admonition", "  - admonition\n" + extension, 1))
    guide = sample / "content/guides/thyroid/taking-levothyroxine.md"
    include = "../../content/champions.yml" if "restrict" in options else "champions.yml" if "content" in options else "content/champions.yml"
    guide.write_text(guide.read_text() + f'\n\n```\n--8<-- "{include}"\n```\n')
    code, output = _build(sample, capsys)
    assert code == 1 and "pymdownx.snippets" in output, output
    _only_flywheels_defaults(sample, output)


@pytest.mark.parametrize("link, include", [
    ("records", "records/C-2026-017.yml"),  # a folder linked to consent/
    ("record.txt", "record.txt"),  # one record
])
def test_snippets_never_follow_a_link_out_of_docs_dir(sample, capsys, monkeypatch, link, include):
    """Red team rt5: `restrict_base_path` compares paths as written, so a link committed in
    docs_dir (`theme/pages/records -> ../../consent`) let a guide include the revoked story's
    consent record (its slug, revocation and e-sign reference) with a passing build, though the
    static files were left out. A base_path holding a link into a content folder stops the build."""
    monkeypatch.chdir(sample)
    config = sample / "mkdocs.yml"
    extension = "  - pymdownx.snippets:\n      base_path: [theme/pages]"
    config.write_text(config.read_text().replace("  - admonition", "  - admonition\n" + extension, 1))
    target = "../../consent" if link == "records" else "../../consent/C-2026-017.yml"
    (sample / "theme/pages" / link).symlink_to(target)
    guide = sample / "content/guides/thyroid/taking-levothyroxine.md"
    guide.write_text(guide.read_text() + f'\n\n```\n--8<-- "{include}"\n```\n')
    code, output = _build(sample, capsys)
    assert code == 1 and "pymdownx.snippets" in output and "a link into consent" in output, output
    _only_flywheels_defaults(sample, output)


def test_flywheel_serve_refuses_before_mkdocs_reads_the_file(sample):
    (sample / "hooks").mkdir()
    (sample / "hooks/seo.py").write_text(HOOK)
    _append(sample, "hooks:\n  - hooks/seo.py")
    try:  # unrefused, the preview would start serving and never return
        done = subprocess.run([sys.executable, "-m", "generator.cli", "serve", "--root", str(sample), "--port",
                               str(free_port()), "--as-of", AS_OF], capture_output=True, text=True, timeout=60, check=False,
                              cwd=sample, env=_env())
    except subprocess.TimeoutExpired:
        pytest.fail("flywheel serve loaded mkdocs.yml and served it")
    assert done.returncode == 1 and "[config-runs-code]" in done.stderr
    assert not (sample / MARKER).exists()


@pytest.mark.parametrize("where", ["inherited", "mkdocs.yml"])
def test_a_settings_file_that_is_a_list_cannot_carry_code(sample, where):
    """Stop 50's red team J: the check stopped at a settings file whose top level is no mapping
    before it looked for tags, and MkDocs reads such a file with the full loader before it says
    so: `flywheel serve` (which checks only for code before MkDocs reads the file) ran the tag."""
    tagged = f"- !!python/object/apply:os.system {_touch(sample)}\n"
    if where == "inherited":
        (sample / "seq.yml").write_text(tagged)
        (sample / "mkdocs.yml").write_text("INHERIT: seq.yml\n" + (sample / "mkdocs.yml").read_text())
    else:
        (sample / "mkdocs.yml").write_text(tagged)
    try:
        done = subprocess.run([sys.executable, "-m", "generator.cli", "serve", "--root", str(sample), "--port",
                               str(free_port()), "--as-of", AS_OF], capture_output=True, text=True, timeout=60, check=False,
                              cwd=sample, env=_env())
    except subprocess.TimeoutExpired:
        pytest.fail("flywheel serve loaded mkdocs.yml and served it")
    assert done.returncode == 1 and "[config-runs-code]" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (sample / MARKER).exists()


def test_a_preview_reload_refuses_a_changed_mkdocs_yml(sample):
    """A branch switched under a running preview: the rebuild reads mkdocs.yml again."""
    built = []
    rebuild = _guarded_rebuild(lambda: built.append(1), sample)
    rebuild()
    _append(sample, f"extra:\n  a: !!python/object/apply:os.system {_touch(sample)}")
    rebuild()
    assert built == [1] and not (sample / MARKER).exists()


@pytest.mark.parametrize("custom_dir", [
    "consent", "content", "service_lines", "campaigns", "content/stories", "proofs", "!relative $config_dir/consent",
])
def test_the_theme_folder_cannot_publish_the_content_folders(sample, capsys, custom_dir):
    """MkDocs copies the theme folder's files onto the site, as it copies docs_dir (rt1
    attack 4: every consent record, and champions.yml)."""
    (sample / "campaigns").mkdir(exist_ok=True)
    (sample / "proofs").mkdir(exist_ok=True)
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", f"  name: material\n  custom_dir: {custom_dir}\n"))
    code, output = _build(sample, capsys)
    name = custom_dir.rsplit("/", 1)[-1] if "relative" in custom_dir else custom_dir.split("/")[0]
    assert code == 1 and f"mkdocs.yml: theme's custom_dir would publish {name}" in output, output
    _only_flywheels_defaults(sample, output)
    capsys.readouterr()
    assert main(["export", str(sample.parent / "out"), "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "theme's custom_dir would publish" in capsys.readouterr().err
    assert not (sample.parent / "out").exists()


def test_a_parents_theme_folder_is_checked_too(sample, capsys):
    """MkDocs merges an INHERIT chain key by key: the parent's custom_dir survives the
    child's `theme: name`."""
    (sample / "base.yml").write_text("theme:\n  name: material\n  custom_dir: consent\n")
    config = sample / "mkdocs.yml"
    config.write_text("INHERIT: base.yml\n" + config.read_text())
    code, output = _build(sample, capsys)
    assert code == 1 and "theme's custom_dir would publish consent" in output, output


def _theme_404(root: Path, content: str) -> None:
    """A theme folder for the project whose 404.html shows `content` (a template's own text)."""
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (root / "overrides").mkdir()
    (root / "overrides/404.html").write_text('{% extends "main.html" %}\n{% block content %}' + content + "{% endblock %}\n")


# What a template of the practice's theme folder might try (red team rt6), each leaving MARKER
# where it runs, or reading what the build withholds.
ESCAPES = [
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",  # a Jinja global's module
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    # an ordinary environment MkDocs' theme makes on request, outside the sandbox
    ("{% set o = '{' ~ '{' %}{% set c = '}' ~ '}' %}"
     "{{ config.theme.get_env().from_string(o ~ \" lipsum.__globals__['os'].system('touch MARKER') \" ~ c).render() }}"),
    "{{ config.plugins.flywheel.checked.project.consents['C-2026-017'].data.form_ref }}",  # the check's result
    "{{ config.update({'site_dir': 'MARKER'}) }}",  # the build's settings changed by a template
    "{{ config.plugins.run_event('post_build', None, config=config) }}",  # a plugin's events run by a template
    ("{% for name, p in config.plugins.items() if name == 'flywheel' %}"
     "{{ p.checked.project.consents['C-2026-017'].data.form_ref }}{% endfor %}"),
    "{{ config.plugins.flywheel.__dict__['checked'].project.consents['C-2026-017'].data.form_ref }}",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_a_theme_template_runs_no_code_and_reads_nothing_the_build_withholds(tmp_path, capsys, template):
    """red team rt6: MkDocs renders the theme's templates with an ordinary Jinja environment, in
    which a template reaches any Python module through a global's `__globals__` and any object
    the build holds through `config.plugins`: a practice's `404.html` in its theme folder ran a
    shell command at `flywheel build`, and published a revoked story's consent record (its
    e-sign reference) with a passing build. Templates are now rendered in Jinja's sandbox, which
    hands out no ordinary environment, and Flywheel's plugin shows them only its settings."""
    root = copy_sample(tmp_path)
    _theme_404(root, "<h1>Not found</h1><p>" + template.replace("MARKER", str(root / MARKER)) + "</p>")
    code, output = _build(root, capsys)
    assert code == 1 and "template 404.html" in output, output
    assert not (root / MARKER).exists(), "the code ran"
    assert not (root / "site").exists() or not any(
        "esign/8120" in path.read_text(errors="replace") for path in (root / "site").rglob("*") if path.is_file())


@pytest.mark.parametrize("partial", ["partials/language.html", "partials/languages/en.html"])
@pytest.mark.parametrize("command", ["flywheel build", "mkdocs build"])
@pytest.mark.parametrize("template", [ESCAPES[0], ESCAPES[2], ESCAPES[5]])
def test_the_translations_material_reads_for_its_plugins_run_in_the_sandbox_too(tmp_path, capsys, partial, command,
                                                                                   template):
    """Material's search plugin reads its translations (`partials/language.html`, which imports
    `partials/languages/<language>.html`) as it starts, in an environment it asks MkDocs' theme
    for, before any page and before `on_env`: an override of either in the practice's theme
    folder ran a shell command at every build, outside the sandbox the pages are rendered in.
    Every environment the theme hands out is now the sandbox, and what it refuses there is an
    error naming the template, not a traceback; a story revoked meanwhile still leaves the site."""
    import material

    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert "Learning to live with heart failure" in (root / "site/index.html").read_text()
    record = root / "consent/C-2026-012.yml"
    record.write_text(yaml.safe_dump({**yaml.safe_load(record.read_text()), "revoked_on": "2026-11-20"}, sort_keys=False))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    shipped = (Path(material.__file__).parent / "templates" / partial).read_text()
    (root / "overrides" / partial).parent.mkdir(parents=True)
    (root / "overrides" / partial).write_text(template.replace("MARKER", str(root / MARKER)) + "\n" + shipped)
    code, output = _build_by(command, root, capsys)
    assert not (root / MARKER).exists(), "the code ran"
    assert code == 1 and f"template {partial}" in output and "Traceback" not in output, output
    shown = [path for path in (root / "site").rglob("*") if path.is_file()
             and any(trace in path.read_text(errors="replace") for trace in
                     ("Learning to live with heart failure", "learning-to-live-with-heart-failure", "esign/8120"))]
    assert shown == []
    assert (root / "site/spine/index.html").is_file()  # the rest of the site stays


@pytest.mark.parametrize("command", ["build", "serve"])
def test_every_environment_the_theme_hands_out_is_the_sandbox(tmp_path, monkeypatch, command):
    """Whichever plugin asks MkDocs' theme for a Jinja environment once Flywheel's settings are
    read (Material's search and blog plugins for their translations, its tags plugin for its
    listings, in `on_env` before Flywheel's own if listed first), it gets the sandbox, reading
    the theme folder as the pages' environment does: not only the environment pages render in."""
    from mkdocs.config import load_config

    from generator.mkdocs_plugin import TemplateFailed, _NoLinksIntoContent, _Sandbox

    root = copy_sample(tmp_path)
    monkeypatch.setenv("FLYWHEEL_AS_OF", AS_OF)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        config = config.plugins.on_config(config)
        for env in (config.theme.get_env(), config.theme.get_env()):
            assert isinstance(env, _Sandbox) and isinstance(env.loader, _NoLinksIntoContent)
            # Material's own translations still read, as its search plugin reads them.
            assert env.get_template("partials/language.html", None, {"config": config}).module.t("search.config.lang") == "en"
            with pytest.raises(TemplateFailed, match="Templates may read the page"):
                env.from_string("{% set x = lipsum.__globals__['os'] %}").module  # noqa: B018 - made, as a plugin makes it
            with pytest.raises(TemplateFailed, match="Templates may read the page"):
                env.from_string("{{ config.plugins.run_event('post_build', None) }}").render(config=config)
    finally:
        config.plugins.on_shutdown()
        # Stopped after `on_config`, the plugin still holds the sample's generated pages, and
        # MkDocs keeps this configuration and its plugins for the next build in the process: they
        # are let go as a build lets them go once read, so that a test counting the pages alive
        # in this process (test_pages_pool.py) counts only its own.
        config.plugins["flywheel"].release_sources()


@pytest.mark.parametrize("command", ["flywheel build", "mkdocs build"])
@pytest.mark.parametrize("template", [ESCAPES[0], ESCAPES[1], ESCAPES[5]])
def test_an_extra_template_runs_no_code(tmp_path, capsys, command, template):
    """MkDocs makes each `extra_templates` file of docs_dir into a template with
    `jinja2.Template(source)`, Jinja's ordinary environment: a template listed there ran a shell
    command at every build, which then passed (red team, stop 47), and such a command can copy
    a withheld story into site/ after every check. It is made again in the sandbox, from the same
    source, before any plugin renders it; a plain extra template still renders as before."""
    root = copy_sample(tmp_path)
    (root / "theme/pages/extra.html").write_text(
        "<!doctype html><html><head><title>x</title></head><body>"
        + template.replace("MARKER", str(root / MARKER)) + "ok</body></html>\n")
    _append(root, "extra_templates: [extra.html]")
    code, output = _build_by(command, root, capsys)
    assert not (root / MARKER).exists(), "the code ran"
    assert code == 1 and "template extra.html" in output and "Traceback" not in output, output
    assert not (root / "site/extra.html").exists() or "ok" not in (root / "site/extra.html").read_text()


def test_an_extra_template_still_renders_in_the_sandbox(tmp_path, capsys):
    root = copy_sample(tmp_path)
    (root / "theme/pages/plain.html").write_text(
        "<!doctype html><html><head><title>x</title></head><body>{{ 6 * 7 }}: {{ config.site_name }}</body></html>\n")
    _append(root, "extra_templates: [plain.html]")
    code, output = _build(root, capsys)
    assert code == 0, output
    assert f"42: {yaml.safe_load((root / 'mkdocs.yml').read_text())['site_name']}" in (root / "site/plain.html").read_text()


@pytest.mark.parametrize("template", [
    # MkDocs' File: a classmethod making a file of any path, then copying it into the site
    ("{% set f = page.file.generated(config, 'records/s.txt', abs_src_path=ROOT ~ "
     "'content/stories/cardiology/a-racing-heart.md') %}{{ f.copy_file() or '' }}"),
    "{% set f = page.file.generated(config, '../../MARKER', content='x') %}{{ f.copy_file() or '' }}",
    # reading any file through a File made so, or the page's own source again
    ("{{ page.file.generated(config, 'x.txt', abs_src_path=ROOT ~ 'consent/C-2026-017.yml').content_string "
     "| reverse | join }}"),
    "{{ page.read_source(config) }}",
    "{{ config.load_dict({'site_dir': ROOT ~ 'elsewhere'}) }}",  # the build's settings, changed
])
def test_a_theme_template_reads_and_writes_no_file_through_mkdocs_objects(tmp_path, capsys, template):
    """Stop 47's second red team: the sandbox let a template call the methods of MkDocs' own
    objects. `page.file.generated(config, dest, abs_src_path=...)` makes a file of any path,
    `.content_string` reads it and `.copy_file()` writes it into the site, or, with `..` in
    `dest`, anywhere: a withheld story and its consent record were copied into site/ with a
    passing build, a revoked story's page written back after the revocation, and `.git/config`
    rewritten to run a command. A template reads MkDocs' pages, files, navigation and settings,
    and calls none of their methods."""
    root = copy_sample(tmp_path)
    body = template.replace("ROOT", repr(str(root) + "/")).replace("MARKER", MARKER)
    _theme_404(root, "<h1>Not found</h1>")
    (root / "overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}{{ super() }}<p>' + body + "</p>{% endblock %}\n")
    code, output = _build(root, capsys)
    assert code == 1 and "template main.html" in output, output
    assert not (root / "elsewhere").exists()
    assert not (root.parent / MARKER).exists() and not (root / MARKER).exists(), "a file was written"
    assert not (root / "site/records").exists()
    assert not [path for path in (root / "site").rglob("*") if path.is_file() and (
        "0218/ngise" in path.read_text(errors="replace") or "bird trapped" in path.read_text(errors="replace"))]


def test_the_sandbox_keeps_the_site_as_it_was(tmp_path, capsys):
    """Material's templates and Flywheel's own read nothing the sandbox refuses: the sample
    builds, and a template may still read the plugin's settings."""
    root = copy_sample(tmp_path)
    _theme_404(root, "<h1>Not found</h1><p>campaigns: {{ config.plugins.flywheel.config.campaign_params }}</p>")
    code, output = _build(root, capsys)
    assert code == 0, output
    assert "campaigns: True" in (root / "site/404.html").read_text()


@pytest.mark.parametrize("template", ["{{ page.nothing.here }}", "{% if %}"])
def test_a_broken_theme_template_is_an_error_naming_it(tmp_path, capsys, template):
    """A template that reads what is not there, or cannot be parsed, stopped `flywheel build`
    with a traceback (no input file may): now an error naming the template."""
    root = copy_sample(tmp_path)
    _theme_404(root, template)
    code, output = _build(root, capsys)
    assert code == 1 and "template 404.html" in output and "Traceback" not in output, output


def test_the_sandbox_remembers_no_decision_that_another_kind_of_value_would_change():
    """The sandbox remembers which attributes a template may read as they are, by the types
    involved: an attribute that held text and now holds `str.format` bound to a format string,
    or a Jinja environment, is judged again, and refused."""
    import jinja2

    from generator.mkdocs_plugin import sandboxed

    env = sandboxed(jinja2.Environment())

    class Holder:
        pass

    holder = Holder()
    holder.x = "plain text"
    assert env.from_string("{{ h.x }}").render(h=holder) == "plain text"
    holder.x = "{0.__class__.__mro__}".format
    with pytest.raises(Exception):  # noqa: B017 - the sandbox's SecurityError, as the build reports it
        env.from_string("{{ h.x(h) }}").render(h=holder)
    holder.x = env
    for reading in ("{{ h.x.globals }}", "{{ h.x.from_string('{{ 7 * 7 }}').render() }}"):
        with pytest.raises(Exception):  # noqa: B017
            env.from_string(reading).render(h=holder)


def test_an_extension_installed_or_removed_while_flywheel_runs_is_seen(tmp_path, monkeypatch):
    """The installed extensions' names are kept between checks (the preview asks twice a save)
    only while no folder of the import path changes: a name no longer installed would be
    imported from the project folder."""
    from generator.config_code import _installed_extensions

    folder = tmp_path / "site-packages"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    assert "flywheel-test-ext" not in _installed_extensions()
    dist = folder / "flywheel_test_ext-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: flywheel-test-ext\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[markdown.extensions]\nflywheel-test-ext = json:dumps\n")
    assert "flywheel-test-ext" in _installed_extensions()
    shutil.rmtree(dist)
    assert "flywheel-test-ext" not in _installed_extensions()


@pytest.mark.parametrize("plugin", [
    "  - tags:\n      export_file: OUTSIDE/tags.json",
    "  - material/blog:\n      blog_dir: ../../consent",
    "  - material/group:\n      enabled: true\n      plugins:\n        - tags:\n            export_file: ../../escaped.json",
    "  - /material/tags:\n      export_file: OUTSIDE/tags.json",
    "  - /material/blog:\n      blog_dir: ../../consent",
])
def test_a_plugin_setting_cannot_write_outside_the_site(sample, capsys, plugin):
    """Stop 47's red team: Material's tags plugin joins `export_file` to site_dir as written, so an
    absolute path wrote its export over any file the build may write (the key that signs this
    machine's caches among them), and its blog plugin wrote its index page into `consent/` with
    `blog_dir: ../../consent`. Both are refused before MkDocs reads the file."""
    outside = sample.parent / "outside"
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      campaign_params: true", "      campaign_params: true\n" + plugin.replace("OUTSIDE", str(outside)), 1))
    code, output = _build(sample, capsys)
    assert code == 1 and "[config-path-outside]" in output, output
    assert not outside.exists() and not (sample.parent / "escaped.json").exists()
    assert not (sample / "consent/index.md").exists()
