"""Routes around the consent promise closed in stop 40 outside the history's tests, each written
as the attack (docs/security.md). The sample site is fictional."""

from __future__ import annotations

import pytest

from generator.cli import main

AS_OF = "2026-11-22"


def _build_with_the_guide_saying(sample, text: str) -> int:
    guide = sample / "content/guides/cardiology/afib-guide.md"
    guide.write_text(guide.read_text() + f"\n\n{text}\n")
    return main(["build", "--root", str(sample), "--as-of", AS_OF])


def _site_shows(site, needle: str) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and needle.encode() in p.read_bytes())


@pytest.mark.parametrize(("named", "written"), [("Michał Nowak", "Michal Nowak"), ("Michal Nowak", "Michał Nowak"),
                                                ("Michał Nowak", "MICHAŁ NOWAK")])
def test_a_champion_s_polish_l_written_either_way_is_still_her_name(sample, named, written, capsys):
    """The page readings took Polish "ł" for the "I" of a fancy-text alphabet (`₳Ɽ₳₵ł₦₲`), so a
    champion "Michał Nowak" whom no published story credits was "michai nowak", and a guide
    thanking "Michal Nowak", as a keyboard without "ł" writes it, published his name with a
    passing build (and the other way round)."""
    champions = sample / "content/champions.yml"
    champions.write_text(champions.read_text().replace("name: Priya Kumar", f"name: {named}"))
    assert _build_with_the_guide_saying(sample, f"With thanks to {written} for the photographs.") == 1
    assert _site_shows(sample / "site", written) == []
    capsys.readouterr()
