"""Make `generator/data/first_names_world.txt`: first names the census lists lack.

The identifier scan's first names come from the 1990 US census (the `names` package): about
5,200 names, few of them Arabic, African, South or East Asian ("Hamid drove me to every
appointment" read as no name). This adds the Latin-script first names of every locale of
Faker's person provider (MIT), with marks read as the letters under them ("José" as "jose"),
less every name that is also an English word: one in the English word-frequency list of
pyspellchecker (MIT) at least `WORD_COUNT` times ("Mile", "Park", "Gauge", "Mercy"), one of
Faker's own list of common English words, or one of the scan's own word lists. Run from the
repository's root after upgrading either package, and commit the file:

    python -m tests.identifiers_eval.world_names > generator/data/first_names_world.txt

`tests/test_identifiers_eval.py` checks that the committed file is what this makes.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import unicodedata

WORD_COUNT = 2000  # "ali" (1,518 in the English list) stays a name; "gauge" (3,794) does not
_NAME = re.compile(r"[a-z][a-z'’-]*[a-z]")
_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")


def faker_first_names() -> set[str]:
    """Every Latin-script first name of Faker's person locales, lower case, marks read off."""
    from faker.providers import person

    from generator.identifiers import _UNMARKED

    found: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in _ATTRIBUTES:
            names = getattr(provider, attribute, None)
            if isinstance(names, dict):
                names = list(names)
            if not isinstance(names, (list, tuple)):
                continue  # a property of the base class, not a list
            for name in names:
                lower = unicodedata.normalize("NFC", name).lower().translate(_UNMARKED)
                if len(lower) >= 3 and _NAME.fullmatch(lower):
                    found.add(lower)
    return found


def english_words() -> set[str]:
    """Words common in English text, and the scan's own word lists."""
    import faker.providers.lorem.en_US as lorem
    from spellchecker import SpellChecker

    from generator import identifier_names as names

    frequency = SpellChecker(language="en", distance=1).word_frequency
    common = {word for word, count in frequency.dictionary.items() if count >= WORD_COUNT}
    return (
        common
        | set(lorem.Provider.word_list)
        | names.NOT_NAMES
        | names._PLAIN_WORDS
        | names._SHOUTED_EVERYDAY
        | names.MONTHS
        | names.DAYS
        | names.REGIONS
        | {state.lower() for state in names.STATES}
    )


def world_first_names() -> list[str]:
    from generator.identifier_names import first_names

    return sorted(faker_first_names() - first_names() - english_words())


HEADER = """\
# First names the census lists lack, for the identifier scan (generator/identifier_names.py).
# Made by tests/identifiers_eval/world_names.py from Faker's person locales (MIT, Faker's
# authors), less English words (pyspellchecker's English word frequencies, MIT). Do not edit.
"""


def main() -> None:
    print(HEADER + "\n".join(world_first_names()))


if __name__ == "__main__":
    main()
