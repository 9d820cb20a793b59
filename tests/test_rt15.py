"""Stop 47's red team: routes around the quotation checks, each written as the attack.

Every test here failed before its fix (see docs/security.md, the table of properties, attacks
and tests). The sample site is fictional.
"""

from __future__ import annotations

import pytest
from helpers import site_texts

from generator.cli import main
from generator.leaks import quoted_index, quoted_traces, story_traces, strip_unpublished_links

AS_OF = "2026-11-22"
TITLE = "A racing heart, and a steady plan"  # the sample's story a-racing-heart, withheld (revoked)
PASSAGE = ("Out of nowhere my heart started racing and fluttering, like a bird trapped in my chest. "
           "I was not in pain, but I felt dizzy and out of breath.")
FRONTMATTER = """---
title: "Notes from the clinic"
summary: "A guide the red team wrote."
service_line: cardiology
topic: atrial-fibrillation
stage: learn
reviewed_by: "A. Example, MD"
reviewed_on: 2026-04-22
---
"""

# A word cut by markup that an HTML5 parser, and so a browser and Material's search index, shows
# whole: an end tag nothing opened, an element HTML does not define (a custom element is inline),
# what the parser reads as a comment, an image or a control with nothing to show, a line break.
CUTS = ["</x>", "<x-a></x-a>", "<x>", "<!>", "<?x>", "</ x>", '<img alt="">', "<button></button>", "<input>",
        "<br>", "<P-X></P-X>", "<span-x>", "<wbr/>",
        # a `>` inside a quoted value ends no tag (stop 47's second red team)
        '<x title="a>b">', "<x title='a>b'>", '<span title = "a>b">', '<img alt="a>b">', '</x title="a>b">']


def _cut(text: str, cut: str) -> str:
    """`text` with `cut` inside every word of four letters or more."""
    return " ".join(word[:2] + cut + word[2:] if len(word) >= 4 else word for word in text.split(" "))


@pytest.mark.parametrize("cut", CUTS)
def test_a_quotation_cut_by_markup_a_reader_does_not_see_is_still_read(cut):
    index = quoted_index([TITLE], [tuple(PASSAGE.lower().replace(",", "").replace(".", "").split())[:12]])
    assert quoted_traces(f"<p>{_cut(TITLE, cut)}</p>", index)
    assert quoted_traces(f"<main><p>Intro.</p><p>{_cut(PASSAGE, cut)}</p></main>", index)
    assert story_traces(f"<p>Read it at stories/a-ra{cut}cing-heart/ now.</p>", frozenset({"a-racing-heart"}))


@pytest.mark.parametrize("text", [
    "<p>Living with atrial < fibrillation and a blood thinner.></p>",  # `<` and a space start no tag
    "<p>A racing heart, and a steady < plan ></p>",
])
def test_text_after_a_less_than_sign_that_starts_no_tag_is_read(text):
    index = quoted_index([TITLE, "Living with atrial fibrillation and a blood thinner"])
    assert quoted_traces(text, index)


@pytest.mark.parametrize("gap", ["\n", "\t", "\r\n", "&#9;", "&NewLine;", "&#10;"])
def test_an_address_with_a_line_break_or_a_tab_inside_is_the_address(gap):
    """A browser removes tabs and line breaks from an address before it reads it."""
    html = f'<p>Read <a href="../../stories/a-rac{gap}ing-heart/">her story</a> too.</p>'
    assert story_traces(html, frozenset({"a-racing-heart"})) == ["a-racing-heart"]
    assert strip_unpublished_links(html, frozenset({"a-racing-heart"})) == ("<p>Read  too.</p>", ["a-racing-heart"])


def test_a_guide_quoting_a_withheld_story_cut_by_undefined_tags_stops_the_build(sample, capsys):
    """The guide pastes the story's title and a passage, each word cut by an end tag that
    nothing opened: the checks read the cut words apart, a browser and the search index read
    them whole. The build passed and `search_index.json` held the story word for word."""
    guide = sample / "content/guides/cardiology/notes-from-the-clinic.md"
    guide.write_text(FRONTMATTER + f"\nIntro paragraph.\n\n{_cut(TITLE, '</x>')}\n\n{_cut(PASSAGE, '</x>')}\n")
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "notes-from-the-clinic" in capsys.readouterr().err
    for path, text in site_texts(sample / "site").items():
        plain = text.replace("</x>", "")
        assert "bird trapped in my chest" not in plain and "racing heart, and a steady" not in plain, path


def _revoked(sample) -> None:
    record = sample / "consent/C-2026-012.yml"
    record.write_text(record.read_text().replace("revoked_on: null", "revoked_on: 2026-11-20"))


@pytest.mark.parametrize("command", ["flywheel build", "mkdocs build"])
def test_a_guide_markdown_cannot_convert_in_a_fresh_checkout_still_deploys_a_revocation(sample, command):
    """A line of two thousand asterisks either side of a letter makes Python-Markdown recurse too
    deep. The page was left out on its first conversion, but Flywheel converted it again to put
    its HTML blocks back, unguarded: `mkdocs build` ended with a traceback, and `flywheel build`
    in CI's fresh checkout wrote no site at all, so a story revoked meanwhile stayed live."""
    import subprocess
    import sys

    guide = sample / "content/guides/cardiology/notes-from-the-clinic.md"
    guide.write_text(FRONTMATTER + "\nIntro paragraph.\n\n" + "*" * 2000 + "x" + "*" * 2000 + "\n")
    _revoked(sample)
    if command == "flywheel build":
        assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    else:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=sample, capture_output=True, text=True,
                              env={**__import__("os").environ, "FLYWHEEL_AS_OF": AS_OF}, check=False)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "notes-from-the-clinic" in done.stderr
    assert (sample / "site/index.html").is_file()
    assert not (sample / "site/stories/learning-to-live-with-heart-failure").exists()
    assert "Learning to live with heart failure" not in (sample / "site/index.html").read_text()


WRITER = '''
import os

from mkdocs.plugins import BasePlugin


class Writer(BasePlugin):
    """An installed plugin listed after Flywheel, writing into the site once the pages are checked."""

    def on_post_build(self, config):
        with open(os.path.join(config.site_dir, "notes.html"), "w", encoding="utf-8") as handle:
            handle.write("<html><body><h1>A racing heart, and a steady plan</h1></body></html>")
'''


def test_what_a_plugin_listed_after_flywheel_writes_into_the_site_is_read(sample, tmp_path, monkeypatch, capsys):
    """Material's privacy plugin is refused since stop 47; what any other plugin writes into the
    site after Flywheel's checks is still read before the site is committed (rt10, rt11), here
    with a plugin installed for the test: a page quoting a withheld story is taken off."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    (folder / "flywheel_test_writer.py").write_text(WRITER)
    dist = folder / "flywheel_test_writer-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: flywheel-test-writer\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[mkdocs.plugins]\nflywheel-test-writer = flywheel_test_writer:Writer\n")
    monkeypatch.syspath_prepend(str(folder))
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import get_plugins

    # MkDocs lists the installed plugins once a process, as its settings' schema is made.
    monkeypatch.setattr(MkDocsConfig.plugins, "installed_plugins", get_plugins())
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      campaign_params: true", "      campaign_params: true\n  - flywheel-test-writer", 1))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert not (sample / "site/notes.html").exists()
    assert "File 'notes.html', written into the site by another plugin, left out of the site" in capsys.readouterr().err
