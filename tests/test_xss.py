"""Classic XSS payloads in a patient's story never reach the rendered HTML."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from helpers import copy_base, site_settings

from generator.check import run_check
from generator.cli import main
from generator.consent import write_record
from generator.shown import story_fingerprint
from generator.sanitize import story_html

PAYLOADS = {
    "script": "<script>alert('xss-script')</script>",
    "script-mixed-case": "<ScRiPt>alert('xss-mixed')</sCrIpT>",
    "img-onerror": "<img src=x onerror=alert('xss-img')>",
    "body-onload": "<body onload=alert('xss-body')>",
    "svg-script": "<svg><script>alert('xss-svg')</script></svg>",
    "svg-onload": "<svg onload=alert('xss-svg2')>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "a-javascript": "<a href=\"javascript:alert('xss-a')\">click</a>",
    "entity-javascript": "<a href=\"&#106;avascript:alert('xss-ent')\">click</a>",
    "style-expression": "<div style=\"background:url(javascript:alert('xss-style'))\">x</div>",
    "md-link-javascript": "[click](javascript:alert('xss-md'))",
    "md-link-mixed-case": "[click](JaVaScRiPt:alert('xss-md2'))",
    "md-link-entity": "[click](&#106;avascript:alert('xss-md3'))",
    "md-link-data": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-link-vbscript": "[click](vbscript:msgbox('xss'))",
    "md-image-javascript": "![x](javascript:alert('xss-mdimg'))",
    "md-image-data": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "md-image-remote": "![x](https://tracker.example/pixel.png)",
    "md-autolink-javascript": "<javascript:alert('xss-auto')>",
    "object-embed": '<object data="x.swf"></object><embed src="x.swf">',
    "form-action": '<form action="javascript:alert(1)"><button>go</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "md-link-title-breakout": '[x](https://example.org "a" onmouseover="alert(\'xss-title\')")',
}
DANGEROUS_TAGS = {
    "script",
    "iframe",
    "svg",
    "object",
    "embed",
    "form",
    "meta",
    "img",
    "style",
    "body",
    "button",
}


def assert_safe(fragment: str) -> None:
    soup = BeautifulSoup(fragment, "html.parser")
    for tag in soup.find_all(True):
        assert tag.name not in DANGEROUS_TAGS, tag
        for attr, value in tag.attrs.items():
            assert not attr.lower().startswith("on"), tag
            assert attr.lower() != "style", tag
            if attr in ("href", "src"):
                scheme = value.split(":", 1)[0].lower().strip() if ":" in value else ""
                assert scheme in ("", "http", "https"), tag


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_sanitizer_neutralizes(name):
    assert_safe(story_html(PAYLOADS[name]))


def test_sanitizer_keeps_safe_markdown():
    html = story_html(
        "**bold** [site](/cardiology/) [web](https://example.org) [mail](mailto:care@example.org)"
    )
    soup = BeautifulSoup(html, "html.parser")
    # Only http(s) and site-relative links survive: a patient's mailto: link is published as
    # its text alone.
    assert [a.get("href") for a in soup.find_all("a")] == ["/cardiology/", "https://example.org", None]
    assert soup.strong.get_text() == "bold"


def test_payloads_never_reach_the_built_story_page(tmp_path):
    root = copy_base(tmp_path)
    site_settings(root)
    story = root / "content/stories/cardiology/walking-again.md"
    body = "\n\n".join(PAYLOADS.values())
    story.write_text(
        story.read_text().split("---\n", 2)[0]
        + "---\n"
        + story.read_text().split("---\n", 2)[1]
        + "---\n"
        + body
        + "\n"
    )
    (root / "consent/C-2026-001.yml").unlink()
    result = run_check(root, dt.date(2026, 11, 22))
    project = result.project
    findings = [
        p.message.split("(finding ")[1].split(")")[0]
        for p in result.warnings
        if p.code == "identifier-in-story"
    ]
    assert len(findings) == 3  # the remote links look like personal web addresses
    write_record(
        project,
        project.stories["walking-again"],
        record_id="C-2026-001",
        signed_on=dt.date(2026, 11, 1),
        expires_on=dt.date(2027, 11, 1),
        form_ref="esign/1",
        identifiers=["first_name"],
        accepted_findings=findings,
        approved=story_fingerprint(project.stories["walking-again"], project),
    )
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    page = BeautifulSoup(
        (root / "site/stories/walking-again/index.html").read_text(), "html.parser"
    )
    body_html = page.select_one(".fw-story-body")
    assert (
        body_html is not None and "xss-script" in body_html.get_text()
    )  # shown as text, so the test can fail
    assert_safe(str(body_html))
    assert all("xss" not in (s.string or "") for s in page.find_all("script"))


HOSTILE = "Zq \"quoted\" 'single' <img src=x onerror=alert(1)> & <script>alert(2)</script> *em*"


def _replace_line(path, key: str, value: str) -> None:
    lines = path.read_text().splitlines()
    lines = [
        f"{key}: {json.dumps(value)}" if line.startswith(f"{key}:") else line for line in lines
    ]
    path.write_text("\n".join(lines) + "\n")


def test_plain_text_fields_are_escaped_wherever_the_theme_prints_them(tmp_path):
    """Titles, summaries, pull quotes, names and labels are text: the theme prints page titles,
    nav titles and meta descriptions as HTML, and Material's search inserts titles as HTML."""
    root = copy_base(tmp_path)
    site_settings(root)
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    story = root / "content/stories/cardiology/walking-again.md"
    for path in (guide, story):
        _replace_line(path, "title", f"Title {HOSTILE}")
        _replace_line(path, "summary", f"Summary {HOSTILE}"[:160])
    _replace_line(story, "pull_quote", f"Quote {HOSTILE}")
    line = root / "service_lines/cardiology.yml"
    line.write_text(
        line.read_text().replace("{title: Chest pain}", f"{{title: {json.dumps(HOSTILE)}}}")
    )
    champions = root / "content/champions.yml"
    champions.write_text(champions.read_text().replace("Fictional test champion.", HOSTILE))
    consent = root / "consent/C-2026-001.yml"
    project = run_check(root, dt.date(2026, 11, 22)).project
    fingerprint = story_fingerprint(project.stories["walking-again"], project)
    _replace_line(consent, "approved_fingerprint", fingerprint)
    result = run_check(root, dt.date(2026, 11, 22))
    assert result.gate.is_published("walking-again"), result.gate.decisions["walking-again"].reason
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0

    pages = 0
    for path in sorted((root / "site").rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(True):
            assert not any(attr.lower().startswith("on") for attr in tag.attrs), (path, tag)
            assert tag.name != "img" or tag.get("src") != "x", (path, tag)
        for script in soup.find_all("script", src=False):
            text = script.string or ""
            if script.get("type") == "application/ld+json":  # data, with no `<` to end it early
                assert "<" not in text, path
                assert json.loads(text)["@type"] in {"MedicalWebPage", "BreadcrumbList", "MedicalClinic"}
            else:
                assert "alert(" not in text, (path, script)
        pages += HOSTILE in soup.get_text()
    assert pages >= 5  # the text is shown, as text, so the test can fail

    story_page = BeautifulSoup(
        (root / "site/stories/walking-again/index.html").read_text(), "html.parser"
    )
    guide_page = BeautifulSoup(
        (root / "site/cardiology/chest-pain/chest-pain-when-to-worry/index.html").read_text(),
        "html.parser",
    )
    jsonld = json.loads(guide_page.select_one('script[type="application/ld+json"]').string)
    assert jsonld["name"] == f"Title {HOSTILE}" and jsonld["about"]["name"] == HOSTILE
    assert story_page.title.get_text() == f"Title {HOSTILE} - Riverbend Family Health"
    # The pillar's topic list is written as HTML, not Markdown (stop 44): the guide's title and
    # summary in it are text, every character as typed.
    pillar = BeautifulSoup((root / "site/cardiology/chest-pain/index.html").read_text(), "html.parser")
    listed = [li.get_text() for li in pillar.select("#in-this-topic + ul > li")]
    assert f"Title {HOSTILE} — {f'Summary {HOSTILE}'[:160]}" in listed, listed
    assert (
        story_page.select_one('meta[name="description"]')["content"] == f"Summary {HOSTILE}"[:160]
    )
    assert story_page.select_one(".md-content h1").get_text() == f"Title {HOSTILE}"
    assert story_page.select_one(".fw-pull-quote").get_text() == f"Quote {HOSTILE}"
    crumbs = [li.get_text(" ", strip=True) for li in story_page.select(".fw-breadcrumbs li")]
    assert crumbs[-1] == f"Title {HOSTILE}"
    guide_crumbs = [li.get_text(" ", strip=True) for li in guide_page.select(".fw-breadcrumbs li")]
    assert HOSTILE in guide_crumbs  # the topic's title
    assert story_page.select_one('meta[property="og:title"]')["content"] == f"Title {HOSTILE}"
    crumbs_ld = [
        json.loads(s.string) for s in guide_page.select('script[type="application/ld+json"]')
    ]
    assert any(d["@type"] == "BreadcrumbList" for d in crumbs_ld)
    index = json.loads((root / "site/search/search_index.json").read_text())
    for doc in index["docs"]:  # Material renders these as HTML: markup in them must be escaped
        assert "<img" not in doc["title"] and "<script" not in doc["title"], doc["title"]
