"""Synthetic content in the contract format, at any size, for the benchmark.

A fifth of the pieces are stories; nine in ten of those have a valid consent. Every topic has
one pillar and about a dozen cluster guides, so the navigation is service line -> topic ->
pages like a real health library.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import yaml

from generator.sanitize import story_html
from generator.shown import fingerprint_fields

WORDS = ["heart", "care", "team", "visit", "blood", "pressure", "test", "results", "medicine", "doctor", "nurse", "sleep", "pain", "back", "neck", "thyroid", "hormone", "daily", "walk", "rest", "recovery", "plan", "questions", "answers", "symptoms", "signs", "appointment", "breathing", "exercise", "water", "salt", "weight", "morning", "evening", "family", "support", "health", "clinic", "follow", "gentle", "simple", "clear", "steps", "treatment", "options", "choose", "decide", "prepare", "learn"]
LINES = 10
GUIDES_PER_TOPIC = 12


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def body(rng: random.Random) -> str:
    parts = []
    for section in range(3):
        parts.append(f"## Part {section + 1}\n\n{paragraph(rng, 4)}\n\n{paragraph(rng, 3)}")
    return "\n\n".join(parts) + "\n"


def generate(root: Path, pieces: int, seed: int = 7) -> Path:
    """Write a project of `pieces` guides and stories under `root` (replacing it)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    stories = pieces // 5
    guides = pieces - stories
    topics_per_line = max(1, round(guides / (LINES * GUIDES_PER_TOPIC)))
    for folder in ("service_lines", "content/guides", "content/stories", "consent"):
        (root / folder).mkdir(parents=True)
    shown_names = {}  # service line and topic slugs -> the names the pages print
    for line in range(LINES):
        topics = {f"topic-{line}-{t}": {"title": f"Topic {line}.{t}"} for t in range(topics_per_line)}
        data = {
            "name": f"Service line {line}",
            "summary": "A synthetic service line for the benchmark.",
            "default_next_step": "intake",
            "care_steps": {
                "intake": {"label": "Start your intake form", "url": f"https://example.org/intake/{line}"},
                "scheduling": {"label": "Book a visit", "url": f"https://example.org/book/{line}"},
                **({"triage": {"label": "Urgent?", "text": "Call 911.", "phone": "911"}} if line == 0 else {}),
            },
            "topics": topics,
        }
        (root / f"service_lines/line-{line}.yml").write_text(yaml.safe_dump(data, sort_keys=False))
        shown_names[f"line-{line}"] = data["name"]
        shown_names.update((slug, topic["title"]) for slug, topic in topics.items())
    all_topics = [(f"line-{line}", f"topic-{line}-{t}") for line in range(LINES) for t in range(topics_per_line)]
    # One-word names of letters only, as a first-name consent requires.
    champions = {f"champion-{i}": {"name": f"Champion{chr(97 + i // 26)}{chr(97 + i % 26)}", "bio": "Synthetic."}
                 for i in range(50)}
    (root / "content/champions.yml").write_text(yaml.safe_dump(champions))
    pillars = set()
    for i in range(guides):
        line, topic = all_topics[i % len(all_topics)]
        pillar = (line, topic) not in pillars
        pillars.add((line, topic))
        fm = {
            "title": f"Guide {i}: {rng.choice(WORDS)} and {rng.choice(WORDS)}",
            "summary": paragraph(rng, 1)[:150],
            "service_line": line,
            "topic": topic,
            "pillar": pillar,
            "stage": rng.choice(["learn", "decide", "prepare", "recover"]),
            "reviewed_by": "A. Example, MD",
            "reviewed_on": dt.date(2026, 9, 1),
            "tags": [rng.choice(WORDS)],
        }
        folder = root / "content/guides" / line
        folder.mkdir(exist_ok=True)
        (folder / f"guide-{i}.md").write_text("---\n" + yaml.safe_dump(fm, sort_keys=False) + "---\n" + body(rng))
    for i in range(stories):
        line, topic = all_topics[rng.randrange(len(all_topics))]
        fm = {
            "title": f"Story {i}: {rng.choice(WORDS)} again",
            "summary": paragraph(rng, 1)[:150],
            "champion": f"champion-{i % 50}",
            "service_line": line,
            "topic": topic,
            "consent": f"C-2026-{i:05d}",
            "pull_quote": paragraph(rng, 1)[:80],
        }
        text = body(rng)
        folder = root / "content/stories" / line
        folder.mkdir(exist_ok=True)
        (folder / f"story-{i}.md").write_text("---\n" + yaml.safe_dump(fm, sort_keys=False) + "---\n" + text)
        if i % 10 == 9:
            continue  # one story in ten has no consent on file yet
        record = {
            "story": f"story-{i}", "signed_on": dt.date(2026, 1, 1), "signed_by": "patient", "purpose": "Website.",
            "scope": ["website"], "identifiers": ["first_name"], "expires_on": dt.date(2028, 1, 1), "form_ref": f"esign/{i}",
            "approved_fingerprint": fingerprint_fields(
                {
                    "title": fm["title"], "summary": fm["summary"], "pull_quote": fm["pull_quote"],
                    "body": story_html(text.lstrip("\n")), "material_connection": "",
                    "champion_name": champions[fm["champion"]]["name"], "champion_bio": "Synthetic.",
                    "champion_photo": "", "service_line": line, "topic": topic,
                    "service_line_name": shown_names[line], "topic_title": shown_names[topic],
                }
            ),
        }
        (root / f"consent/C-2026-{i:05d}.yml").write_text(yaml.safe_dump(record, sort_keys=False))
    return root
