"""The sample site, built by real MkDocs and read back with an HTML parser."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from helpers import copy_base, copy_sample, site_texts, tree_digest

from generator.check import run_check
from generator.cli import main
from generator.link import with_campaign
from generator.render import render_site

AS_OF = "2026-11-22"
WITHHELD_MARKERS = [  # phrases only the withheld sample pieces contain
    "A steady plan beats a racing heart",
    "a-racing-heart",
    "I build things again",
    "back-to-the-workshop",
    "One blood test changed everything",
    "tired-for-years",
    "Cardiac rehab: what to expect",
    "cardiac-rehab-what-to-expect",
]
PUBLISHED_MARKERS = [
    "I finally felt heard.",
    "finding-answers",
    "My scale is my early warning system.",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = copy_sample(tmp_path_factory.mktemp("site"))
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    rendered = render_site(result, site_name="Riverbend Family Health")
    return root, rendered


@pytest.fixture(scope="module")
def gate(built):
    return run_check(built[0], dt.date.fromisoformat(AS_OF)).gate


def html_of(root, src_uri: str) -> BeautifulSoup:
    path = src_uri.removesuffix(".md")
    path = path.removesuffix("index").rstrip("/")
    file = root / "site" / path / "index.html" if path else root / "site/index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def content(soup: BeautifulSoup):
    return soup.select_one(".md-content__inner")


def test_every_published_piece_has_a_page_and_nothing_else_does(built, gate):
    _, rendered = built
    for kind in ("guide", "story"):
        pages = sorted(p.slug for p in rendered.pages if p.kind == kind)
        assert pages == sorted(gate.published(kind)), kind
    assert gate.withheld, "the sample must withhold something, or the leak tests prove nothing"


def test_every_page_has_one_primary_cta_with_its_step_url(built):
    root, rendered = built
    checked = 0
    for page in rendered.pages:
        ctas = content(html_of(root, page.src_uri)).select(".md-button--primary")
        if page.kind == "home":
            assert ctas == []
            continue
        assert len(ctas) == 1, page.src_uri
        step = page.next_step
        assert ctas[0]["href"] == (step.url or f"tel:{step.phone}"), page.src_uri
        assert ctas[0].get_text(strip=True) == step.label
        checked += 1
    assert checked == len(rendered.pages) - 1  # every page but the home page
    assert {p.kind for p in rendered.pages} == {
        "home",
        "service_line",
        "guide",
        "story",
        "champion",
    }


def test_campaign_parameters_name_line_and_page(built):
    root, _ = built
    cta = content(html_of(root, "spine/csf-leak/index.md")).select_one(".fw-cta")
    assert cta["href"] == (
        "https://example.org/intake/spine?utm_source=website&utm_medium=cta"
        "&utm_campaign=spine&utm_content=csf-leak-guide"
    )


def test_service_line_care_steps_carry_the_campaign(built):
    root, _ = built
    links = [
        a["href"] for a in content(html_of(root, "thyroid/index.md")).select(".fw-care-steps a")
    ]
    campaign = "utm_source=website&utm_medium=cta&utm_campaign=thyroid&utm_content=thyroid"
    assert links[:2] == [
        f"https://example.org/intake/thyroid?{campaign}",
        f"https://example.org/book/thyroid?{campaign}",
    ]


def test_urgent_pages_show_triage_first(built):
    root, rendered = built
    # Every page whose next step is on the urgent pathway, champion pages that lead there too.
    urgent = [p for p in rendered.pages if p.service_line == "cardiology"]
    assert len(urgent) >= 10 and any(p.kind == "champion" for p in urgent)
    for page in urgent:
        first = content(html_of(root, page.src_uri)).find(recursive=False)
        assert first.name == "aside" and "fw-triage" in first["class"], page.src_uri
        assert "Call 911" in first.get_text()
    calm = content(html_of(root, "thyroid/hypothyroidism/index.md"))
    assert calm.select(".fw-triage") == []


def _links(soup) -> set[str]:
    return {a["href"] for a in content(soup).select("a[href]")}


def test_pillar_and_cluster_guides_link_both_ways(built):
    root, _ = built
    pillar = content(html_of(root, "cardiology/heart-failure/index.md"))
    pillar_links = {a["href"] for a in pillar.select("a[href]")}
    for slug in [
        "heart-failure-daily-weights",
        "heart-failure-medicines",
        "heart-failure-low-salt-eating",
    ]:
        assert f"{slug}/" in pillar_links
        cluster = html_of(root, f"cardiology/heart-failure/{slug}.md")
        assert "../" in _links(cluster), slug  # back to the pillar (the topic's index)
        read_next = [
            li for li in content(cluster).select("li") if li.get_text().startswith("Read next:")
        ]
        assert len(read_next) == 1 and read_next[0].a["href"].startswith("../")
    assert "../../stories/learning-to-live-with-heart-failure/" in pillar_links


def test_story_page_credit_quote_notices(built):
    root, _ = built
    named = content(html_of(root, "stories/walking-again-after-my-heart-attack.md"))
    assert (
        named.select_one(".fw-credit")
        .get_text(" ", strip=True)
        .startswith("Shared by Daniel Okafor")
    )
    assert "discounted follow-up" in named.select_one(".fw-material-connection").get_text()
    assert "Individual results vary." in named.select_one(".fw-disclosure").get_text()
    assert (
        named.select_one(".fw-pull-quote").get_text(strip=True)
        == "Every walk is a thank-you to the people who helped me."
    )
    assert "../../cardiology/chest-pain/" in _links(
        html_of(root, "stories/walking-again-after-my-heart-attack.md")
    )
    anonymous = content(html_of(root, "stories/my-thyroid-nodule-was-nothing-to-fear.md"))
    assert (
        anonymous.select_one(".fw-credit")
        .get_text(" ", strip=True)
        .startswith("Shared by a patient champion")
    )
    assert anonymous.select(".fw-material-connection") == []


def test_anonymous_champions_have_no_page_and_no_name_anywhere(built):
    root, _ = built
    texts = site_texts(root / "site")
    assert "champions/daniel-o/index.html" in texts and "champions/ines-v/index.html" not in texts
    assert not any("Ines" in text for text in texts.values())


def test_guides_carry_medical_webpage_jsonld_and_no_page_has_reviews(built):
    root, _ = built
    soup = html_of(root, "thyroid/thyroid-nodules/thyroid-ultrasound.md")
    data = json.loads(content(soup).select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-03-10"
    assert data["reviewedBy"] == {"@type": "Person", "name": "A. Example, MD"}
    assert data["url"] == "https://example.org/thyroid/thyroid-nodules/thyroid-ultrasound/"
    assert data["name"] == soup.select_one("h1").get_text()
    assert (
        "Medically reviewed by A. Example, MD on March 10, 2026"
        in content(soup).select_one(".fw-reviewed").get_text()
    )
    for name, text in site_texts(root / "site").items():
        assert '"Review"' not in text and "AggregateRating" not in text, name


def test_nothing_of_a_withheld_piece_reaches_any_file(built):
    root, _ = built
    texts = site_texts(root / "site")
    assert "search/search_index.json" in texts and "sitemap.xml.gz" in texts
    for marker in WITHHELD_MARKERS:
        leaks = [name for name, text in texts.items() if marker in text]
        assert leaks == [], f"{marker!r} leaked into {leaks}"
    for marker in PUBLISHED_MARKERS:  # the search can find things, so it can fail
        assert any(marker in text for text in texts.values()), marker
    assert "finding-answers" in texts["sitemap.xml"]


def test_every_page_says_the_practice_is_fictional(built):
    root, _ = built
    for name, text in site_texts(root / "site").items():
        if name.endswith(".html"):
            assert "is a fictional practice" in text, name


def test_navigation_is_service_line_then_topic(built):
    _, rendered = built
    titles = [next(iter(item)) for item in rendered.nav]
    assert titles == [
        "Home",
        "Cardiology",
        "Sleep medicine",
        "Spine and headache care",
        "Thyroid care",
        "Our patient champions",
    ]
    cardiology = rendered.nav[1]["Cardiology"]
    assert cardiology[0] == "cardiology/index.md"
    assert [next(iter(t)) for t in cardiology[1:]] == [
        "Atrial fibrillation",
        "Chest pain",
        "Living with heart failure",
    ]


def test_campaign_parameters_can_be_turned_off(tmp_path):
    root = copy_sample(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("campaign_params: true", "campaign_params: false"))
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    cta = content(html_of(root, "spine/csf-leak/index.md")).select_one(".fw-cta")
    assert cta["href"] == "https://example.org/intake/spine"
    for name, text in site_texts(root / "site").items():
        assert "utm_" not in text, name


def test_failed_build_leaves_previous_site_untouched(tmp_path, capsys):
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    before = tree_digest(root / "site")
    broken = root / "content/guides/cardiology/ecg-what-to-expect.md"
    broken.write_text(broken.read_text().replace("stage: prepare", "stage: prepar"))
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 1
    assert tree_digest(root / "site") == before
    assert "build stopped (1 error(s)): site/ left as it was" in capsys.readouterr().err


def test_strict_fails_on_a_broken_link_and_keeps_site(tmp_path):
    root = copy_sample(tmp_path)
    for path in root.glob("consent/*.yml"):  # no warnings from the gate in this copy
        path.write_text(
            path.read_text().replace("expires_on: 2026-12-10", "expires_on: 2028-12-10")
        )
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    before = tree_digest(root / "site")
    guide = root / "content/guides/spine/back-pain-exercises.md"
    guide.write_text(guide.read_text() + "\nSee [the missing page](no-such-page.md).\n")
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0  # not strict: a warning only
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert tree_digest(root / "site") != before
    before = tree_digest(root / "site")
    code = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
        env={"FLYWHEEL_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
        text=True,
    )
    assert code.returncode == 1 and "no-such-page.md" in code.stderr
    lines = guide.read_text().splitlines()
    where = f"content/guides/spine/back-pain-exercises.md:{len(lines)}"
    assert f"(generated from {where})" in code.stderr  # the file the author can fix
    assert tree_digest(root / "site") == before


def test_mkdocs_build_gives_the_same_site(tmp_path):
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    ours = {k: v for k, v in site_texts(root / "site").items() if not k.startswith("sitemap")}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")],
        env={"FLYWHEEL_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        check=False,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = {k: v for k, v in site_texts(root / "site").items() if not k.startswith("sitemap")}
    assert theirs == ours


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = copy_sample(tmp_path)
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    first = tree_digest(root / "site")
    assert main(["build", "--root", str(root), "--as-of", AS_OF]) == 0
    assert {k.split("/site/", 1)[1]: v for k, v in tree_digest(root / "site").items()} == {
        k.split("/site/", 1)[1]: v for k, v in first.items()
    }


def test_campaign_keeps_the_step_urls_own_query_and_fragment():
    url = "https://example.org/intake?form=a%20b&flag&utm_source=old#start"
    assert with_campaign(url, "spine", "csf-leak-guide") == (
        "https://example.org/intake?form=a%20b&flag&utm_source=website&utm_medium=cta"
        "&utm_campaign=spine&utm_content=csf-leak-guide#start"
    )
    assert with_campaign("/intake/thyroid", "thyroid", "x").startswith(
        "/intake/thyroid?utm_source="
    )


def test_a_triage_step_that_cannot_be_a_link_falls_back_to_intake(tmp_path):
    root = copy_base(tmp_path)
    line = root / "service_lines/cardiology.yml"
    line.write_text(line.read_text().replace(', phone: "911"}', "}"))
    result = run_check(root, dt.date.fromisoformat(AS_OF))
    assert result.ok, result.errors
    page = render_site(result).page("chest-pain-when-to-worry")  # its next_step is triage
    assert page is not None and page.next_step.kind == "intake"
    assert page.markdown.index('class="fw-triage"') < page.markdown.index("<h1>")
    assert page.markdown.count("fw-cta") == 1


def test_every_link_in_page_chrome_reaches_a_built_page(built):
    """Links the templates write as raw HTML are not checked by MkDocs: resolve them here."""
    import posixpath

    from generator.render import page_url

    root, rendered = built
    checked = 0
    for page in rendered.pages:
        here = page_url(page.src_uri).rstrip("/")  # the folder the page is served from
        for a in content(html_of(root, page.src_uri)).select(".fw-credit a[href]"):
            target = posixpath.normpath(posixpath.join(here, a["href"]))
            assert (root / "site" / target / "index.html").exists(), f"{page.src_uri}: {a['href']} -> {target}"
            checked += 1
    assert checked >= 4  # the named stories' credits link to their champion pages
