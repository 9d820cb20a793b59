"""What patients see, in a real headless Chromium: WCAG 2.1 AA with axe-core, the call to
action in the first screen at phone and desktop sizes, keyboard reach, and screenshots.

Chromium comes from Debian's `chromium` package and axe-core from the npm registry; `make
test` installs both. If either is missing these tests fail loudly rather than skip, unless
FLYWHEEL_SKIP_BROWSER=1 says on purpose that this machine has no browser.
"""

from __future__ import annotations

import http.server
import os
import shutil
from pathlib import Path
from typing import ClassVar

import pytest
from helpers import REPO, copy_sample, serve_folder

from generator.cli import main

CHROMIUM = os.environ.get("FLYWHEEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
AXE = REPO / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / "docs/screenshots"
SIZES = {"phone": (375, 667), "desktop": (1280, 800)}
PAGES = {
    "home": "/",
    "service-line": "/cardiology/",
    "pillar": "/cardiology/chest-pain/",
    "cluster-guide": "/thyroid/hypothyroidism/taking-levothyroxine/",
    "story": "/stories/finding-answers/",
    "stories-index": "/stories/",
    "champion": "/champions/daniel-o/",
    "urgent-guide": "/cardiology/chest-pain/chest-pain-when-to-worry/",
    "not-found": "/404.html",
}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

if os.environ.get("FLYWHEEL_SKIP_BROWSER") == "1":
    pytest.skip("FLYWHEEL_SKIP_BROWSER=1: browser tests switched off on purpose", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    missing = [str(p) for p in (Path(CHROMIUM), AXE) if not p.exists()]
    if missing:
        pytest.fail(f"browser tests need {', '.join(missing)}: run `make test` (it installs Debian's chromium and npm's axe-core)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("browser"))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    base, server = serve_folder(root / "site", QuietHandler)
    yield base, root
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def open_page(browser, url: str, size=(1280, 800), bypass_csp: bool = False):
    """`bypass_csp`: for a test that adds its own script (axe) or watches a request the page's
    Content-Security-Policy would refuse; the policy itself is tested with it on."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, reduced_motion="reduce",
                                  bypass_csp=bypass_csp)
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in result["violations"]]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_wcag_21_aa_violations(browser, site_url, name):
    base, _ = site_url
    context, page = open_page(browser, base + PAGES[name], bypass_csp=True)
    try:
        assert axe_violations(page) == []
    finally:
        context.close()


def test_axe_catches_a_call_to_action_without_a_name(browser, site_url):
    base, _ = site_url
    context, page = open_page(browser, base + PAGES["story"], bypass_csp=True)
    try:
        page.evaluate("() => { document.querySelector('.fw-cta').textContent = ''; }")
        assert "link-name" in [v["id"] for v in axe_violations(page)]
    finally:
        context.close()


def story_and_guide_paths(root: Path) -> list[str]:
    paths = []
    for html in sorted((root / "site").rglob("index.html")):
        rel = html.parent.relative_to(root / "site").as_posix()
        if rel.startswith("stories/") or rel.count("/") >= 1 and not rel.startswith(("champions", "search", "assets")):
            paths.append(f"/{rel}/")
    return paths


CTA_CHECK = """() => {
  const cta = document.querySelector('.md-content .fw-cta');
  const triage = document.querySelector('.md-content .fw-triage');
  const box = cta.getBoundingClientRect();
  const style = getComputedStyle(cta);
  return {
    visible: box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth
             && style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0,
    triageTop: triage ? triage.getBoundingClientRect().top : null,
    name: cta.textContent.trim(),
  };
}"""


@pytest.mark.parametrize("size", sorted(SIZES))
def test_cta_is_in_the_first_screen_of_every_story_and_guide(browser, site_url, size):
    base, root = site_url
    paths = story_and_guide_paths(root)
    assert len(paths) == 26 + 5
    context = browser.new_context(viewport=dict(zip(("width", "height"), SIZES[size])), reduced_motion="reduce")
    page = context.new_page()
    try:
        for path in paths:
            page.goto(base + path, wait_until="load")
            state = page.evaluate(CTA_CHECK)
            assert state["visible"] and state["name"], f"{path} at {size}: {state}"
            if state["triageTop"] is not None:  # urgent pages: the triage notice is in the first screen too
                assert 0 <= state["triageTop"] < SIZES[size][1] / 2, f"{path} at {size}: {state}"
    finally:
        context.close()


@pytest.mark.parametrize("name", ["story", "pillar", "service-line"])
def test_cta_is_reachable_with_the_keyboard(browser, site_url, name):
    base, _ = site_url
    context, page = open_page(browser, base + PAGES[name], SIZES["phone"])
    try:
        for _ in range(400):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('fw-cta')"):
                break
        else:
            pytest.fail("Tab never reached the call to action")
        box = page.evaluate("() => document.activeElement.getBoundingClientRect().bottom <= window.innerHeight")
        assert box, "the focused call to action is off screen"
    finally:
        context.close()


def test_screenshots_of_each_page_type(browser, site_url):
    base, _ = site_url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        for name, path in PAGES.items():
            context, page = open_page(browser, base + path, (width, height))
            target = SCREENSHOTS / f"{name}-{size}.png"
            page.screenshot(path=str(target))
            context.close()
            assert target.stat().st_size > 5000


def test_no_page_requests_anything_from_another_host(browser, site_url):
    """Contract v2: a page loads nothing from any host but the site's own (fonts included)."""
    base, _ = site_url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        for path in PAGES.values():
            page.goto(base + path, wait_until="networkidle")
        # A search loads the worker and the index too: type as a reader does, once the index
        # is in, and wait for Material's result count.
        page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('search_index.json'))")
        page.click("input.md-search__input")
        page.keyboard.type("chest", delay=50)
        page.wait_for_function(
            "() => /matching/.test(document.querySelector('.md-search-result__meta').innerText)",
            timeout=20000,
        )
        assert len(requests) > 20
        foreign = sorted({u for u in requests if not u.startswith((base, "data:", "blob:"))})
        assert foreign == []
    finally:
        context.close()


def test_a_request_to_another_host_is_caught(browser, site_url):
    """The check above can fail: a page that fetches a font from elsewhere is seen."""
    base, _ = site_url
    context, page = open_page(browser, base + "/", bypass_csp=True)  # the policy would refuse it
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.evaluate("""() => { const l = document.createElement('link'); l.rel = 'stylesheet';
        l.href = 'https://fonts.googleapis.invalid/css'; document.head.appendChild(l); }""")
    page.wait_for_timeout(300)
    context.close()
    assert any("fonts.googleapis.invalid" in u for u in requests)


HEADER_CHECK = """() => {
  const inView = (el) => { if (!el) return false; const b = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return b.width > 0 && b.top >= 0 && b.bottom <= window.innerHeight && b.left >= 0
      && b.right <= window.innerWidth && s.visibility !== 'hidden' && s.display !== 'none'; };
  const phone = document.querySelector('.fw-header__phone');
  const cta = document.querySelector('.fw-header__cta');
  return {phone: inView(phone), phoneHref: phone && phone.getAttribute('href'),
          cta: inView(cta), ctaName: cta && cta.textContent.trim(),
          scrollable: document.documentElement.scrollWidth > window.innerWidth};
}"""


@pytest.mark.parametrize("name", sorted(PAGES))
def test_header_phone_and_next_step_in_the_first_phone_screen(browser, site_url, name):
    base, _ = site_url
    context, page = open_page(browser, base + PAGES[name], SIZES["phone"])
    try:
        state = page.evaluate(HEADER_CHECK)
        assert state == {
            "phone": True, "phoneHref": "tel:+15550100", "cta": True,
            "ctaName": state["ctaName"] or "(none)", "scrollable": False,
        }, name
        assert state["ctaName"] != "(none)"
    finally:
        context.close()


EMERGENCY_CHECK = """() => {
  const first = document.querySelector('.md-content__inner').firstElementChild;
  const b = first.getBoundingClientRect();
  const call = first.querySelector('.fw-care-card__call');
  const heading = first.querySelector('h2');
  return {classes: [...first.classList], top: b.top, call: call && call.textContent.trim(),
          href: call && call.getAttribute('href'), callBottom: call && call.getBoundingClientRect().bottom,
          headingBg: getComputedStyle(heading).backgroundColor, bg: getComputedStyle(first).backgroundColor};
}"""


@pytest.mark.parametrize("path", ["/cardiology/chest-pain/chest-pain-when-to-worry/", "/cardiology/heart-failure/", "/cardiology/"])
def test_emergency_card_comes_first_and_says_the_number(browser, site_url, path):
    base, _ = site_url
    context, page = open_page(browser, base + path, SIZES["phone"])
    try:
        state = page.evaluate(EMERGENCY_CHECK)
        assert "fw-care-card--emergency" in state["classes"], state
        assert state["call"] == "Call 911" and state["href"] == "tel:911", state
        assert state["callBottom"] <= SIZES["phone"][1], state  # the number is in the first screen
        assert state["headingBg"] == "rgb(200, 16, 46)" and state["bg"] == "rgb(33, 43, 50)", state
    finally:
        context.close()


PRINT_CHECK = """() => {
  const shown = (sel) => [...document.querySelectorAll(sel)].some(
    (el) => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0);
  const bar = document.querySelector('.fw-next-step');
  return {header: shown('.md-header'), crumbs: shown('.fw-breadcrumbs'),
          barPosition: getComputedStyle(bar).position, barText: bar.innerText,
          card: shown('.fw-triage'), cardText: document.querySelector('.fw-triage').innerText,
          cardBg: getComputedStyle(document.querySelector('.fw-triage')).backgroundColor};
}"""


def test_a_guide_prints_cleanly(browser, site_url):
    """Print: no header, breadcrumbs or sticky bar; the emergency card and next step as text
    with the phone number or address."""
    base, _ = site_url
    context, page = open_page(browser, base + "/cardiology/heart-failure/heart-failure-daily-weights/")
    try:
        page.emulate_media(media="print")
        state = page.evaluate(PRINT_CHECK)
        assert not state["header"] and not state["crumbs"], state
        assert state["barPosition"] == "static", state
        assert "https://example.org/intake/cardiology" in state["barText"], state
        assert state["card"] and "Call 911" in state["cardText"], state
        assert state["cardBg"] == "rgb(255, 255, 255)", state  # black on white, not a black box
        page.emulate_media(media="screen")
        assert page.evaluate(PRINT_CHECK)["header"]  # the check can fail: on screen it shows
    finally:
        context.close()


# The Content-Security-Policy (generator/csp.py), as the browser enforces it.

WATCH_VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_the_policy_refuses_nothing_the_site_does(browser, site_url):
    """Material's scripts, search worker and index, styles, icons: every page as a reader uses it."""
    base, _ = site_url
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        for path in PAGES.values():
            page.goto(base + path, wait_until="networkidle")
            assert page.evaluate("window.__violations") == [], path
            assert page.evaluate("document.documentElement.classList.contains('js')"), path  # Material ran
        page.click("input.md-search__input")
        page.keyboard.type("chest", delay=50)
        page.wait_for_function(
            "() => /matching/.test(document.querySelector('.md-search-result__meta').innerText)", timeout=20000
        )
        assert page.evaluate("window.__violations") == [] and refused == []
    finally:
        context.close()


class BeaconHandler(http.server.BaseHTTPRequestHandler):
    """A host that is not the site: records every request it gets."""

    heard: ClassVar[list[str]] = []

    def __init__(self, *args, directory=None, **kwargs):  # serve_folder names a folder; none is served
        super().__init__(*args, **kwargs)

    def do_GET(self):
        BeaconHandler.heard.append(self.path)
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("how", ["alone", "with a looser policy in the theme", "host listed"])
def test_a_script_the_practice_adds_cannot_call_another_host(browser, tmp_path, how):
    """An analytics snippet saved into the practice's own `extra_javascript` file writes its
    tracker's address while it runs, where no check of the built files can read it: the policy
    makes the browser refuse every request it makes. A second, looser policy that the
    practice's theme writes into the head loosens nothing (a browser enforces every policy a
    page carries). Listing the host in practice.yml lets the requests through (which shows
    this test sees them when they are made)."""
    from helpers import serve_folder

    BeaconHandler.heard = []
    tracker, tracker_server = serve_folder(tmp_path, BeaconHandler)  # another port: another origin
    (tmp_path / "site-copy").mkdir()
    root = copy_sample(tmp_path / "site-copy")
    (root / "theme/pages/js").mkdir(parents=True)
    (root / "theme/pages/js/analytics.js").write_text(
        "(function () { var t = '" + tracker + "';\n"
        "  new Image().src = t + '/pixel.gif';\n"
        "  fetch(t + '/collect').catch(function () {});\n"
        "  var s = document.createElement('script'); s.src = t + '/gtag.js'; document.head.appendChild(s);\n"
        "})();\n"
    )
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "\nextra_javascript:\n  - js/analytics.js\n")
    allowed = how == "host listed"
    if how == "with a looser policy in the theme":
        config.write_text(config.read_text().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"))
        (root / "overrides").mkdir()
        (root / "overrides/main.html").write_text(
            '{% extends "base.html" %}\n{% block extrahead %}<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src * 'unsafe-inline' 'unsafe-eval'\">{% endblock %}\n"
        )
    if allowed:
        practice = root / "practice.yml"
        practice.write_text(practice.read_text().replace(
            "third_parties: []", "third_parties:\n  - {host: 127.0.0.1, reason: the test's stand-in tracker}"))
    assert main(["build", "--root", str(root), "--as-of", "2026-11-22"]) == 0
    base, server = serve_folder(root / "site", QuietHandler)
    context = browser.new_context()
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    try:
        page.goto(base + PAGES["story"], wait_until="networkidle")
        page.wait_for_timeout(300)
        if how == "with a looser policy in the theme":
            assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 2
        violations = page.evaluate("window.__violations")
        if allowed:
            assert sorted(BeaconHandler.heard) == ["/collect", "/gtag.js", "/pixel.gif"] and violations == []
        else:
            assert BeaconHandler.heard == []
            assert {v.split()[0] for v in violations} == {"img-src", "connect-src", "script-src-elem"}, violations
    finally:
        context.close()
        server.shutdown()
        tracker_server.shutdown()


def test_an_event_handler_that_got_into_a_page_does_not_run(browser, site_url):
    """Inline scripts run only when the page was built with them (their hashes are in the
    policy): an `onerror` that reached a page some other way stays inert."""
    base, _ = site_url
    probe = """() => new Promise((done) => {
        document.body.insertAdjacentHTML('beforeend', '<img src="/no-such-image.png" onerror="window.__ran = 1">');
        setTimeout(() => done(window.__ran === 1), 500); })"""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(base + PAGES["pillar"], wait_until="load")
        assert page.evaluate(probe) is False
        page.goto(base + "/robots.txt")  # the same origin, no policy: the probe can see a handler run
        page.set_content("<!doctype html><title>x</title><body></body>")
        assert page.evaluate(probe) is True
    finally:
        context.close()
