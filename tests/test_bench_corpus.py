"""The benchmark's synthetic corpus stays a valid project under the current contract: a
benchmark of a site whose stories are all withheld, or that has errors, measures nothing."""

from __future__ import annotations

import collections
import datetime as dt
import sys

from helpers import REPO

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402

from generator.check import run_check  # noqa: E402


def test_the_synthetic_corpus_checks_clean_and_publishes_nine_stories_in_ten(tmp_path):
    root = generate(tmp_path / "corpus", 100)
    result = run_check(root, dt.date(2026, 11, 22))
    assert result.errors == []
    rules = collections.Counter(d.rule for d in result.gate.withheld)
    assert rules == {"consent-not-found": 2}
    assert len(result.gate.published("story")) == 18


def test_a_cluster_guide_lists_a_few_of_its_topic_and_the_pillar_lists_all(tmp_path):
    """Every guide listing every sibling made a topic of n guides cost n² (issue 16): a cluster
    guide shows the pillar, the next guide, eight more and three stories, then links to the
    pillar, which still lists every guide and story of the topic."""
    from generator.render import render_site

    result = run_check(generate(tmp_path / "corpus", 1000), dt.date(2026, 11, 22))
    site = render_site(result, site_url="https://example.org/")
    pillars = {p.src_uri: p.markdown for p in site.pages if p.src_uri.count("/") == 2 and p.src_uri.endswith("index.md")}
    topic = max(pillars, key=lambda uri: pillars[uri].count("fw-card--story")).removesuffix("index.md")
    pages = {p.src_uri: p.markdown for p in site.pages if p.src_uri.startswith(topic)}
    pillar = pages.pop(topic + "index.md")
    stories = pillar.count('class="fw-card fw-card--story"')
    assert len(pages) > 9 + 1 and stories > 3  # more cluster guides and stories than a guide lists
    assert all(pillar.count(f'<a href="{name.removeprefix(topic).removesuffix(".md")}/">') == 1 for name in pages if "guide-" in name)
    cluster_guide = next(text for name, text in pages.items() if "guide-" in name)
    topic_list = cluster_guide.split("## In this topic")[1].split("## Patient stories")[0]
    assert topic_list.count("\n<li>") == 1 + 1 + 8 + 1  # part of, read next, eight, all
    assert f'<a href="../">All {len(pages) + 1} guides on' in topic_list
    assert cluster_guide.count('class="fw-card fw-card--story"') == 3
    assert f"All {stories} patient stories on" in cluster_guide


def test_a_sample_starts_only_once_the_previous_builds_old_site_is_deleted(tmp_path):
    """A large build leaves its old site to a detached deleter (publish.py); the benchmark's
    next sample must not run beside it, or the rebuild is timed against that deletion."""
    import threading

    from bench.run import measure

    trash = tmp_path / ".site.staging.trash-123-0a1b2c3d"
    (trash / "page").mkdir(parents=True)
    threading.Timer(0.3, lambda: (trash / "page").rmdir() or trash.rmdir()).start()
    seen = []
    measure([sys.executable, "-c", "pass"], tmp_path, before=lambda: seen.append(trash.exists()))
    assert seen == [False]
