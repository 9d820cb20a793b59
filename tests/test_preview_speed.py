"""What the preview does once instead of on every save (docs/benchmarks.md, stop 41).

It loads the identifier scan's modules and lists in the background once it serves
(identifiers.warm_up): its start-up check is replayed from the cache and scans nothing, so the
first story saved after it paid 0.6-1.3 s for them. Every Jinja environment the theme hands
out keeps its compiled templates for the process's life (theme_files.compiled_once): Material's search plugin made one
of its own on every save and compiled its translations again."""

from __future__ import annotations

import subprocess
import sys
import threading

import jinja2
import jinja2.sandbox
import pytest
from helpers import REPO, copy_sample
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from generator import theme_files
from generator.mkdocs_plugin import TemplateFailed, sandboxed

LOADERS = """
import inspect
from generator import identifier_names, identifier_shapes, identifiers
loaders = {f"{m.__name__}.{name}": f for m in (identifier_names, identifier_shapes, identifiers)
           for name, f in vars(m).items()
           if callable(f) and hasattr(f, "cache_info") and getattr(f, "__module__", None) == m.__name__
           and not inspect.signature(f).parameters}
assert len(loaders) >= 8, sorted(loaders)
empty = lambda: sorted(name for name, f in loaders.items() if not f.cache_info().currsize)
assert empty() == sorted(loaders), "something loaded a list on import"
identifiers.warm_up()
print(empty())
"""


def test_warming_up_reads_every_list_the_scan_reads_lazily():
    """Every cached loader that takes no argument (a word, name or town list, a pattern): one
    added later and left out of warm_up would be paid for by the first save again."""
    done = subprocess.run([sys.executable, "-c", LOADERS], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_preview_warms_the_scan_up_in_the_background_once_it_serves(tmp_path, monkeypatch):
    root = copy_sample(tmp_path)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["flywheel"]
    warmed = threading.Event()
    seen = {}

    def warm_up():
        seen["thread"] = threading.current_thread()
        warmed.set()

    monkeypatch.setattr("generator.mkdocs_plugin.identifiers_warm_up", warm_up)
    # Native file events start a process-wide dispatcher thread, which a later test's fork
    # would inherit: the server here is never started, so nothing needs to be heard.
    monkeypatch.setattr("generator.mkdocs_plugin.use_native_watcher", lambda server, paths: False)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        plugin.on_serve(server, config=config, builder=lambda: None)
        assert warmed.wait(30)
        assert seen["thread"] is not threading.main_thread() and seen["thread"].daemon
        seen["thread"].join(30)
    finally:
        server.server_close()
    assert threading.active_count() == 1, threading.enumerate()  # nothing left for the next test


@pytest.mark.parametrize("command", ["serve", "build"])
def test_every_environment_the_theme_hands_out_keeps_its_compiled_templates(tmp_path, monkeypatch, command):
    """Material's search plugin asks the theme for an environment of its own in `on_config`,
    before Flywheel's main `on_config`; a template edited while the process runs is compiled
    again (Jinja compares its source's checksum)."""
    monkeypatch.setattr(theme_files, "_COMPILED", {})
    root = copy_sample(tmp_path)
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["flywheel"]
    plugin.on_startup(command=command, dirty=command == "serve")
    plugin._on_config_first(config)
    env = config.theme.get_env()
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "note.html").write_text("first {{ 1 + 1 }}")
    loader = jinja2.FileSystemLoader(str(custom))
    env.loader = loader
    assert env.get_template("note.html").render() == "first 2"
    assert len(theme_files._COMPILED) == 1
    again = config.theme.get_env()
    again.loader = loader
    assert again.get_template("note.html").render() == "first 2"
    assert len(theme_files._COMPILED) == 1  # reused
    (custom / "note.html").write_text("second {{ 2 + 2 }}")
    third = config.theme.get_env()
    third.loader = loader
    assert third.get_template("note.html").render() == "second 4"


RAN = jinja2.sandbox.unsafe(lambda: "ran")  # what a sandbox never calls


class _Theme:
    """What `compiled_once` wraps: a theme that hands out environments."""

    def __init__(self, make) -> None:
        self.get_env = make


def _page(tmp_path, text: str) -> jinja2.FileSystemLoader:
    (tmp_path / "custom").mkdir()
    (tmp_path / "custom/page.html").write_text(text)
    return jinja2.FileSystemLoader(str(tmp_path / "custom"))


def test_a_template_compiled_outside_the_sandbox_is_never_run_inside_it(tmp_path, monkeypatch):
    """The sandbox compiles every call through itself. Bytecode a plain
    environment compiled, of the same file under the same name, runs unchecked: the kept
    bytecode is keyed by each environment's compile settings, so the sandbox compiles its own."""
    monkeypatch.setattr(theme_files, "_COMPILED", {})
    loader = _page(tmp_path, "{{ x() }}")
    plain = _Theme(lambda: jinja2.Environment(loader=loader))
    theme_files.compiled_once(plain)
    assert plain.get_env().get_template("page.html").render(x=RAN) == "ran"  # plain Jinja calls it
    fenced = _Theme(lambda: sandboxed(jinja2.Environment(loader=loader)))
    theme_files.compiled_once(fenced)
    with pytest.raises(TemplateFailed, match="not safely callable"):
        fenced.get_env().get_template("page.html").render(x=RAN)
    assert len(theme_files._COMPILED) == 2  # one each, never shared


def test_a_filter_a_plugin_adds_after_the_environment_is_made_is_compiled_for(tmp_path, monkeypatch):
    """Jinja compiles what a filter is passed (the context, the environment or neither) into
    the template; a filter added later, or passed differently, is compiled for afresh."""
    monkeypatch.setattr(theme_files, "_COMPILED", {})
    loader = _page(tmp_path, "{{ 'a' | shout }}")
    theme = _Theme(lambda: jinja2.Environment(loader=loader))
    theme_files.compiled_once(theme)
    env = theme.get_env()
    env.filters["shout"] = str.upper
    assert env.get_template("page.html").render() == "A"
    env = theme.get_env()
    env.filters["shout"] = jinja2.pass_environment(lambda environment, text: f"{text}!")
    assert env.get_template("page.html").render() == "a!"
    # The same name and the same way of passing, another function: the optimiser folded the first
    # into the compiled template ("A"), so it is compiled for afresh.
    env = theme.get_env()
    env.filters["shout"] = str.lower
    assert env.get_template("page.html").render() == "a"
