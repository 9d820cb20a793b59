"""The frame's header, footer and Material's script settings are rendered once per build for
each key (`fw_fragment`, main.html): a site built so is byte for byte the site rendered page by
page, and the parts are really shared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from helpers import tree_digest

from generator import mkdocs_plugin
from generator.cli import main

AS_OF = "2026-11-22"


def _site(root: Path) -> dict[str, str]:
    return {path.removeprefix(root.as_posix()): digest for path, digest in tree_digest(root / "site").items()}


def test_a_site_with_shared_parts_is_the_site_rendered_page_by_page(sample, monkeypatch):
    assert main(["build", "--root", str(sample), "--as-of", AS_OF, "--no-cache"]) == 0
    shared = _site(sample)

    def every_page(overridden=frozenset()):
        return lambda name, *key, caller: caller()

    monkeypatch.setattr(mkdocs_plugin, "fragments", every_page)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF, "--no-cache"]) == 0
    assert _site(sample) == shared


def test_each_part_is_rendered_once_per_key(sample, monkeypatch):
    rendered: Counter = Counter()
    made = mkdocs_plugin.fragments

    def counting(overridden=frozenset()):
        fragment = made(overridden)

        def counted(name, *key, caller):
            def render():
                rendered[name] += 1
                return caller()

            return fragment(name, *key, caller=render)

        return counted

    monkeypatch.setattr(mkdocs_plugin, "fragments", counting)
    monkeypatch.setenv("FLYWHEEL_WORKERS", "1")  # one process: its counts are all the counts
    assert main(["build", "--root", str(sample), "--as-of", AS_OF, "--no-cache"]) == 0
    pages = len(list((sample / "site").rglob("*.html")))
    assert pages > 30
    # Once a build, once a depth, and once a depth and folder: not once a page.
    assert rendered["search"] == 1
    assert 0 < rendered["config"] <= 5
    assert 0 < rendered["footer"] < pages / 2, rendered


def _built_both_ways(root: Path, monkeypatch) -> tuple[dict, dict]:
    assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
    shared = _site(root)
    with monkeypatch.context() as patch:
        patch.setattr(mkdocs_plugin, "fragments", lambda overridden=frozenset(): lambda name, *key, caller: caller())
        assert main(["build", "--root", str(root), "--as-of", AS_OF, "--no-cache"]) == 0
        return shared, _site(root)


def test_a_practice_footer_linking_anywhere_is_rendered_on_every_page(sample, monkeypatch):
    """A practice's own footer (its theme folder) may link to a page two folders deep, or print
    the page's title: its relative links and text then differ between pages the shared key
    would call the same, so it is rendered on every page."""
    guide = next((sample / "content/guides").rglob("*.md"))
    nested = f"{guide.parent.name}/{guide.stem}/"
    partials = sample / "theme/partials"
    partials.mkdir(parents=True)
    (partials / "practice_footer.html").write_text(
        f'<footer><a href="{{{{ "{nested}" | url }}}}">A guide</a> {{{{ page.title }}}}</footer>\n'
    )
    mkdocs = sample / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: theme\n"))
    assert "custom_dir: theme" in mkdocs.read_text()
    shared, every = _built_both_ways(sample, monkeypatch)
    assert shared == every
    titles = {p.read_text().split("<footer>")[1].split("</footer>")[0] for p in (sample / "site").rglob("index.html")
              if "<footer>" in p.read_text()}
    assert len(titles) > 10  # the footer really is the practice's, and differs page to page
