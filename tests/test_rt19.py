"""Stop 50's red teams (F, I) and helpers (G, H): each test is a route or a false refusal they
found, and fails on the commit before its fix. The sample site is fictional."""

from __future__ import annotations

import base64

import pytest
from test_rt18 import withheld  # noqa: F401  (the fixture: the sample with a-racing-heart withheld)

from generator.leaks import static_leak, story_traces

ADDRESS = "example.org/stories/a-racing-heart/"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _svg(text: str) -> str:
    return "data:image/svg+xml;base64," + _b64(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{text}</text></svg>')


@pytest.mark.parametrize("body", [
    "var e={codeTextData:x,data:x,definition:b(),htmlFlowData:x,htmlTextData:x,image:b()};\n",
    "r={crossOrigin:null,data:null,onFormData:null,onLoadedData:null,onLoadedMetadata:null,onLoadEnd:null};\n",
    '"' + "data:x," * 40 + 'nothing here"',
])  # fmt: skip
def test_object_keys_that_read_as_data_addresses_leave_a_script_on_the_site(withheld, body):  # noqa: F811
    """Helper H: a minified script's keys (`{data:a,...}`, `onLoadedData:null,`) read as `data:`
    addresses, each inside the one before, four deep: a document nested too deep counts as every
    withheld story's address, and Decap CMS's bundle (5 MB) and mermaid's were left out of the
    site as showing a-racing-heart. An address as written ends at the next one now, so only a
    decoding makes a level."""
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/bundle.js"
    path.write_text(body)
    assert static_leak(path, "bundle.js", slugs, quoted) is None


@pytest.mark.parametrize("body", [
    "var e={data:x,data:x,data:x,data:x,u:'" + "data:text/plain;base64," + _b64(ADDRESS) + "'};\n",
    '"' + "data:x," * 20 + "data:text/plain;base64," + _b64(ADDRESS) + '"',
    '"data:x,%64ata:x,%2564ata:x,%252564ata:x,%25252564ata:x,x"',  # each decoding a level: too deep
    "var k={data:x,data:x,data:x,data:x}; // " + ADDRESS + "\n",
])  # fmt: skip
def test_what_such_keys_carry_or_stand_beside_is_still_read(withheld, body):  # noqa: F811
    sample, slugs, quoted = withheld
    path = sample / "theme/pages/bundle.js"
    path.write_text(body)
    assert static_leak(path, "bundle.js", slugs, quoted) == "it shows the address of withheld story a-racing-heart"


def _newsletter(words: str) -> str:
    """Stop 50's red team J: a percent-encoded frame whose text says `words`, then a frame of
    base64, its `data:` written `%64ata:` and its base64 cut by `%20` into runs too short for
    the static files' own base64 reading, holding a link to the withheld story."""
    inner = _b64(f'<p><a href="https://{ADDRESS}" target="_top">Read Ana\'s story</a></p>')
    runs = "%20".join(inner[i : i + 40] for i in range(0, len(inner), 40))
    payload = (f"%3Cp%3EIssue 4 of our newsletter. Old issues: see {words} below.%3C/p%3E"
               f"%3Ciframe src=%22%64ata:text/html;base64,{runs}%22%3E%3C/iframe%3E")
    return f'<!doctype html><title>News</title><h1>News</h1><iframe src="data:text/html,{payload}"></iframe>\n'


@pytest.mark.parametrize("words", ["data:", "DATA:", "data:x,", "the archive"])
def test_words_like_an_address_inside_a_payload_hide_nothing_after_them(withheld, words):  # noqa: F811
    """The first cut of stop 50 ended a payload at any `data:`, and the words "data: " (no
    address: a space follows) hid the address after them, published with exit 0 in a static
    file and in a guide. A payload ends only where the next address starts."""
    sample, slugs, quoted = withheld
    page = _newsletter(words)
    assert story_traces(page, slugs) == ["a-racing-heart"]
    path = sample / "theme/pages/news.html"
    path.write_text(page)
    assert static_leak(path, "news.html", slugs, quoted) == "it shows the address of withheld story a-racing-heart"


def test_a_second_data_address_after_the_first_ones_bracket_is_read(withheld):  # noqa: F811
    """Helper H: `url(data:...;base64,AAAA),url(data:...;base64,<the address>)`: the first
    address's payload ran to the quote and only its base64 was decoded, so the second, in the
    same attribute, was never read."""
    _, slugs, _ = withheld
    page = f'<div style="background:url(data:image/png;base64,AAAA),url({_svg(ADDRESS)})">x</div>'
    assert story_traces(page, slugs) == ["a-racing-heart"]


@pytest.mark.parametrize("post, extra", [
    ("slug: ../../../../../consent/notes", ""),  # red team I: consent/notes/index.html
    ("slug: clinic-hours", "      archive_url_date_format: \"'../../../../../../consent/C-2026-099'\"\n"),  # J
    ("authors: [grace]", "      authors_profiles: true\n"),  # J: an author's slug over a story's file
])  # fmt: skip
def test_materials_blog_plugin_is_refused(tmp_path, capsys, post, extra):
    """Stop 50's red teams I and J: Material's blog plugin (allowed until then) builds pages at
    addresses made from a post's `slug:`, an author's `slug:` in `.authors.yml` and its date
    formats, as written, and saves their sources as it goes: `..` in any of them wrote pages
    into consent/ (with exit 0, for a post's slug) and over a published story's file, before
    any check could stop it. It is refused before MkDocs reads mkdocs.yml."""
    from helpers import copy_sample, tree_digest

    from generator.cli import main

    sample = copy_sample(tmp_path)
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - search\n", "  - search\n  - material/blog:\n" + extra, 1))
    (sample / "theme/pages/blog/posts").mkdir(parents=True)
    (sample / "theme/pages/blog/index.md").write_text("# News\n")
    (sample / "theme/pages/blog/.authors.yml").write_text(
        "authors:\n  grace:\n    name: Overwritten by the blog plugin\n    description: x\n    avatar: x.png\n"
        "    slug: ../../../../../../content/stories/cardiology/learning-to-live-with-heart-failure\n")
    (sample / "theme/pages/blog/posts/hours.md").write_text(
        f"---\ndate: 2026-01-01\n{post}\n---\n# Clinic hours\n\nOur clinic opens at eight on weekdays.\n")
    before = tree_digest(sample / "consent", sample / "content")
    code = main(["build", "--root", str(sample), "--as-of", "2026-11-22"])
    out = capsys.readouterr()
    assert code == 1 and "[config-runs-code]" in out.out + out.err and "blog plugin" in out.out + out.err
    assert tree_digest(sample / "consent", sample / "content") == before
    assert not [p for p in tmp_path.rglob("index.html") if "notes" in p.parts]


def test_a_file_a_plugin_would_write_outside_the_site_stops_the_build(tmp_path):
    """What any plugin adds with an address that leads out of site_dir (as the blog plugin's
    posts did) stops the build before anything is written."""
    from helpers import copy_sample
    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File, Files

    sample = copy_sample(tmp_path)
    config = load_config(str(sample / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    plugin = config.plugins["flywheel"]
    config.plugins._current_plugin = "another plugin"  # as MkDocs sets it while a plugin's event runs
    inside = File.generated(config, "news/index.html", content="<p>news</p>")
    assert plugin._on_files_last(Files([inside]), config) is not None
    outside = File.generated(config, "news/index.html", content="<p>news</p>")
    outside.abs_dest_path = str(tmp_path / "site/../consent/notes/index.html")
    with pytest.raises(PluginError, match="outside the site's folder"):
        plugin._on_files_last(Files([inside, outside]), config)


@pytest.mark.parametrize("wrapped", [
    "- I could not have done it without my friend Grace\n  Whitfield, who drove me.",  # a list item
    "I could not have done it without my friend Grace  \nWhitfield, who drove me.",  # a hard break
    "I could not have done it without my friend Grace\\\nWhitfield, who drove me.",  # a hard break
    "- She still rings me on 07700\n  900461 every Sunday.",
])  # fmt: skip
def test_a_name_or_number_an_editor_wrapped_withholds_the_story(tmp_path, wrapped):
    """Stop 50's red team I: a full name or a phone number wrapped inside a list item, or after
    a hard break, was published with a passing build (the story approved as it stood). The
    story's champion, Grace, is an allowed first name; "Grace Whitfield" is another person."""
    import datetime as dt

    from helpers import copy_sample
    from test_audit import AS_OF, STORY, _approve

    from generator.check import run_check

    sample = copy_sample(tmp_path)
    path = sample / f"content/stories/cardiology/{STORY}.md"
    path.write_text(path.read_text() + f"\n{wrapped}\n")
    _approve(sample, STORY, "C-2026-012")
    decision = run_check(sample, dt.date.fromisoformat(AS_OF)).gate.decisions[STORY]
    assert "identifier-found" in [rule for rule, _ in decision.reasons], decision.reasons
