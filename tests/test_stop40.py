"""Routes around the consent promise closed in stop 40 outside the history's tests, each written
as the attack (docs/security.md). The sample site is fictional."""

from __future__ import annotations

import pytest
from helpers import build_with_the_guide_saying, site_shows


@pytest.mark.parametrize(("named", "written"), [("Michał Nowak", "Michal Nowak"), ("Michal Nowak", "Michał Nowak"),
                                                ("Michał Nowak", "MICHAŁ NOWAK")])
def test_a_champion_s_polish_l_written_either_way_is_still_her_name(sample, named, written, capsys):
    """The page readings took Polish "ł" for the "I" of a fancy-text alphabet (`₳Ɽ₳₵ł₦₲`), so a
    champion "Michał Nowak" whom no published story credits was "michai nowak", and a guide
    thanking "Michal Nowak", as a keyboard without "ł" writes it, published his name with a
    passing build (and the other way round)."""
    champions = sample / "content/champions.yml"
    champions.write_text(champions.read_text().replace("name: Priya Kumar", f"name: {named}"))
    assert build_with_the_guide_saying(sample, f"With thanks to {written} for the photographs.") == 1
    assert site_shows(sample / "site", written) == []
    capsys.readouterr()
