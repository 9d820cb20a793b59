"""Every page carries a Content-Security-Policy (generator/csp.py): the browser itself refuses
what a script asks of another host. What a browser does with it is in test_browser.py."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
import yaml
from helpers import tree_digest

from generator.cli import main
from generator.csp import PolicyError, inline_scripts, policy, with_policy

AS_OF = "2026-11-22"
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


class _Scripts(HTMLParser):
    """The inline scripts a browser runs, read by Python's own HTML parser (not csp.py's)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._open = tag == "script" and "src" not in attributes and attributes.get("type") in (None, "", "module")
        if self._open:
            self.found.append("")

    def handle_data(self, data):
        if self._open:
            self.found[-1] += data

    def handle_endtag(self, tag):
        self._open = False


def _directives(page: str) -> dict[str, list[str]]:
    found = _META.findall(page)
    assert len(found) == 1, "one policy a page"
    return {d.split()[0]: d.split()[1:] for d in found[0].split("; ")}


def _pages(site):
    return [p for p in sorted(site.rglob("*.html")) if "admin" not in p.relative_to(site).parts]


def test_every_page_carries_the_policy_before_anything_it_loads_or_runs(sample):
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    pages = _pages(sample / "site")
    assert len(pages) > 30 and any(p.name == "404.html" for p in pages)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        head = page[page.index("<head>") : page.index("</head>")]
        # Nothing that fetches or runs comes before the policy; the charset stays first.
        before = head[: head.index("Content-Security-Policy")]
        assert re.findall(r"<(\w+)", before) == ["head", "meta", "meta"], path
        assert 'charset="utf-8"' in before
        rules = _directives(page)
        assert rules["default-src"] == ["'self'", "example.org:*"]  # site_url's host
        assert rules["object-src"] == ["'none'"] and "'unsafe-inline'" not in rules["script-src"]
        # A form's target does not fall back to default-src: it is its own directive.
        assert rules["form-action"] == ["'self'", "example.org:*"]
        parser = _Scripts()
        parser.feed(page)
        assert parser.found, path  # Material's own inline scripts
        expected = {
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in parser.found
        }
        assert {s for s in rules["script-src"] if s.startswith("'sha256-")} == expected, path


def test_the_policy_lists_the_hosts_practice_yml_allows(sample):
    practice = sample / "practice.yml"
    data = yaml.safe_load(practice.read_text())
    data["third_parties"] = [{"host": "Plausible.io", "reason": "visit counts without cookies, under a BAA"}]
    practice.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    rules = _directives((sample / "site/index.html").read_text())
    for name in ("default-src", "script-src", "style-src", "img-src", "font-src", "form-action"):
        assert "plausible.io:*" in rules[name]


@pytest.mark.parametrize("host", [
    "plausible.io; script-src *",  # a second directive
    "plausible.io 'unsafe-eval'",  # a keyword
    "https://plausible.io/js",  # an address, not a host
    "plausible.io:8443",
    "*",
    "plausible.io,tracker.example",  # two hosts in one
])  # fmt: skip
def test_a_host_that_would_rewrite_the_policy_is_an_error_at_its_line(sample, host, capsys):
    practice = sample / "practice.yml"
    text = practice.read_text().replace("third_parties: []", "third_parties:\n  - host: HOST\n    reason: analytics")
    practice.write_text(text.replace("HOST", yaml.safe_dump(host, default_style='"').strip()))
    assert main(["check", "--root", str(sample), "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert re.search(r"practice\.yml:\d+: error: third_parties\.0\.host: expected a host name", out), out
    # With no previous site, a failed build still writes one (a deploy must carry every
    # withdrawal): the host is not in its policy.
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    for path in _pages(sample / "site"):
        assert _directives(path.read_text())["default-src"] == ["'self'", "example.org:*"]


def _script_before_the_head_of_404(sample) -> None:
    """A theme folder whose 404.html runs a script before `<head>`, where the policy is read."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
    (sample / "overrides").mkdir()
    (sample / "overrides/404.html").write_text(
        "<!doctype html>\n<script>new Image().src='https://tracker.invalid/p'</script>\n"
        "<html><head><title>Not found</title></head><body>Not here.</body></html>\n"
    )


def test_a_template_with_markup_before_its_head_stops_the_build(sample, capsys):
    """A script before `<head>` would run before the browser reads the policy."""
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    before = tree_digest(sample / "site")
    _script_before_the_head_of_404(sample)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "template 404.html cannot carry the site's Content-Security-Policy" in err
    assert tree_digest(sample / "site") == before


def test_a_template_with_markup_before_its_head_does_not_stop_a_fresh_checkout_withdrawing(sample, capsys):
    """red team rt6: the same template in CI's fresh checkout: the build stopped before any site
    was written, nothing deployed, and a story revoked meanwhile stayed on the live site for as
    long as the template stood. Where a withdrawal is due the site is written with the template's
    page as the notice, and the build still fails naming it."""
    _script_before_the_head_of_404(sample)
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 1
    assert "template 404.html cannot carry the site's Content-Security-Policy" in capsys.readouterr().err
    assert (sample / "site/index.html").is_file()
    assert "tracker.invalid" not in (sample / "site/404.html").read_text()
    assert not (sample / "site/stories/a-racing-heart").exists()  # revoked in the sample


@pytest.mark.parametrize("page", [
    "<html><body>no head</body></html>",
    "<!doctype html><!-- <head> --><script>x()</script><head></head>",  # a head inside a comment
    "<!doctype html><p>text</p><head></head>",
])  # fmt: skip
def test_a_page_without_a_clear_head_is_refused(page):
    with pytest.raises(PolicyError):
        with_policy(page, [])


@pytest.mark.parametrize("page", [
    "\ufeff<!doctype html><html><head><title>x</title></head></html>",  # a template saved with a BOM
    '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<HTML lang="en">\n<!-- hi -->\n<HEAD>\n</HEAD></HTML>',
])  # fmt: skip
def test_what_may_come_before_the_head_is_kept_before_the_policy(page):
    out = with_policy(page, [])
    assert out.index("Content-Security-Policy") > out.lower().index("<head>")
    assert out.replace("\n" + _META.search(out).group(0), "") == page


def test_only_scripts_a_browser_runs_inline_are_allowed():
    page = (
        '<script>a()</script><script type="module">b()</script><script TYPE=" Text/JavaScript ">c()</script>'
        '<script src="/x.js"></script><script data-src="/y.js">d()</script><script src>e()</script>'
        '<script type="application/ld+json">{}</script><script type="text/plain">f()</script>'
    )
    assert inline_scripts(page) == ["a()", "b()", "c()", "d()"]


def test_a_script_is_hashed_as_the_browser_reads_it():
    # The HTML parser turns CR LF and CR into LF before the browser hashes a script's text.
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(b"a()\nb()\nc()").digest()).decode() + "'"
    assert digest in policy([], ["a()\r\nb()\rc()"])
    assert "'unsafe-inline'" in policy([], None) and "sha256" not in policy([], None)
    with pytest.raises(ValueError):
        policy(["a.io;b"], [])


@pytest.mark.parametrize("site_url", ["https://river_bend.example/", "http://[::1]:8000/"])
def test_a_site_url_no_policy_can_name_is_left_to_self(sample, site_url):
    """MkDocs accepts these site_urls; their host cannot be written in a policy (and the page's
    own origin, 'self', covers it where the site is served)."""
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://example.org/", f"site_url: {site_url}"))
    assert main(["build", "--root", str(sample), "--as-of", AS_OF]) == 0
    assert _directives((sample / "site/index.html").read_text())["default-src"] == ["'self'"]
