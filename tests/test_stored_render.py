"""A build renders again only the guides and stories whose body changed since the stored render
(rerender.stored_render), and the site is the one a fresh render makes, byte for byte; no
stored render this machine did not sign, or made from other content, is ever used."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys

import pytest
import yaml
from helpers import REPO, copy_sample, site_settings, site_texts, tree_digest

sys.path.insert(0, str(REPO))  # `bench` is a folder of the repository, not of the package

from bench.synth import generate  # noqa: E402
from generator import rerender  # noqa: E402
from generator.cli import main  # noqa: E402

AS_OF = "2026-11-22"


def site_of(root, *extra) -> dict[str, str]:
    assert main(["build", "--root", str(root), "--as-of", AS_OF, *extra]) == 0
    return {p.split("/site/", 1)[1]: d for p, d in tree_digest(root / "site").items()}


@pytest.fixture
def corpus(tmp_path):
    root = generate(tmp_path / "corpus", 150)
    site_settings(root)
    return root


class Renders:
    """What the build rendered: whole sites, and the pieces rendered alone."""

    def __init__(self, monkeypatch):
        self.whole, self.pieces = 0, []
        whole, pieces = rerender.render_site, rerender.render_pieces

        def render_site(*args, **kwargs):
            self.whole += 1
            return whole(*args, **kwargs)

        def render_pieces(result, slugs, **kwargs):
            self.pieces.append(set(slugs))
            return pieces(result, slugs, **kwargs)

        monkeypatch.setattr(rerender, "render_site", render_site)
        monkeypatch.setattr(rerender, "render_pieces", render_pieces)


def test_after_a_body_edit_only_that_guide_is_rendered_and_the_site_is_the_fresh_one(corpus, monkeypatch):
    site_of(corpus)
    assert (corpus / ".flywheel-cache" / rerender.STORED).is_file()
    renders = Renders(monkeypatch)
    unchanged = site_of(corpus)
    assert renders.whole == 0 and renders.pieces == []  # nothing changed: nothing rendered
    assert site_of(corpus, "--no-cache") == unchanged
    guide = min((corpus / "content/guides").rglob("guide-1.md"))
    guide.write_text(guide.read_text() + "\nWalk and rest each day, a sentence of its own.\n")
    warm = site_of(corpus)
    assert renders.whole == 0 and renders.pieces == [{"guide-1"}]
    assert any("a sentence of its own" in text for text in site_texts(corpus / "site").values())
    assert site_of(corpus, "--no-cache") == warm
    # The stored render was left as it was: the edited guide is rendered again each time.
    assert site_of(corpus) == warm and renders.pieces[-1] == {"guide-1"}


@pytest.mark.parametrize("edit", ["title", "revocation", "story body"])
def test_what_the_body_does_not_hold_renders_the_whole_site(tmp_path, monkeypatch, edit):
    """A title reaches the pages that list the guide; a revocation and a story edit (which ends
    its consent, the fingerprint changing) change the gate's decisions, and so the digest."""
    root = copy_sample(tmp_path)
    site_of(root)
    renders = Renders(monkeypatch)
    if edit == "title":
        guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
        guide.write_text(guide.read_text().replace('title: "Chest pain: when to worry"', 'title: "Chest pain: when to call"'))
    elif edit == "revocation":
        record = root / "consent/C-2026-012.yml"
        data = yaml.safe_load(record.read_text())
        data["revoked_on"] = "2026-11-20"
        record.write_text(yaml.safe_dump(data, sort_keys=False))
    else:
        story = root / "content/stories/spine/finding-answers.md"
        story.write_text(story.read_text().replace("I am running again now", "I am swimming again now"))
    warm = site_of(root)
    assert renders.whole == 1 and renders.pieces == []
    assert site_of(root, "--no-cache") == warm
    if edit != "title":
        slug = "learning-to-live-with-heart-failure" if edit == "revocation" else "finding-answers"
        assert not any(path.startswith(f"stories/{slug}/") for path in warm)


@pytest.mark.parametrize("attack", ["edited file", "foreign key"])
def test_a_stored_render_this_machine_did_not_sign_is_never_used(corpus, tmp_path, monkeypatch, attack):
    """A hostile pull request commits .flywheel-cache/render.json whose pages say what it likes,
    with the right digest and bodies: unsigned, or signed with another machine's key."""
    fresh = site_of(corpus, "--no-cache")
    site_of(corpus)
    stored = corpus / ".flywheel-cache" / rerender.STORED
    if attack == "foreign key":
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
        site_of(corpus)  # the attacker's own build, signed with the attacker's key
    mac, _, payload = stored.read_bytes().partition(b"\n")
    data = json.loads(payload)
    for page in data["site"]["pages"]:
        page[1] = page[1].replace("Walk", "Planted: Story 3, a withheld story. Walk")
    payload = json.dumps(data).encode()
    if attack == "foreign key":
        key = (tmp_path / "attacker/flywheel/cache-key").read_bytes()
        mac = hmac.new(key, payload, hashlib.sha256).hexdigest().encode()
        monkeypatch.undo()
    stored.write_bytes(mac + b"\n" + payload)
    renders = Renders(monkeypatch)
    assert site_of(corpus) == fresh and renders.whole == 1
    assert not any("Planted" in text for text in site_texts(corpus / "site").values())


def test_the_digest_is_the_same_in_every_process_and_changes_with_the_content(tmp_path):
    """pydantic keeps the fields a model was given as a set, and a pickle's memo follows which
    equal objects are one: both changed from one process to the next, so a stored render was
    never found. Three processes with three hash seeds must agree."""
    root = copy_sample(tmp_path)
    script = (
        "import datetime, sys; from pathlib import Path; from generator.check import run_check; "
        "from generator.rerender import layout_digest; "
        f"print(layout_digest(run_check(Path(sys.argv[1]), datetime.date.fromisoformat('{AS_OF}'), use_cache=True), {{'a': 1}}))"
    )

    def digests() -> set[str]:
        return {
            subprocess.run([sys.executable, "-c", script, str(root)], env={**os.environ, "PYTHONHASHSEED": str(seed)},
                           capture_output=True, text=True, check=True, cwd=REPO).stdout.strip()
            for seed in (1, 2, 3)
        }

    before = digests()
    assert len(before) == 1 and len(next(iter(before))) == 64
    guide = root / "content/guides/cardiology/chest-pain-when-to-worry.md"
    guide.write_text(guide.read_text() + "\nA new paragraph.\n")  # the text alone: not in the digest
    assert digests() == before
    guide.write_text(guide.read_text().replace('title: "Chest pain: when to worry"', 'title: "Chest pain: when to call"'))
    after = digests()
    assert len(after) == 1 and after != before
