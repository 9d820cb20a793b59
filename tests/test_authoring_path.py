"""The whole path of a story: new -> proof -> consent record -> published -> edited -> withheld
-> new consent -> published again, on a copy of the sample site with the real commands."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from helpers import copy_sample, site_texts

from generator.cli import main

AS_OF = ["--as-of", "2026-11-22"]


def test_story_from_draft_to_publication_and_back(tmp_path, capsys):
    root = copy_sample(tmp_path)
    r = ["--root", str(root)]
    assert main(["new", "story", *r, "--title", "Breathing easier", "--champion", "sam-r",
                 "--service-line", "sleep", "--topic", "sleep-apnea"]) == 0
    path = root / "content/stories/sleep/breathing-easier.md"
    text = path.read_text()
    consent_id = re.search(r"^consent: (\S+)", text, re.MULTILINE).group(1)
    text = text.replace("TODO: one line about Breathing easier", "How a new mask made CPAP easy.")
    text = text.replace("pull_quote: ''", "pull_quote: 'The right mask changed everything.'")
    path.write_text(text.replace("TODO: write the story here with the patient, in their words.", "The first mask leaked. The second one fit."))
    capsys.readouterr()

    assert main(["check", *r, *AS_OF]) == 0
    assert f"story breathing-easier: no consent record {consent_id} on file yet [consent-not-found]" in capsys.readouterr().out

    assert main(["story", "proof", *r, "breathing-easier"]) == 0
    proof_line = capsys.readouterr().out
    proof = BeautifulSoup((root / "proofs/breathing-easier.html").read_text(), "html.parser")
    proof_fingerprint = proof.find("code").get_text()
    assert proof_fingerprint in proof_line and "The second one fit." in proof.get_text()

    assert main(["consent", "record", "breathing-easier", *r, "--signed-on", "2026-11-20",
                 "--expires-on", "2028-11-20", "--form-ref", "esign/9001", "--identifiers", "first_name",
                 "--fingerprint", proof_fingerprint]) == 0
    assert capsys.readouterr().out.startswith(f"wrote consent/{consent_id}.yml for 'breathing-easier' ({proof_fingerprint})")

    assert main(["build", *r, *AS_OF]) == 0
    assert "The second one fit." in (root / "site/stories/breathing-easier/index.html").read_text()

    path.write_text(path.read_text().replace("The second one fit.", "The third one fit."))
    capsys.readouterr()
    assert main(["check", *r, *AS_OF]) == 0
    assert "story breathing-easier: the story's text, or what its page shows with it, changed since the patient approved it" in capsys.readouterr().out
    assert main(["build", *r, *AS_OF]) == 0
    assert not any("breathing-easier" in t or "third one fit" in t for t in site_texts(root / "site").values())

    # The old proof no longer matches the story: recording it would publish words the patient
    # never saw, so nothing is written.
    again = ["consent", "record", "breathing-easier", *r, "--id", "C-2026-040", "--signed-on", "2026-11-21",
             "--expires-on", "2028-11-21", "--form-ref", "esign/9002", "--identifiers", "first_name"]
    assert main([*again, "--fingerprint", proof_fingerprint]) == 1
    assert "no longer matches the proof the patient approved" in capsys.readouterr().err
    assert not (root / "consent/C-2026-040.yml").exists()
    assert main(["story", "proof", *r, "breathing-easier"]) == 0
    new_proof = BeautifulSoup((root / "proofs/breathing-easier.html").read_text(), "html.parser")
    assert main([*again, "--fingerprint", new_proof.find("code").get_text()]) == 0
    path.write_text(path.read_text().replace(f"consent: {consent_id}", "consent: C-2026-040"))
    assert main(["build", *r, *AS_OF]) == 0
    page = BeautifulSoup((root / "site/stories/breathing-easier/index.html").read_text(), "html.parser")
    assert "The third one fit." in page.select_one(".fw-story-body").get_text()
    assert page.select_one(".fw-credit").get_text(" ", strip=True).startswith("Shared by Sam ,")
