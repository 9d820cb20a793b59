"""The generated reference docs match the schema they are generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.reference import GENERATED

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("rel", sorted(GENERATED))
def test_generated_docs_are_current(rel):
    committed = (REPO / rel).read_text(encoding="utf-8")
    assert committed == GENERATED[rel](), f"{rel} is stale: run `python -m generator.reference`"


def test_readme_starts_with_the_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```")[1].strip().splitlines()
    assert block == ["make site", "make test"]
    assert "make test" in (REPO / ".ci/run").read_text(encoding="utf-8")
