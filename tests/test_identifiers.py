"""Identifying details in story text withhold the story until removed or accepted."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from helpers import copy_base
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import identifiers
from generator.check import run_check
from generator.identifiers import findings_key, scan, scan_story

FOUND = [
    ("email", "Write to me at jo.smith@example.com any time."),
    ("phone", "Call me on (555) 010-4567 after six."),
    ("phone", "My fax is 555.010.4567."),
    ("phone", "Text +1 555 010 4567."),
    ("ssn", "It was 123-45-6789 on the form."),
    ("date", "I was born on March 3, 1961."),
    ("date", "I was born on 3 March 1961."),
    ("date", "Admitted 3/14/1961 at night."),
    ("date", "Admitted 1961-03-14 at night."),
    # A day written as a word (stop 28).
    ("date", "I was admitted on March the third and went home."),
    ("date", "On the fourteenth of March I collapsed."),
    ("date", "I was born March fourteenth, nineteen sixty-one."),
    ("date", "It was the twenty-first of June."),
    ("date", "ON THE FIRST OF MAY we drove to the ER."),
    ("date", "On Christmas Day in 1998 I collapsed at my sister's."),
    ("date", "Thanksgiving 2019 was my first day home."),
    ("url", "Find me on Instagram @jane.recovers any time."),
    ("url", "Pay me back on Venmo @Jane-Doe-12 whenever."),
    # Ages over 89 told by a birthday or a birth year (stop 28).
    ("date", "DOB: 3/14, same as my dad's."),
    ("age", "We had cake for my 91st birthday."),
    ("age", "She still gardened at the age of 93."),
    ("town", "We drove to my grandson's wedding in Tulsa."),
    ("town", "My niece in Tacoma sends cards."),
    ("street-address", "We live at 1200 Route 9, past the feed store."),
    ("street-address", "Our farm is off County Road 12."),
    ("age", "For her ninety-first birthday we drove to the lake."),
    ("age", "I was born in 1921 on a farm outside town."),
    ("age", "Born in the spring of 1920, I have seen a lot of doctors."),
    ("record-number", "My MRN: 44812 was on the wristband."),
    ("record-number", "Quote account # A-9921 when you call."),
    ("street-address", "We live at 12 Oak Hill Road now."),
    ("street-address", "Find us at 221B Baker St."),
    ("url", "My blog is at https://jo-recovers.example.com/diary."),
    ("url", "See www.jo-recovers.net for more."),
    # The misses the issue measured, one of each.
    ("url", "I wrote about it on russo.com."),
    ("record-number", "My MRN is 4986440."),
    ("record-number", "My hospital number is 22-41178."),
    ("record-number", "Patient number A88213 was on every page."),
    ("phone", "You can reach me at 620-456-7340x6788."),
    ("phone", "My cell is 001-620-456-7340."),
    ("phone", "Call 6204567340 any evening."),
    ("street-address", "We live at 4417 Larkspur Forge."),
    ("street-address", "Send cards to 88 Quail Run Views."),
    ("street-address", "My house at 1209 Chestnut Estates has stairs."),
    ("street-address", "The ambulance came to 31 Mill Alley."),
    ("street-address", "I grew up at 7 Old Post Turnpike."),
    ("ip-address", "The portal logged me in from 192.168.1.24."),
    ("name", "My neighbour Tom Becker drove me to every appointment."),
    ("name", "My sister Carla stayed with me."),
    ("zip", "Our ZIP code is 43215."),
    ("vehicle-id", "My license plate is 7ABC123."),
    ("town", "I have lived in Millbrook my whole life."),
    ("age", "I am 92 and still live on my own."),
    ("date", "My surgery was on June 9th."),
    ("licence-number", "My driver's license number is D123-4567-8901."),
    ("device-id", "My pacemaker serial number is PJN123456H."),
    # Names typed without capitals: the relation or "named" before them says what they are.
    ("name", "my husband, robert mcallister, drove me in."),
    ("name", "my neighbour walter checked on me every day."),
    ("name", "our nurse patricia's jokes kept me going."),
    ("name", "a volunteer named jerome pushed my wheelchair."),
    ("name", "My husband, robert mcallister, drove me in."),  # the sentence's capital is not the name's
    # Surnames typed without a capital after a short title.
    ("name", "dr. okafor told me to rest."),
    ("name", "I saw Dr. okafor today."),
    ("name", "mrs. jones from next door brought soup."),
    ("name", "Thank you, dr patel, for listening."),
    ("name", "sgt. miller helped me up the stairs."),  # every abbreviated title of the list
    # Typed with caps lock on: before, these read as acronyms.
    ("name", "MY NEIGHBOUR WALTER BECKER DROVE ME."),
    ("name", "My neighbour WALTER BECKER drove me."),
    ("name", "DR. OKAFOR TOLD ME TO REST."),
    ("date", "I WAS BORN ON MARCH 3, 1961."),
    ("date", "MY SURGERY WAS ON JUNE 9TH."),
    ("street-address", "WE LIVE AT 12 OAK HILL ROAD NOW."),
    ("town", "I HAVE LIVED IN MILLBROOK MY WHOLE LIFE."),
    ("town", "I GREW UP IN SPRINGFIELD, OHIO."),
    ("age", "I AM NINETY-THREE YEARS OLD."),
    # Typed without capitals: before, streets, towns and most dates went unread.
    ("date", "i was born on march 3, 1961."),
    ("street-address", "we live at 12 oak hill road now."),
    ("town", "i have lived in millbrook my whole life."),
    ("zip", "send it to columbus, oh 43201."),
    ("name", "kimberly osei from the support group called."),
    # One word typed in capitals in ordinary text: before, it read as an acronym.
    ("name", "My neighbour TOM drove me to the clinic that morning."),
    ("name", "My sister PRIYANKA sat with me the whole time."),  # a name the lists lack
    ("name", "I called my daughter, ANNA, right away."),
    ("name", "My daughter-in-law KEISHA set up the pill box."),
    ("name", "Dr. OKAFOR explained the results slowly."),
    ("name", "Nurse BECKER took my blood pressure."),
    ("name", "Nurse JONES was kind to me."),
    ("name", "My neighbour TOM BECKER drove me."),  # a run named by the word before it
    ("name", "When MARCUS found me on the floor he called for help."),
    ("name", "I work for HARTWELL PLUMBING, so lifting is part of the job."),
    ("town", "We moved here from TOLEDO last year."),
    ("town", "After retiring we moved to PRESCOTT."),
    ("town", "The town of ELLSWORTH has one pharmacy."),
    ("town", "We drove two hours from CEDAR FALLS for the scan."),
    ("date", "I was born on MARCH 3, 1961."),
    ("date", "My heart attack was on the 5th of JANUARY."),
    ("date", "See you on MAY 4 then."),
    ("street-address", "I live at 12 OAK HILL ROAD in town."),  # the number before the run
    # Spelt with marks: the detectors' patterns and lists are ASCII, and read none of these.
    ("name", "My husband José drove me."),
    ("name", "My wife Zoë sat with me."),
    ("name", "My neighbour Łukasz Nowak helped."),
    ("name", "Ms. Ibáñez called me."),
    ("name", "my husband josé drove me."),
    ("name", "MY HUSBAND JOSÉ DROVE ME."),
    ("town", "I was born in Zürich."),
    # A first name that is also a word, made a name by the relation after it.
    ("name", "Tom's wife drove me home."),
    ("name", "Bill's son sat with me."),
    # Numbers spelt out after the words that name them, and handles named as such.
    ("phone", "Call me on five five five, zero one four seven."),
    ("phone", "You can reach me at five-five-five, oh-one-four-seven."),
    ("ssn", "My social is zero seven eight zero five one one two zero."),
    ("url", "My patient portal username is jsmith61."),
    ("url", "Login: jo.smith61"),
    # First names the 1990 census lists lack, with no word before them that says "a name".
    ("name", "Hamid drove me to every appointment."),
    ("name", "Kwame brought soup every Sunday."),
    ("name", "Later that week Dmitri visited."),
    ("name", "I told Mei-Ling Chen about my fears."),
    ("age", "I'm in my late nineties."),
    ("age", "She is in her mid-nineties."),
    ("street-address", "I live on Rural Route 2, Box 14."),
    ("street-address", "HC 61 Box 12 is our address."),
    ("device-id", "My pacemaker ID: PM-55201-X."),
    ("licence-number", "My employee ID is E48291."),
]
# As a reader sees them: characters nobody sees inside an identifier, and letters of another
# script that look like Latin ones, hid it from the scan.
FOUND += [
    ("phone", "Call me at 312-555\u200b-0187 anytime."),  # a zero-width space
    ("phone", "Call me at 312-555-01\u00ad87 anytime."),  # a soft hyphen
    ("email", "Write to jo.smith@exa\u2060mple.com today."),  # a word joiner
    ("name", "My neighbour R\u043ebert drove me to the clinic."),  # a Cyrillic o
    ("ssn", "My SSN is 078-05-11\u200d20."),  # a zero-width joiner
]

NOT_FOUND = [
    # What a grandchild calls a grandparent is a relation, not a name (stop 29).
    "Nana brought soup every day. Mama cooked, and Papa drove me to every visit.",
    # Ordinal words near a month that are not a day (stop 28).
    "In March the second round of chemo began.",
    "During May the first week was hard.",
    "Every first of the month I refill my pills.",
    "It was my first March in the new job, the second of three winters.",
    "By Christmas I was home. In 2019 I had surgery; Christmas was hard. 2019 was worse.",
    "I was @ home by 5.30 and slept.",
    "I was born in 1990; my son was born in 2015. His weight is in the ninetieth percentile.",
    "My 21st birthday was the last time I felt this well. It was my 91st visit.",
    "I drove on Highway 61 to the hospital, then took Route 9 home. In 2019 Route 66 was closed.",
    "We have a grandson in Kindergarten and a daughter in Preschool; the wedding in June, our trip in December.",
    "Last spring I was 54 and my heart rate was 120.",
    "In 2019 I had 3 visits and walked 5 miles on the road.",
    "Take 2 tablets a day; it lasted 10-12 days.",
    "I finally felt heard.",
    "My blood pressure was 120/80 in March.",
    # Context the issue names: none of these identifies anyone.
    "I was 38 years old",
    "We moved to West Virginia",
    "In 2003 my doctor found a nodule",
    "My A1c went from 9.5 to 6.5",
    "6 tablets of 100 mg",
    "8 p.m. to 5 a.m.",
    "Every morning I take 8 weeks of pills, says the CPAP and ECG team.",
    "My heart rate was 110 when I arrived.",
    # Lower-case words after a relation that are everyday words, not names.
    "my son will drive me next time.",
    "my wife and I walk every day.",
    "a dog named max keeps me company.",
    "my doctor said to rest.",
    "my neighbors were kind.",
    "Thank you to everyone at the clinic \u2014 it\u2019s been a good year.",
    "\u041c\u043e\u0441\u043a\u0432\u0430 is a long way from here.",  # a word in another script
    # Capitals and their absence say nothing here.
    "the dr. said to rest.",
    "I asked the dr. about it.",
    "my dr. appointment went well.",
    "MY ECG AND CPAP ARE FINE.",
    "I WILL WALK EVERY DAY WITH MY SON.",
    "I HAD HOPE AGAIN AFTER THE SURGERY.",
    "MY HEART RATE WAS 110 WHEN I ARRIVED.",
    "MY NEIGHBOUR WALKED THE DOG FOR A MONTH.",
    "i walked 5 miles on the road.",
    "we moved to west virginia to be near my parents.",
    "i lived in pain for years.",
    "My ECG showed AFIB twice.",
    # One word in capitals is mostly emphasis or an acronym.
    "The ECG was normal and the MRI was clear.",
    "I went to the ED at midnight.",
    "I was admitted to the ICU from the ER.",
    "I was moved from ICU to a ward after two days.",
    "My doctor REALLY listened to me.",
    "My husband NEVER left my side.",
    "My daughter HELPS me with my pills.",
    "My wife SAVED my life that night.",
    "My kids KEEP me going.",
    "Thanks TEAM for everything.",
    "My doctor, THANK goodness, caught it.",
    "We moved from ABROAD years ago.",
    "I was in AGONY for a week.",
    "Father DIED young.",
    "I MAY need a second opinion.",
    "My ECHO came back normal.",
    "I ate at a café near the clinic.",
    "My naïve hope was gone.",
    "I updated my résumé.",
    "I had crème brûlée after surgery.",
    "Mom's friend drove me.",
    "Mother's Day was hard.",
    "God's grace got me through.",
    "I counted one, two, three, four, five, six, seven breaths.",
    "My login is broken.",
    "I could not handle 3000 steps.",
    # First names in other languages that are English words are not read as names.
    "Mile after mile I walked.",
    "Park rangers found me on the trail.",
    "Long-term care was hard.",
    "ACE inhibitors, ARBs or ARNIs relax blood vessels.",
    "In the late nineties we moved.",
    "The RR 3 bus was late.",
    "Our staff number is small.",
]


@pytest.mark.parametrize("kind, text", FOUND, ids=[f"{k}-{i}" for i, (k, _) in enumerate(FOUND)])
def test_identifier_is_found(kind, text):
    assert [f.kind for f in scan(text)] == [kind]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_text_is_not_flagged(text):
    assert scan(text) == []


def test_finding_withholds_story_until_accepted(tmp_path):
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\nCall me at (555) 010-4567.\n")
    result = run_check(root, dt.date(2026, 11, 22))
    decision = result.gate.decisions["walking-again"]
    identifier_reasons = [r for r in decision.reasons if r[0] == "identifier-found"]
    assert identifier_reasons == [("identifier-found", "line 13: a phone or fax number (finding phone:b77a27aa)")]
    warning = [p for p in result.warnings if p.code == "identifier-in-story"][0]
    assert warning.format() == (
        "content/stories/cardiology/walking-again.md:13: warning: a phone or fax number (finding "
        "phone:b77a27aa); the story is withheld [identifier-in-story]\n    hint: remove it from the text, "
        "or, if the patient agreed to it, add 'phone:b77a27aa' to accepted_findings in consent/C-2026-001.yml"
    )
    assert "010-4567" not in warning.format()
    # Accepting the finding (with a new approval of the changed text) publishes it again.
    from generator.shown import story_fingerprint

    record_path = root / "consent/C-2026-001.yml"
    record = yaml.safe_load(record_path.read_text())
    project = run_check(root, dt.date(2026, 11, 22)).project
    record["approved_fingerprint"] = story_fingerprint(project.stories["walking-again"], project)
    record["accepted_findings"] = ["phone:b77a27aa"]
    record_path.write_text(yaml.safe_dump(record))
    assert run_check(root, dt.date(2026, 11, 22)).gate.decisions["walking-again"].published


def test_title_findings_point_at_the_title_line(tmp_path):
    root = copy_base(tmp_path)
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text().replace("title: Walking again", "title: Walking again at 12 Elm Street"))
    result = run_check(root, dt.date(2026, 11, 22))
    assert [(p.line, p.code) for p in result.warnings] == [(2, "identifier-in-story")]


ALLOWED = frozenset({"Maria Lopez", "A. Example"})


@pytest.mark.parametrize(
    "text, found",
    [
        ("Maria and I walked the dog.", []),
        ("maria lopez wrote this story, and MARIA LOPEZ approved it.", []),
        ("Lopez is my family name.", []),
        ("Dr. Example told me the results.", []),
        ("Maria Hernandez, my cousin, came too.", ["name"]),
        ("My sister Rosa came too.", ["name"]),
    ],
)
def test_allowed_names_are_whole_words_in_any_case(text, found):
    assert [f.kind for f in scan(text, allowed_names=ALLOWED)] == found


def test_scan_story_reports_each_part_on_its_own_line():
    parts = [("Walking again", 2), ("Call 555-0147", 3), ("", 7), ("Line one.\nWrite to jo@example.com", 12)]
    assert [(f.kind, f.line) for f in scan_story(parts)] == [("phone", 3), ("email", 13)]


def test_findings_key_cannot_collide():
    joined = findings_key([("a\x1eb", 1)], [])
    split = findings_key([("a", 1), ("b", 1)], [])
    assert joined != split
    assert findings_key([("a", 1)], []) != findings_key([("a", 2)], [])
    assert findings_key([("a", 1)], ["Ana"]) != findings_key([("a", 1)], [])
    assert findings_key([("a", 1)], ["Ana", "Bo"]) == findings_key([("a", 1)], ["Bo", "Ana", "Ana"])


def test_a_scans_cache_key_carries_the_birth_year_limit():
    """"born in 1931" is a finding in one year and was not in an earlier one: a cached scan
    answers only for the year its limit was read in."""
    from generator import dates, identifiers

    assert identifiers.BIRTH_YEAR_OF_NINETY == dates.clock().year - 89
    kind, _ = findings_key([("I was born in 1931.", 1)], [])
    assert kind.endswith(f".{identifiers.BIRTH_YEAR_OF_NINETY}")
    born = f"I was born in {identifiers.BIRTH_YEAR_OF_NINETY}."
    assert [f.kind for f in scan(born)] == ["age"]
    assert scan(f"I was born in {identifiers.BIRTH_YEAR_OF_NINETY + 1}.") == []


def test_an_ordinal_birthday_is_the_age_it_names():
    """One rule reads "90th" and "91st birthday" alike, and the finding is the number, as it was
    before "91st" was read: a finding compliance accepted for "my 90th birthday" stays accepted."""
    from generator.identifiers import finding_id

    for age, text in (("90", "For my 90th birthday we ate cake."), ("91", "Cake for my 91st birthday."),
                      ("95", "MY 95TH BIRTHDAY")):
        assert [f.id for f in scan(text)] == [finding_id("age", age)]


def test_finding_ids_do_not_depend_on_position():
    first = scan("Call me on 555-0147.")[0]
    second = scan("Long before anything else happened,\nplease call me on 555-0147.", 40)[0]
    assert first.id == second.id and (first.line, second.line) == (1, 41)


def _adversarial(size: int) -> str:
    seeds = [
        "1", " ", "a@", "-", "Abc ", "www.", "1-", "1.", "a:", "Tom ", "Dr. Tom 12 Oak ", "a.b@",
        "+1 ", "(555) ", "1/", "my sister ", "Ann, ", "12 ", "ab:", "_a", "\n", ".", "social ",
        "serial number ", "in Tom ", "lived in ", "zip 1", "I am 9", "March 3 ", "a.com.", "O'",
        "12345 ", "192.168.", "x@y.", "ninety ", "on Oak ", "County ", "Street ", "\u00e9",
        # Runs in capitals and sentences without any, which are read a second time as written.
        "MY SON BEN ", "DR. OKAFOR ", "I WORK FOR ACME AT ", "my son ben ", "we live in toledo near ",
        "12 OAK HILL ROAD ", "columbus, oh 43201 ",
        # One word in capitals after a word that names it, read with the words before it.
        "my son BEN ", "moved back to TOLEDO ", "work for ACME ", "Nurse JONES ", "born on MAY 4 ",
        "call me five five ", "one, ", "username is a1 ", "José ", "Tom's wife ",
        # Days as words, holidays before a year, dotted handles (stop 28).
        "March the third ", "the first of May ", "of May ", "Christmas Day in 1998 ", "1998 ",
        "@a.b.", "@jane.recovers ", "born in 1921 ", "91st birthday ", "1200 Route 9 ", "live off CR 12 ",
        # Digits joined by typographic dashes, read once more as joined by "-"; lower-case months
        # before a day, addresses at a provider, handles after a platform.
        "555\u20130", "june 9 ", "jo at gmail ", "my insta is a_b ", "Mom, 91, ",
        # Digits one by one after a phone word, letters for digits, spaced "@" and dots, and
        # a bracelet's cue (scan v36).
        "call me on 4 1 5 ", "5 ", "555-CALL-", "1-800-A", "(312) 555-", "jo @ x . com ", " . ",
        "a @ b.", "bracelet # ", "A-",
        # A phrase inside a longer word, a spoken "at" before a domain, a year of life, a slash
        # after an area code, a home before a number, a lower-case compass point (scan v37).
        "minivan plates ", "vvan plates ", "a.b at c.com ", "x at ", "in my ninety-third year ",
        "th year ", "614/555-", "house on 12 ", "12 Birch ", "12 e. lincoln hwy ", "lot # ", "acct ",
        "house at 12 N. ", "12 main st ", "1 s. 4th ", "a (at) b.com ", "ssn xxx-xx-", "xmas ",
        # Character references, an underscore against capitals, an unknown word after a
        # relation in capitals, abbreviations' full stops, idioms, departments, eponyms, a
        # label ending its line, digit words after a ZIP word (scan v39).
        "&#64;", "&amp", "_AUNT PHILIPPA_ ", "_AB", "MY SON THELONIOUS ", "ST. Aug ", "mt. shasta ",
        "uncle sam ", "Uncle S\u00e1m ", "spent in Physical Therapy ", "Addison's disease ", "in Ward B ",
        "12 quill court ", "serial number\n", "call my son on 0", "my reg is ", "MID 90S ", "at 92 i ",
        "zip is six oh ",
        # Emphasis inside a word and against lower case, references in capitals, rare words
        # after a relation in lower case, spelt house numbers in capitals, room counts (scan v40).
        "**ROS**ALIND ", "i grew up in _walla walla_ ", "WREN&NBSP;ST. ", "PERP&EACUTE;", "&Z;",
        "my son thelonious ", "my son zqxwvbnmkj ", "MY SON ALLWAYS ", "dear cosima ",
        "AT SEVENTEEN ASPEN COURT ", "a 2 bedroom place ", "zip code on my file is 5",
        "NURSE RAMONA TAUGHT ", '("Dr ',
        # Nicknames before surnames, initials, "Ft.", listed eponyms, acronyms that are first
        # names, bracketed and spaced "@", "u/", dotted SSNs, labels (scan v41).
        "my buddy skeeter halloran ", "MY PAL BIFF MCALLISTER ", "P. Kumar ", "p. kumar ",
        "father tadhg ", "named yevgeny petrovsky ", "Ft. Wayne ", "ft. wayne ", "Lou Gehrig's ",
        "Addison's, Cushing's ", "I HAD A TIA ", "my daughter silvera ", "t.barker[@]example",
        "dee_k @ example . ", "tiktok @ chemo ", "reddit is u/", "social: 401.22.", "car reg AB1",
        "age: 9", "salem, or 97301 ", "rr 2 box 1",
        # A surname in brackets or first with an initial, "née", "was from", a town before a
        # state's abbreviation in capitals, stroked letters, look-alikes in a line of their own
        # and of another script (scan v42).
        "Maria (Lopez) ", "Lopez, M. ", "LOPEZ, M. ", "n\u00e9e Lopez ", "nurse was from Bad Axe ",
        "LA CROSSE, WI ", "la crosse, wi ", "Micha\u0142 ", "\ua224\ua329\ua253 ", "\ua188\ua224 ",
        "\u13a9\u13a5 ", "R\u043ebert ",
    ]
    chunk = size // len(seeds)
    return "".join((seed * (chunk // len(seed) + 1))[:chunk] for seed in seeds)


@pytest.mark.parametrize("text_of", [
    pytest.param(_adversarial, id="mixed"),
    # One sentence without capitals, a relation before every third word: reading what came
    # before each of them from the start of the text made this quadratic (minutes, not seconds).
    pytest.param(lambda size: "my son ben " * (size // 11), id="relations-without-capitals"),
    # A word in capitals after each relation: each looks back a bounded stretch, never to the start.
    pytest.param(lambda size: "my son BEN and I moved to TOLEDO " * (size // 33), id="one-word-in-capitals"),
])
def test_scan_is_linear_on_adversarial_input(text_of):
    """Twice the text takes about twice the time, never four times: measured as this process's
    CPU time (other processes on a shared machine do not count), on a half and a whole mebibyte
    (a quadratic reading shows fourfold at any size). An absolute limit on 2 MiB failed under
    load (10.7 s against 10 s) with the same code."""
    import time

    def cpu(size: int) -> float:
        text = text_of(size)
        start = time.process_time()
        scan(text)
        return time.process_time() - start

    once, twice = cpu(512 * 1024), cpu(1024 * 1024)
    assert twice < 3 * once + 0.25, f"0.5 MiB {once:.2f} s, 1 MiB {twice:.2f} s: the identifier scan must stay linear"
    assert twice < 30, "the identifier scan of 1 MiB must take seconds, not minutes"


def _gate_reasons(root, appended: str, identifiers: list[str] | None = None) -> list[tuple[str, str]]:
    story = root / "content/stories/cardiology/walking-again.md"
    story.write_text(story.read_text() + "\n" + appended + "\n")
    if identifiers is not None:
        record_path = root / "consent/C-2026-001.yml"
        record = yaml.safe_load(record_path.read_text())
        record["identifiers"] = identifiers
        record_path.write_text(yaml.safe_dump(record))
    decision = run_check(root, dt.date(2026, 11, 22)).gate.decisions["walking-again"]
    return [r for r in decision.reasons if r[0] == "identifier-found"]


def test_the_champions_name_is_allowed_when_the_consent_shows_it(tmp_path):
    assert _gate_reasons(copy_base(tmp_path), "Ana and I walked with Dr. Example.") == []


@pytest.mark.parametrize("appended", ["Ana (Lopez) walks every morning now.", "Lopez, A. -- patient champion."])
def test_a_first_name_only_champion_s_surname_in_brackets_or_first_is_a_finding(tmp_path, appended):
    """Ana's consent allows her first name only (scan v42): her surname written in brackets
    after it, or first with her initial, withholds the story; v41 read neither as a name."""
    reasons = _gate_reasons(copy_base(tmp_path), appended)
    assert [r[1].split("(")[0] for r in reasons] == ["line 13: a name of a person or employer "]


def test_the_champions_name_is_a_finding_when_the_consent_hides_it(tmp_path):
    reasons = _gate_reasons(copy_base(tmp_path), "Ana and I walked.", identifiers=[])
    assert [r[1].split("(")[0] for r in reasons] == ["line 13: a name of a person or employer "]


def test_a_consent_with_town_accepts_towns(tmp_path):
    text = "I have lived in Millbrook my whole life."
    assert len(_gate_reasons(copy_base(tmp_path / "a"), text)) == 1
    assert _gate_reasons(copy_base(tmp_path / "b"), text, identifiers=["first_name", "town"]) == []


def test_the_practices_own_town_without_a_cue_is_no_finding(tmp_path):
    """A story names the practice's town as its address does ("our Amarillo clinic"): no
    finding, or every story would be one. Where a patient lives stays one ("I live in
    Amarillo"), and so does another town named without a cue (stop 34)."""
    def practice_in_amarillo(root):
        practice = root / "practice.yml"
        practice.write_text(practice.read_text().replace("Riverbend, ST 00000", "Amarillo, TX 79101"))
        return root

    own = "The Amarillo clinic staff knew my name by the second visit."
    assert len(_gate_reasons(copy_base(tmp_path / "a"), own)) == 1
    assert _gate_reasons(practice_in_amarillo(copy_base(tmp_path / "b")), own) == []
    lives = "I live in Amarillo. Lubbock winters are worse."
    assert len(_gate_reasons(practice_in_amarillo(copy_base(tmp_path / "c")), lives)) == 1


def test_one_word_typed_in_capitals_withholds_the_story(tmp_path):
    """The gate reads a story's words in capitals as the scan does: a name typed so in
    ordinary text withholds the story, and a town typed so is accepted by a consent that
    shows towns, like any other."""
    assert len(_gate_reasons(copy_base(tmp_path / "a"), "My neighbour TOM drove me every week.")) == 1
    text = "After retiring we moved to PRESCOTT."
    assert len(_gate_reasons(copy_base(tmp_path / "b"), text)) == 1
    assert _gate_reasons(copy_base(tmp_path / "c"), text, identifiers=["first_name", "town"]) == []


def test_a_name_spelt_with_marks_is_allowed_as_written_and_without_them():
    assert scan("My husband José drove me.", 1, frozenset(["José"])) == []
    assert scan("My husband Jose drove me.", 1, frozenset(["José"])) == []
    assert scan("My husband José drove me.", 1, frozenset(["Jose"])) == []


@pytest.mark.parametrize("text", [
    "My surgery was on june 9 and I was scared.",  # a month in lower case, the sentence not
    "It was dec. 3 when they called.",
    "My surgery was on the 3rd of feb, a Monday.",
    "I was diagnosed in september of 2019.",
    "Diagnosed in Sept of 2019, the same week as my son.",  # "of" before the year
    "I'll never forget November the 5th.",  # a day in digits after "the"
    "My birthday is 9/14, so the nurses sang.",
    "Diagnosed 09/2019 with lupus.",  # a month and its year in digits
])
def test_a_date_typed_as_patients_type_it_is_found(text):
    assert [f.kind for f in scan(text)] == ["date"]


@pytest.mark.parametrize("text", [
    "We march 5 miles for the cure.",
    "The 2nd may be worse than the first.",
    "In March the 2nd round began.",
    "My pain was 8/10 and the ratio was 3/2.",
    "I took 2 pills and walked 3 miles.",
    "It went from 2/80 to 1/60.",
])
def test_words_and_numbers_near_a_month_or_a_slash_are_no_date(text):
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    # An address at a mail provider without its ending (the known miss "jane_doe at outlook").
    ("email", "my email is jane_doe at outlook, write any time"),
    ("email", "My email is bettyjo52@aol if you want to talk."),
    ("email", "email me janedoe at gmail"),
    ("email", "My email address is janedoe at Gmail."),
    # A platform named right before a handle that holds what no word has.
    ("url", "My insta is chemo_and_chill"),
    ("url", "my tiktok: chemo_and_chill"),
    ("url", "Follow me on Instagram: jane.recovers"),
    ("url", "my IG handle is jane.recovers."),
    ("url", "Venmo: jane-doe-12"),
    ("url", "my snap is jrecov22"),
    # Letters that make no English word, after a platform or a login (known misses until stop 31).
    ("url", "My TikTok is janerecovers and I post there."),
    ("url", "My MyChart login is dkwalsh, if that helps."),
    ("url", "my username is JaneRecovers."),
    ("url", "My handle: heartstrongmom"),
    ("url", "Find me on TikTok: thyroidwarrior"),
    ("url", "my tiktok, janerecovers, has clips"),
    ("url", "my insta, jrecov22"),
    # The same handle hidden from the word list: a zero-width space, a Cyrillic a, a mark, capitals.
    ("url", "My TikTok is jane\u200brecovers."),
    ("url", "My TikTok is j\u0430nerecovers."),
    ("url", "My TikTok is j\u00e1nerecovers."),
    ("url", "MY TIKTOK IS JANERECOVERS."),
])
def test_an_address_or_handle_without_its_ending_is_found(kind, text):
    assert [f.kind for f in scan(text)] == [kind]


@pytest.mark.parametrize("text", [
    "I was at Yahoo for years.",
    "My outlook is better now.",
    "my email at yahoo got hacked",
    "email me at gmail, I check it",
    "My email is at outlook.",
    "my instagram is private",
    "I was on tiktok at 2am every night.",
    "My facebook page is mostly pictures of the dog.",
    # Words, inflected ones included, where a handle could stand.
    "my snap is deactivated now.",
    "My login is locked again.",
    "My login was expired, so the nurse reset it.",
    "The username field was blank.",
    "My instagram is cardio videos and recipes.",
    "My TikTok is journaling prompts.",
    "I'm on tiktok, mostly lurking.",
    "I use Instagram, Facebook and YouTube.",
    "My instagram, private now, has 40 followers.",
])
def test_a_provider_or_platform_without_an_address_is_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "I'm 91 years young and I walk every morning.",
    "My uncle is almost 93 now.",  # a word between the context and the age
    "I'm nearly ninety.",
    "Grandpa is about to turn 95.",
    "I'm pushing 91.",
    "Mom, 91, still gardens.",  # the age set off after the person
    "My dad (94) moved in with us.",
    "My dad (age 94) moved in with us.",
    # "a hundred" as "one hundred" was (a known miss until stop 31).
    "Grandma turned a hundred last week.",
    "My dad turned a hundred and two.",
    "My uncle is almost a hundred.",
    "Mom is a hundred and four.",
])
def test_an_age_told_in_passing_is_found(text):
    assert [f.kind for f in scan(text)] == ["age"]


@pytest.mark.parametrize("text", [
    "My sugar is almost 100.",
    "I was over 100 for days with the fever.",
    "She is about 95 pounds now.",
    "I can turn 90 degrees now.",
    "I'm pushing 100 pounds on the leg press.",
    "My husband, 90 pounds lighter, feels great.",
    "My son (age 9) came too.",
    "I'm a hundred percent better.",
    "I am a hundred times better.",
    "He is a hundred pounds lighter.",
    "I was a hundred feet from the door.",
    "I walked a hundred steps.",
])
def test_a_reading_near_an_age_word_is_no_age(text):
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    ("phone", "My number is 555\u20130142, I don't mind calls."),  # an en dash
    ("phone", "Call 503\u2014555\u20140134 after six."),  # an em dash
    ("phone", "Text 503\u2212555\u22120134."),  # a minus sign
    ("ssn", "My SSN is 123\u201345\u20136789."),
    ("date", "Admitted 3\u201314\u20131961 at night."),
])
def test_a_number_written_with_typographic_dashes_is_found(kind, text):
    assert [f.kind for f in scan(text)] == [kind]


@pytest.mark.parametrize("text", [
    "It was 2019\u20132020 \u2014 the worst year.",
    "I took 2\u20133 pills and walked 5\u201310 minutes \u2014 no more.",
    "My sugar was 180\u2013200 and my pain went from 8\u20139 to 2\u20133.",
])
def test_ranges_written_with_typographic_dashes_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    # Markdown's emphasis typed around a name in a field scanned as typed (stop 29).
    ("name", "I want to thank **Dr Okonkwo** who never once made me feel rushed."),
    ("name", "Thanks to _Maria Lopez_ for the rides."),
    ("phone", "My number is `555-867-5309` if you want to talk."),
    # A name's own surname is no sign of a heading ("Thanks to Maria Lopez" read as a title).
    ("name", "Thanks to Maria Lopez for the rides."),
    # Streets without the capitals or the suffix the street pattern asks for.
    ("street-address", "We moved to 77 Harborview Terr. last spring."),
    ("street-address", "We live at 1412 elm street, the blue house."),
    ("street-address", "We live at 1412 Elm."),
    # A family named where it lives.
    ("name", "The Hendersons across the street brought casseroles."),
    ("name", "The Kowalczyks next door mowed our lawn all summer."),
    # Phone words a form writes.
    ("phone", "ph: 5550148"),
    ("phone", "Tel. 555 0148"),
])  # fmt: skip
def test_an_identifier_typed_with_emphasis_or_without_its_usual_marks_is_found(kind, text):
    assert kind in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    "a *great* day with __no__ pain, and my email is still jane_doe_backup",
    "We took a 2 lane road to the clinic. I walked 3 blocks down the street. It is a 2 way street.",
    "I live at 5 am these days. We lived at 12 different places. I live at Riverbend now.",
    "The kids next door and the Baptists across the street prayed for me.",
    "My pH was 7.35. I will tell 5550148 people. The hotel 5550148 was full.",
    "Meet Our Team Today. Walking Again With Grace.",
])  # fmt: skip
def test_near_misses_of_those_readings_are_no_finding(text):
    assert scan(text, 1, frozenset()) == []


@pytest.mark.parametrize("kind, text", [
    # A Medicare number in the shape CMS prints it, with no context word before it (stop 30).
    ("record-number", "My Medicare card says 1EG4-TE5-MK73 on the front."),
    ("record-number", "The new card read 1EG4TE5MK73, so I called."),
    # A title of an office typed in lower case before the name it titles.
    ("name", "I saw reverend Mabry on Sunday and he prayed with us."),
    ("name", "Our pastor was away, so rabbi Feldstein came instead."),
])  # fmt: skip
def test_a_medicare_number_or_a_name_after_a_lower_case_title_is_found(kind, text):
    assert kind in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # The letters a Medicare number never holds (S, L, O, I, B, Z), lower case, a longer code.
    "The code 1SG4-TE5-MK73 is a test. Then 1eg4-te5-mk73 and 1EG4-TE5-MK73-9.",
    # A capital after a lower-case title that begins a sentence or names a day.
    "I asked the doctor. She said no. My doctor Monday said rest, and the nurse The next day agreed.",
    "Ask the nurse. Visit the clinic. Call the doctor. Symptoms may ease.",  # a title ends a sentence
])  # fmt: skip
def test_near_misses_of_a_medicare_number_or_a_lower_case_title_are_no_finding(text):
    assert scan(text, 1, frozenset()) == []


@pytest.mark.parametrize("text", [
    # A family named by its surname anywhere, not only "next door" (stop 32).
    "The Nguyens drove me home after the surgery.",
    "We stayed with the Okafors for a week while I healed.",
    "Dinner at the Joneses' house was the first time I felt normal.",
    "The Lopezes brought soup every Sunday.",
    "The Kowalski family sent flowers.",
    "the Nguyen kids made me a card",
    "The McAllisters and the O'Briens took turns driving me.",
    # A given name that is a word elsewhere, right after a relation (stop 32).
    "My twin Bo sat with me every day.",
    "My twin, Bo, sat with me every day.",
    "My son Christian drove me to rehab.",
    "My daughter India flew in from Ohio.",
])  # fmt: skip
def test_a_family_by_its_surname_or_a_given_name_that_is_a_word_after_a_relation_is_found(text):
    assert "name" in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # Teams, places, groups and words in the plural: no family.
    "We watched the Packers lose, then the Dodgers and the Yankees. The Browns lost too.",
    "Our trip to the Hamptons and the Carolinas. We hiked the Rockies and the Smokies.",
    "The Shriners paid for my brace. The Changes file and the Romans reading at church.",
    "The Marines taught me discipline. The Baptists prayed for me.",
    "I met her at the McDonalds by the highway, then the Lowes and the Wegmans.",
    "the Royal family and the Giant family of brands",  # surnames that are common words
    # A word taken as no name, after a relation but not a given name there.
    "I see my therapist Monday. My son in Heaven. I love my son. Christian music helps.",
])  # fmt: skip
def test_near_misses_of_a_family_or_a_given_name_after_a_relation_are_no_finding(text):
    assert scan(text, 1, frozenset()) == []


def test_a_family_name_the_consent_allows_is_no_finding():
    assert scan("The Nguyens drove me home.", 1, frozenset({"Nguyen"})) == []
    assert scan("The Nguyen family drove me home.", 1, frozenset({"Nguyen"})) == []


@pytest.mark.parametrize("kind, text", [
    # A ZIP code right after a town's name (stop 32).
    ("zip", "Send the forms to Chicago 60614 and they will reach me."),
    ("zip", "We moved to Springfield 62704 last year."),
    # A house number spelt out after "at" (stop 32).
    ("street-address", "We live at forty Elm Road now."),
    ("street-address", "Our first house was at twenty-two Maple Street."),
    ("street-address", "I grew up at one-oh-five Oak Lane."),
    ("street-address", "We lived at twelve twenty North Elm Street for years."),
])  # fmt: skip
def test_a_zip_code_after_a_town_or_a_house_number_spelt_out_is_found(kind, text):
    assert kind in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    "I was in Room 40210 for a week. Nearly 10000 steps a day. In March 12000 people came.",
    "It cost Medicare 12000 dollars. On Saturday 10000 steps. Walk 10000 steps.",
    "I walked at five in the morning. We met at ten. I was at one point at seven thousand steps.",
])  # fmt: skip
def test_near_misses_of_a_zip_after_a_town_or_a_spelt_house_number_are_no_finding(text):
    assert scan(text, 1, frozenset()) == []


@pytest.mark.parametrize("text", [
    # A big city that is no person's name is a town after a place cue (stop 33).
    "I live in Houston.",
    "We moved to Dallas in 2015.",
    "My daughter lives in Denver.",
    "I grew up in Columbus.",
    "My family is all in Cleveland.",
    "We retired to Orlando.",
    "We retired to Paris, Texas.",
    "My son in Paris called.",
    # A state's or a compass point's word first (stop 33).
    "I live in Kansas City.",
    "I was raised in Oklahoma City.",
    "We moved to Virginia Beach last year.",
    "my family lives in Long Beach",
    "I grew up in South Gate.",
    "I live in North Platte.",
    "We moved to West Covina.",
    "I'm from East Hollywood.",
])  # fmt: skip
def test_a_big_city_or_a_town_named_after_a_state_or_a_compass_point_is_a_town(text):
    assert "town" in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    "I grew up in North Carolina. We moved to South America, then to the West Coast.",
    "My family lives in West Virginia. I was raised in North Dakota, then in West Texas.",
    "We lived in Kansas for years. I live in New York.",
    "Houston, we have a problem. Dallas was on TV. Dear Denver Health, thank you.",
])  # fmt: skip
def test_near_misses_of_a_big_city_or_a_compound_town_are_no_town(text):
    assert "town" not in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # A word English rarely uses after "in" and a word of care or work (stop 33).
    "I was diagnosed in Tulsa.",
    "I was hospitalized in Tulsa for a week.",
    "My first surgery was in Amarillo.",
    "I had chemo in Amarillo, then radiation here.",
    "I go to the dialysis center in Amarillo three times a week.",
    "My cardiologist in Amarillo retired.",
    "here in Sheboygan the nearest specialist is an hour away.",
    "I work in Sheboygan.",
    "I got my first scan in Stockton, then came here.",
])  # fmt: skip
def test_a_rare_word_after_in_is_a_town(text):
    assert "town" in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # Languages, countries, words, feasts, scripture, programmes, possessives, acronyms.
    "The forms were in Tagalog, then in Vietnamese. We prayed in Arabic at the bedside.",
    "My husband was in Afghanistan, then in Kuwait. The pills are cheaper in Canada.",
    "I was in Stage 4. I was in Denial for months. My daughter is in Kindergarten now.",
    "I found comfort in Psalm 23 during Lent, and in Passover with my family.",
    "I was enrolled in Medicaid, then in Tricare. I read it in Reader's Digest.",
    "I was in Pre-Op by six, then in C-section recovery. The study was in NICU babies.",
    "The surgery was in December. I was diagnosed in March. I found it in MyChart.",
    # A drug, a condition, a specialty or an app is rare too: no care word, no town.
    "They made a change in Synthroid. I got better in Lexapro. Dosing in Humira is weekly.",
    "I was in Afib for hours. I was in Keytruda infusions. I was in Nephrology, then in Cardio rehab.",
    "I read about it in Healthline. I wrote it in Evernote. I posted in Reddit.",
])  # fmt: skip
def test_near_misses_of_a_rare_word_after_in_are_no_town(text):
    assert "town" not in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # A US town of GeoNames' named with no place cue (stop 34): an adjective, a sentence's
    # subject, a possessive, a borough, a hospital's or a department's name, a nickname.
    "I'm a Tulsa girl, born and raised.",
    "As a Bakersfield native, I thought valley fever was normal.",
    "Yuma in July is no place for chemo.",
    "Amarillo is two hours away.",
    "Minneapolis winters are brutal on my joints.",
    "Dearborn's Arab community took care of us.",
    "I'm a Scranton guy through and through.",
    "At the Amarillo VA they told me it was nothing.",
    "We went all the way to Rochester for the surgery.",
    "I'm from East LA.",
    "I was raised in the Bronx.",
    "Fort Wayne is home.",
    "It was snowing in Duluth the day I fell.",
    "Back in Sheboygan we had nothing.",
    "I fainted in the Walmart in Lufkin.",
    "The Muskogee ER sent me home twice.",
    "My Chicago cardiologist never called back.",
    # Typed in capitals or without any: the reading writes a known town with its capital.
    "AMARILLO IS TWO HOURS AWAY.",
    "i grew up a tulsa girl and never left",
    "Our Brooklyn apartment has four flights of stairs.",
    "The Grand Rapids hospital lost my scans.",
    "Winston-Salem is where I grew up. Lee's Summit is home now.",
    "My McAllen doctor retired. St. Louis winters are long.",
])  # fmt: skip
def test_a_known_us_town_is_a_town_without_a_place_cue(text):
    assert "town" in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # A town's name that is a person's, a drug's, a brand's, a team's, an event's or a
    # referral clinic's here: no town (stop 34). A first name is a name finding as before.
    "My cardiologist switched me to Lasix in March.",
    "Tyler drove me to every appointment.",
    "Austin, my youngest, held my hand through the biopsy.",
    "Charlotte from the support group sent me a card.",
    "My brother Eugene donated his kidney.",
    "Madison was born two weeks after my surgery.",
    "Troy sat with me during chemo.",
    "St. Jude's did amazing things for kids like mine.",
    "The nurses at St. Joseph's were wonderful.",
    "I read everything on the Mayo Clinic website.",
    "We flew out to see a specialist at the Cleveland Clinic.",
    "My husband watched the Packers game in the waiting room.",
    "I finished the Boston Marathon a year after my surgery.",
    "The Chicago Bears were playing the night I was admitted.",
    "The Denver Broncos lost the day of my surgery.",
    "I ordered a Dallas Cowboys blanket for the infusion chair.",
    "I wore my lucky Yankees cap to every scan.",
    "My appointment was on a Wednesday in January.",
    "We read about Lincoln in my son's history book while I waited.",
    "George Washington had terrible teeth, my dentist likes to say.",
    "Queen Victoria would have hated my hospital gown.",
    "Denzel Washington is my mom's favorite actor.",
    "Whitney Houston was playing on the radio when they called me.",
    "Paris Hilton's show was on in the waiting room.",
    "Jordan, my nurse, explained every step.",
    "Mercy Hospital has the best night nurses.",
    "My pharmacist at Walgreens caught the interaction.",
    "I keep a bottle of Tylenol in my purse. I take Jardiance with breakfast.",
    "My oncologist recommended Aleve. I started on Ozempic last spring.",
    "The Phoenix program helped me quit drinking.",
    "My daughter Sydney made me a playlist. My sister Savannah stayed a week.",
    "My friend Chandler brought soup every Sunday.",
    "My neighbor Dallas mows my lawn now.",
    "Dr. Lufkin explained the results slowly.",
    "I bought a Boston fern for my hospital room.",
    "We drank Manhattan cocktails to celebrate my last chemo.",
    "The Hershey bar was my first solid food after surgery.",
    "Aurora, my granddaughter, was born the week of my surgery.",
    "My wife Raleigh kept a notebook of every dose.",
    "Irving, my husband, learned to give injections.",
    "I read Harper Lee during my infusions. I watched Grey's Anatomy reruns.",
    "The practice's time zone is America/Chicago.",
    "I was treated at Memorial Sloan Kettering, then at the Hershey Medical Center.",
    "My father had Huntington's disease. The Norwalk virus went through the ward.",
    "My Pontiac broke down on the way to chemo. I bought Goodyear tires.",
    "Mount Sinai has a good lupus clinic.",
    "we love the chicago bears. I LOVE THE DENVER BRONCOS. I RAN THE BOSTON MARATHON.",
])  # fmt: skip
def test_near_misses_of_a_known_us_town_are_no_town(text):
    assert "town" not in {f.kind for f in scan(text, 1, frozenset())}


@pytest.mark.parametrize("text", [
    # A title after a greeting is no name; the allowed name after it stays clean (stop 33).
    "Thank you, Dr. Okafor, for listening.",
    "Dear Dr. Okafor, you saved me.",
    "Thank you Dr. Okafor!",
    "Hi Dr. Okafor, it's me again.",
    "Thank you, Dr. Helen Okafor.",
    "Thank you, Coach! Thanks, Nurse.",
    "Dear Reader, this is my story. Hi Everyone, thanks Team.",
])  # fmt: skip
def test_a_title_or_a_reader_greeted_is_no_name(text):
    assert scan(text, 1, frozenset({"Helen Okafor"})) == []


@pytest.mark.parametrize("text", [
    "Thank you, Dr. Becker, for listening.",
    "Dear Dr. Becker, you saved me.",
    "Thank you, Dr. Helen Becker.",
    "Dear Marcus, this is my story.",
    "Thank you, Dr. Judge.",
])  # fmt: skip
def test_a_name_after_a_greeted_title_is_still_a_name(text):
    assert "name" in {f.kind for f in scan(text, 1, frozenset({"Helen Okafor"}))}


@pytest.mark.parametrize("text", [
    # An age at death, a grandparent, a step-parent or an in-law before it, "im" without its
    # apostrophe, an ordinal celebrated without "birthday" (stop 34).
    "My mother died at 99.",
    "My mother passed at 99.",
    "She passed away at 94 in her sleep.",
    "Grandpa passed away peacefully at 99.",
    "My granddad is ninety-four and still gardens.",
    "My granny is 94.",
    "My nan is 94.",
    "My great-grandmother is 94.",
    "My father-in-law, now 97, drove himself here.",
    "My stepdad, 92, moved in.",
    "im 94 and still kicking",
    "Dad celebrated his 95th in the hospital.",
    "We celebrated her 100th.",
])  # fmt: skip
def test_an_age_at_death_or_after_a_grandparent_or_in_law_is_found(text):
    assert [f.kind for f in scan(text)] == ["age"]


@pytest.mark.parametrize("text", [
    "My mother died at 3 a.m.",
    "My mother died at 9.",
    "My mother died at 89.",
    "My phone died at 99%.",
    "The battery died at 95.",
    "He passed at 90 mph on the highway.",
    "Dad died at 95 degrees of fever.",
    "My patient died at 90 minutes past midnight.",
    "My mother was at 99 on the scale.",
    "Mom passed the test at 95.",
    "We passed at 100 feet.",
    "Dad is ranked at 99.",
    "My granny is 94 pounds now.",
    "My nan is 90% better.",
    "I'm turning 40 and my nan is 70.",
    "The IM 90 units shot hurt.",
    "im 9 and i like dogs",
    "We celebrated my 100th chemo session.",
    "We celebrated our 90th day sober.",
    "My 95th percentile score was fine.",
    "Her 100th visit was a party.",
])  # fmt: skip
def test_near_misses_of_an_age_at_death_or_celebrated_are_no_age(text):
    assert "age" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    # A pharmacy's prescription number and an insurer's member id (stop 34).
    "Rx #6012345 at CVS was the wrong dose.",
    "My Rx # is 6012345.",
    "CVS prescription #6012345 was filled wrong.",
    "Refill no. RX7788123.",
    "Rx no. 6012345",
    "My Aetna ID W123456789 was rejected.",
    "My Humana ID H12345678 came in the mail.",
    "My Medi-Cal ID is 91234567A.",
    "My Tricare ID 1234567890.",
    "The number on my insurance card, W123456789, was typed wrong.",
    "My Blue Cross ID is XYZ123456789.",
    "My MyChart ID is 8823-1123.",
    # A "#" the number touches ends the phrase before it.
    "My record #12345 was lost.",
    "My member #123456 was not on file.",
])  # fmt: skip
def test_a_pharmacy_or_insurer_number_is_a_record_number(text):
    assert [f.kind for f in scan(text)] == ["record-number"]


@pytest.mark.parametrize("text", [
    "My Rx 10mg dose was doubled.",
    "Rx 5 mg daily.",
    "Refill #2 came early.",
    "Refill no. 3 of 5 was late.",
    "My Aetna card has a 1-800 number on the back.",
    "My insurance card expired in 2023.",
    "My insurance card covers 100% of it.",
    "The Rx was for 30 tablets.",
    "The Rx says take 2 every 12 hours.",
    "My prescription number 3 is lisinopril.",
    "Aetna paid for 100000 dollars of care.",
    "My Humana ID card came in 2 weeks.",
    "My Cigna card says copay 40.",
    "Rx for 100 tablets of 500mg.",
    "I had 2 refills left, then refill #3.",
    "My prescription #2 was wrong.",
    "The MyChart ID page was down for 2 days.",
    "Rx: amoxicillin 875 mg twice a day.",
    "Tricare ID holders get 20% off.",
    "my rx 2020 was lost",
    "Rx 1/2 tab at bedtime for 14 days.",
    "My Rx cost $1,200 a month before Medicare.",
    "Rx 250000 units of vitamin D.",
    "The insurance card had 3 names on it and 12 digits.",
    "I paid 120000 for my Rx.",
])  # fmt: skip
def test_near_misses_of_a_pharmacy_or_insurer_number_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # "at" and "dot" in brackets, in capitals, or a handle before a bare provider (stop 34).
    "You can write to carol.mendes[at]yahoo[dot]com.",
    "contact me via carol[dot]mendes[at]gmail[dot]com",
    "I'm carolm (at) hotmail.",
    "Write to rosa DOT flores AT outlook DOT com.",
    "Reach me, carolmendes at gmail.",
    "write to mk1960[at]riverclinic[DOT]org",
    "rosa AT example DOT org",
    "Write to jane AT example DOT org.",
])  # fmt: skip
def test_an_email_hidden_with_brackets_or_capitals_is_found(text):
    assert [f.kind for f in scan(text)] == ["email"]


@pytest.mark.parametrize("text", [
    "I was at home with my gmail open.",
    "Look at that, Yahoo finally answered.",
    "We met at Gmail's office.",
    "Mendes at Outlook sent it.",
    "My daughter at Yahoo got me the job.",
    "I was at Outlook Hospital.",
    "Okafor at gmail wrote back.",
    "My coworkers at Hotmail were kind.",
    "I check my email at gmail every morning.",
    "I read it at AOL news.",
    "The dot com boom was before my time.",
    "My [at] home care is great (dot) com.",
    "Text me at home (at) 5.",
    "Reach out to the team at Yahoo Health.",
    "Send it to the clinic at yahoo.",
    "Everyone at icloud support was kind.",
    "Nurses at Outlook Medical were kind.",
    "We stayed at Gmail headquarters.",
    "The forms are at the front desk (at) reception.",
    "Dot, my nurse, was at the desk.",
])  # fmt: skip
def test_near_misses_of_a_hidden_email_are_no_email(text):
    assert "email" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    # Phones grouped as other countries write them or as they are read aloud (stop 34).
    "call me on 07700 900123 if you want to talk.",
    "Ring me on 0161 496 0000.",
    "ph 02 9876 5432.",
    "My number: 503 555 01 42.",
    "Text me 555 867 53 09",
    "Call us on 0800 123 456 free.",
])  # fmt: skip
def test_a_phone_grouped_in_other_ways_after_a_phone_word_is_found(text):
    assert [f.kind for f in scan(text)] == ["phone"]


@pytest.mark.parametrize("text", [
    "Call me at 3 and 4 pm.",
    "Call me in 2 weeks.",
    "Text me 5 10 15 minutes before.",
    "My number was 120 80 at the clinic.",
    "The number of 90 100 120 patients grew.",
    "The number of 90 100 120 150 patients grew.",
    "call me on the 15 20 or 25",
    "Text me at 12 30 tomorrow.",
    "Call me between 10 and 12.",
    "My number went from 140 90 to 120 80.",
    "My pain number is 8 10 most days.",
    "Call me for 15 20 minutes at lunch.",
    "The phone rang 10 12 15 times.",
    "Call me, 5 and 6 year olds welcome.",
    "My number of pills is 10 20 30 40 each week.",
    "Dial 0 then 9 for an outside line.",
    "My phone has 128 256 GB options.",
    "Text me 10 20 30 40 50 times a day.",
    "My cell count was 4500 3200 2100 over three weeks.",
    "Call me at 10 30 or 11 45.",
    "Call in 2 4 6 8 hours.",
    "My number was 98 99 100 101 on the chart.",
])  # fmt: skip
def test_near_misses_of_a_phone_in_groups_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # A holiday's morning or night with its year, a month with a two-digit year, a short date
    # after a weekday or "birthday,", an ordinal day right after its month after "of" (stop 34).
    "My daughter was born Christmas morning 2020.",
    "Christmas night 2020 was the worst.",
    "Thanksgiving morning 2019 I collapsed.",
    "Halloween night 2018 he fell.",
    "I started dialysis in Aug '22.",
    "Since May '21 I've been clean.",
    "My birthday, 8/14, I spent in the ICU.",
    "The scan was on Tuesday 5/2.",
    "On the morning of March fifteenth I woke up numb.",
])  # fmt: skip
def test_a_holiday_morning_a_short_year_or_a_weekday_date_is_found(text):
    assert [f.kind for f in scan(text)] == ["date"]


@pytest.mark.parametrize("text", [
    "Christmas morning was quiet.",
    "Every Christmas morning since 2020 we go to church.",
    "Christmas night we sang 2020 songs.",
    "I was in the class of '22.",
    "The '90s were hard.",
    "Rock n' roll in the '70s.",
    "My pain on Tuesday was 8/10.",
    "Tuesday 8/10 pain, Wednesday 6/10.",
    "My BP on Monday 120/80.",
    "On Friday 3/4 of the staff were out.",
    "My birthday, 50/50 raffle.",
    "My birthday, 2/3 of my family came.",
    "By the end of March first results came in.",
    "In March fifteenth-century art was on show.",
    "The end of March the second round began.",
    "I took Aug and Sept off work.",
    "She said 'May' '22 times.",
    "The Thursday 2/3 majority voted.",
    "On Monday 1/2 a tablet, then Tuesday 1 tablet.",
    "Sunday 1/4 cup of oats.",
    "My anniversary, 20/20 vision.",
])  # fmt: skip
def test_near_misses_of_a_holiday_morning_a_short_year_or_a_weekday_date_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # A street corner: after "corner of", or after "at" with one of the streets numbered (stop 34).
    "I collapsed at the corner of 5th and Main.",
    "I get off the bus at Peachtree and 10th.",
    "We lived near the corner of Elm and 3rd.",
    "Meet me at 5th & Main.",
    "The intersection of Elm St and Oak was closed.",
    "I work at 3rd and Pine.",
    "I was at 2nd and Main when it started.",
])  # fmt: skip
def test_a_street_corner_is_a_street_address(text):
    assert [f.kind for f in scan(text)] == ["street-address"]


@pytest.mark.parametrize("text", [
    "I was at Mom and Dad's house.",
    "Between Mom and Dad I felt safe.",
    "We were at 3 and 4 pm appointments.",
    "My kids are 5 and 6 year olds.",
    "At 5th and 6th grade I was sick a lot.",
    "I was at Christmas and Easter with family.",
    "She sat in the corner of the room and cried.",
    "At Mass and 1st Communion we prayed.",
    "at the corner of my eye and my nose",
    "I was at 1st and 2nd base.",
    "We met at Walmart and Target.",
    "The corner of Medicare and Medicaid is confusing.",
    "I came in 3rd and 4th in the races.",
    "My scans at 6 and 12 months were clear.",
    "I finished at 2nd and went home.",
    "We were at Starbucks and 2nd breakfast.",
    "At 1st and at 2nd I felt fine.",
    "I stayed at Riverbend and 3rd floor rehab.",
    "I'm at Stage 3 and 4th cycle now.",
    "We went at 8th and Tuesday.",
    "at the corner of Walgreens and the bank",
])  # fmt: skip
def test_near_misses_of_a_street_corner_are_no_finding(text):
    assert scan(text) == []


def test_a_birth_year_of_two_digits_is_an_age_only_where_it_cannot_be_this_century():
    from generator.identifiers import BIRTH_YEAR_OF_NINETY

    old = f"{(BIRTH_YEAR_OF_NINETY - 1) % 100:02d}"  # "born in '36" in 2026
    assert [f.kind for f in scan(f"I was born in '{old}, so I've seen a lot.")] == ["age"]
    assert [f.kind for f in scan(f"Born '{old} in Ohio.")] == ["age"]
    young = f"{(BIRTH_YEAR_OF_NINETY + 89 - 5) % 100:02d}"  # "born in '21": a child
    for text in (f"My son was born in '{young}.", "I was born in '45.", "I was born in '99."):
        assert scan(text) == [], text


@pytest.mark.parametrize("text", [
    # An address at a provider without "@" or "at": a handle before "on", after "my gmail is".
    "my gmail is carolmendes62",
    "My Gmail is carol.mendes",
    "my yahoo address is bigjim_1960.",
    "Anyone can find me, bigjim1960 on yahoo.",
    "Find me: rosa_f on gmail.",
])  # fmt: skip
def test_a_handle_around_a_mail_providers_name_is_an_email(text):
    assert [f.kind for f in scan(text)] == ["email"]


@pytest.mark.parametrize("text", [
    "my gmail is full",
    "My Gmail is down again.",
    "my gmail is Carol",
    "My outlook is positive.",
    "My outlook is rosier2day lol",
    "my yahoo is mendes",
    "I read about covid19 on yahoo news.",
    "I saw it on Yahoo.",
    "I posted 2019 photos on gmail.",
    "My outlook is 50/50.",
    "I found my A1c on yahoo answers.",
    "My kid's iPad2 on icloud.",
    "Our gmail is shared with my daughter.",
    "my gmail is my lifeline",
    "My Outlook calendar is full.",
    "The b12 shots on Yahoo Health.",
    "Ask about covid19 on gmail groups.",
])  # fmt: skip
def test_near_misses_of_a_handle_around_a_providers_name_are_no_email(text):
    assert "email" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    # A phone number partly in digits, partly spelt out, after a phone word (stop 34).
    "my number is 555 oh one nine nine.",
    "Call me at 503 five five five 0142.",
    "text me 555 one two three four",
])  # fmt: skip
def test_a_phone_in_digits_and_words_is_found(text):
    assert [f.kind for f in scan(text)] == ["phone"]


@pytest.mark.parametrize("text", [
    "Call me at one or 2.",
    "Call me in 2 or three weeks.",
    "Text me one, two, 3 times a day.",
    "My cell is on 100%, one bar.",
    "Call 911, one two three.",
    "Call me at 5, one hour before.",
    "My number was 120 over 80, one more time.",
    "Call me at 12 30 one day next week.",
    "Text me 3 4 five times.",
    "Call me at 10 1 2 3 4 5 minutes.",
    "my number is 8 out of 10 most days, one bad.",
    "Phone me 2 3 one.",
    "Call me one 2 three 4 five 6 seven 8 steps.",
    "I dialed 555 two times.",
    "Text me 10, 20, 30, one more time.",
    "Call me at 10, 11, 12, one of those.",
    "Call me after 4 30, one more dose at 8 45.",
    "My number: 2 4 6 one.",
])  # fmt: skip
def test_near_misses_of_a_phone_in_digits_and_words_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # A phone typed with a space between every digit, after a phone word (scan v36).
    "call me on 4 1 5 5 5 5 0 1 8 7",
    "my cell is 3 1 2 5 5 5 0 1 4 2",
    "Call me at 1 3 1 2 5 5 5 0 1 4 2 tonight.",
    "My number is 4 1 5  5 5 5  0 1 8 7.",
])  # fmt: skip
def test_a_phone_typed_digit_by_digit_is_found(text):
    assert [f.kind for f in scan(text)] == ["phone"]


@pytest.mark.parametrize("text", [
    "The score was 3 1 at halftime.",
    "I do 1 2 3 4 5 stretches each morning.",
    "Take 1 2 or 3 tablets as needed.",
    "Call me after 1 2 3 4 5 6 7 8 9 10 reps.",
    "Text me 5 5 5 5 5 5 5 5 5 5 times a day.",
    "My pain number was 7 6 8 5 4 6 7 5 3 4 that fortnight.",
    "Call me on 1 2 3 4 5 6 7 8 9 0 if you like counting.",
    "My number was 4 1 5 5 5 5 0 1 8 7 6 5 in the draw.",
    "Call in 2 4 6 8 hours.",
    "My sugar readings: 5 6 7 8 9 5 6 7 8 9",
    "Ring me 1 1 1 2 2 2 3 3 3 4 steps.",
])  # fmt: skip
def test_near_misses_of_a_phone_typed_digit_by_digit_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # A phone number with letters for digits, as vanity numbers are written (scan v36).
    "Call 555-CALL-NOW today.",
    "I ordered from 1-800-FLOWERS.",
    "My line is (312) 555-HELP.",
    "call 1-888-MY-CLINIC for a ride",
    "The crisis line is 1-800-273-TALK.",
    "She called 1-800-Dentist twice.",
    "Book at 1-800-DAYS-INN.",
    "Our clinic line: 555-Help-Now, (312) 555-HELP.",
])  # fmt: skip
def test_a_phone_number_with_letters_is_found(text):
    assert [f.kind for f in scan(text)] == ["phone"]


@pytest.mark.parametrize("text", [
    "COVID-19 kept me home.",
    "My HbA1c was 7.2.",
    "I have Type-2 diabetes.",
    "A-1 Auto fixed my car.",
    "My T-CELL-COUNT was low.",
    "My mother-in-law and a well-to-do friend came.",
    "I WAS ON THE 800-CALORIE DIET FOR A MONTH.",
    "We stayed in a 200-YEAR-OLD HOUSE.",
    "WE WALKED THE 500-MILE-TRAIL.",
    "I put 250-DOLLARS toward the bill.",
    "MY 401-K PLAN PAID FOR IT.",
    "In 2020-COVID-TIMES we stayed in.",
    "We drove 300 MILES-PER-HOUR.",
    "We had (200) RECORDS to sort.",
    "It is (300) MILES-AWAY.",
    "I got the 3-IN-1 SHOT.",
])  # fmt: skip
def test_near_misses_of_a_phone_number_with_letters_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    # An address written with spaces around "@" or the dot (scan v36).
    "Write to hello @ carolsjourney . com any time.",
    "Write to carol @ gmail.com any time.",
    "Write to carol@carolsjourney . com any time.",
    "email me: carol @ carolsjourney dot com",
    "carol at carolsjourney . com",
    "I'm jo @ gmail if you want to talk.",
    "CAROL AT GMAIL . COM",
    # Already found before v36: kept so.
    "carol at carolsjourney dot com",
    "carol (at) gmail (dot) com",
    "carol[at]gmail[dot]com",
])  # fmt: skip
def test_an_email_written_with_spaces_or_words_is_found(text):
    assert [f.kind for f in scan(text)] == ["email"]


@pytest.mark.parametrize("text", [
    "Look at the dot on the scan.",
    "I waited at the clinic. com-pared to last year it was quick.",
    "We agreed to meet at noon . Then it rained.",
    "At home dot to dot puzzles kept me busy.",
    "I was @ home . Then I slept.",
    "I was @ home by 5.30 and slept.",
    "Find me @ the gym . Or the pool.",
    "My Twitter is @ janedoe . Follow me.",
    "We ate at Nobu . Company was good.",
    "The dot com boom was before my time.",
    "Sold at 5 . 99 each.",
    "I waited at home . net result was fine.",
    "Love you @ all . COM",
    "I looked at this . com and that.",
])  # fmt: skip
def test_near_misses_of_an_email_with_spaces_or_words_are_no_email(text):
    assert "email" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    # A hospital bracelet, a ticket or a specimen named by its cue word (scan v36).
    "My bracelet number 4471-22 was wrong.",
    "My wristband said 00912347 but that was not me.",
    "I had ticket #A-55120 at the lab.",
    "The pathology case S22-4471 was sent out.",
    "The specimen ID SP-23-009911 was mislabeled.",
    "The accession number 2023-0045121 was on the report.",
    "My hospital bracelet # 8812345 came off.",
])  # fmt: skip
def test_a_bracelet_ticket_or_specimen_number_is_a_record_number(text):
    assert [f.kind for f in scan(text)] == ["record-number"]


@pytest.mark.parametrize("text", [
    "We had a ticket to the game.",
    "It was just a case of the flu.",
    "My bracelet was blue.",
    "The nurse gave me a specimen cup.",
    "A pathology report came back clean.",
    "My bracelet had 3 charms.",
    "They put a wristband on me and wheeled me to room 412.",
    "I waited with ticket number 42 for an hour.",
    "My specimen number was called after 20 minutes.",
    "I wore the wristband for 2 weeks.",
    "My lottery ticket #12 won nothing.",
    "The wristband said 2019 on it.",
    "The pathology report took 10 days.",
    "My bracelet cost 120 dollars.",
])  # fmt: skip
def test_near_misses_of_a_bracelet_ticket_or_specimen_number_are_no_finding(text):
    assert scan(text) == []


# --- Scan v37: shapes held_out_4 showed missed (typed as patients type) --------------------


@pytest.mark.parametrize(("text", "kind"), [
    # A context phrase found inside a longer word ("van plates" in "minivan plates") no longer
    # hides the phrase right after it.
    ("Our minivan plates read 5KLM902.", "vehicle-id"),
    ("the caravan plates were KLX 5520.", "vehicle-id"),
    ("My minivan plate is 4DRS221.", "vehicle-id"),
    # "acct", "driver's lic.", a lot number.
    ("Billing acct 30019928 went to collections.", "record-number"),
    ("my acct # is 4471-2290", "record-number"),
    ("Driver's lic. W221-0983-4471 was photocopied.", "licence-number"),
    ("my drivers lic # D4412-77193", "licence-number"),
    ("Lot number L4471-22 on my stent card.", "device-id"),
    ("the lot # of my pump was BX99120.", "device-id"),
    ("My vaccine lot no. EL9262 was on the card.", "device-id"),
])  # fmt: skip
def test_a_number_after_an_abbreviated_or_hidden_cue_is_found(text, kind):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "The minivan plates were muddy.",
    "Our minivan plates read like a riddle.",
    "My acct was closed in 2019.",
    "I parked in lot 4 every day.",
    "The parking lot number 3 was full.",
    "I had a lot of tests, 12 in all.",
    "a lot #2 of worries",
    "my driver's lic expired in 2019.",
    "The lot was 400 feet from the door.",
    "I sat in the van 45 minutes.",
])  # fmt: skip
def test_near_misses_of_an_abbreviated_or_hidden_cue_are_no_finding(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "the nurse line number they gave me was 614/555-0155.",
    "Call 614/555-0155 any time.",
    "my cell: 312/555 0187",
])  # fmt: skip
def test_a_phone_with_a_slash_after_its_area_code_is_found(text):
    assert "phone" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "My BP was 120/80 and then 135/85.",
    "I scored 120/200 on the memory test, then 150/200.",
    "The ratio was 3/555.",
    "I walked 614/1000 steps of my goal.",
    "Doses: 100/250 mg, 2 a day.",
])  # fmt: skip
def test_near_misses_of_a_phone_with_a_slash_are_no_finding(text):
    assert "phone" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "you can email me — tom.barker at example.com",
    "email me at jo_smith at example.org",
    "write to bigdave1962 at example.net any time",
    "My email is joanne at example-clinic.com",
    "Reach me: rose.h (at) example.com",
])  # fmt: skip
def test_an_email_with_a_spoken_at_and_a_written_dot_is_found(text):
    assert "email" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I looked at webmd.com first.",
    "I read about it at mayoclinic.org.",
    "The forum is at example.com if you want it.",
    "We met at healthline.com events.",
    "Everything is at example.org now.",
])  # fmt: skip
def test_near_misses_of_a_spoken_at_email_are_no_email(text):
    assert "email" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "we were living in the yellow house on 1412 Birch back then.",
    "Our farm at 2210 Holloway was sold.",
    "my place on 88 Thornbury has no ramp.",
    "the cab took me home to 3307 e. lincoln hwy.",
    "I rent at 12 w. Maple Street.",
    "the house at 405 s. Juniper Ave flooded.",
])  # fmt: skip
def test_a_house_on_a_numbered_street_or_a_lower_case_direction_is_an_address(text):
    assert "street-address" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "The house on 3 Mondays a month was empty.",
    "Our home at 5 Christmas was full of family.",
    "my place on 2 Advil a day was fine.",
    "I was in the house 12 Hours a day.",
    "Our house on 40 acres is quiet.",
    "We took 2 e. coli tests.",
    "home at 6 Tylenol and bed.",
])  # fmt: skip
def test_near_misses_of_a_house_on_a_numbered_street_are_no_address(text):
    assert "street-address" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I am now in my ninety-third year.",
    "Dad is in his ninetieth year and still sharp.",
    "She died in her 97th year.",
    "In my 101st year I had the valve done.",
])  # fmt: skip
def test_an_ordinal_year_of_life_over_89_is_an_age(text):
    assert "age" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I am in my third year of college.",
    "She is in her 89th year.",
    "This is the clinic's ninetieth year.",
    "My 93rd year of teaching was my last.",
    "In my 50th year I got sick.",
    "It was the hospital's 100th year.",
])  # fmt: skip
def test_near_misses_of_an_ordinal_year_of_life_are_no_age(text):
    assert "age" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize(("text", "kind"), [
    # Found after held_out_4 was used, on sentences written to probe around it (scan v37).
    ("our house at 1900 N. Pecan", "street-address"),
    ("We live at 12 main st now.", "street-address"),
    ("send it to 1234 s. 4th st. please", "street-address"),
    ("jdoe (at) example.com is me", "email"),
    ("Write to jo [at] example.org", "email"),
    ("my zip's 30301", "zip"),
    ("My SSN xxx-xx-4821 was on the letter.", "ssn"),
    ("my social is XXX-XX-4821.", "ssn"),
    ("Xmas eve 2018 was in the ICU.", "date"),
])  # fmt: skip
def test_a_compass_point_a_lower_case_st_a_bracketed_at_or_a_masked_ssn_is_found(text, kind):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I spent 3 nights st. joseph's and came home.",
    "I take 2 st. john's wort a day.",
    "I went 2 times st louis for the trial.",
    "At 9 am st. joseph's called me.",
    "My ssn xxxx is hidden here.",
    "SSN xxx-xx-xxxx on the sample form.",
    "The xmas party had 2018 people.",
    "our house at 5 N. Pecan trees",
    "Meet me (at) noon, then at home.",
])  # fmt: skip
def test_near_misses_of_a_compass_point_a_lower_case_st_or_a_masked_ssn_are_no_finding(text):
    assert scan(text) == []


# --- scan v38: held_out_5's misses and two known false alarms ------------------------------


@pytest.mark.parametrize("text", [
    "we summer in Bar Harbor every year.",
    "They winter in Boca Grande now.",
    "We honeymooned in Eureka Springs.",
])  # fmt: skip
def test_a_town_after_a_season_used_as_a_verb_is_found(text):
    assert "town" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "We winter in Florida.",
    "The summer in Rehab was long.",
    "The cardiology team moved to Building 2 in 2023.",
    "We moved to Suite 300 last year.",
    "I was sent up to Level B.",
])  # fmt: skip
def test_a_state_or_a_numbered_part_of_a_building_is_no_town(text):
    assert "town" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "my mum is a spry 94 and still drives.",
    "Grandpa, a feisty 101, ran the show.",
    "She is a youthful 92.",
])  # fmt: skip
def test_an_age_after_an_adjective_of_old_age_is_found(text):
    assert "age" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I had a young 90 minutes of rest.",
    "I lost a healthy 95 pounds.",
    "She was a spry 94-pound woman.",
    "a lively 95 percent of the class came",
    "It was a vibrant 90s party.",
])  # fmt: skip
def test_near_misses_of_an_age_after_an_adjective_are_no_age(text):
    assert "age" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "email me at bigjim@example",
    "my address is rosa_k@clinic.",
    "write to Jo.Smith61@examplemail any time",
])  # fmt: skip
def test_an_email_without_a_dot_in_its_domain_is_found(text):
    assert "email" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "say hi @jane",
    "meet me @ home",
    "see you x@3pm",
    "a@b",
    "just email me@home.",
])  # fmt: skip
def test_near_misses_of_an_email_without_a_dot_are_no_email(text):
    assert "email" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "Our hotline 911-HELP-NOW is for crisis calls only.",
    "Dial 311-CITY-HALL for the city.",
    "211-FOOD-BANK has lists of pantries.",
])  # fmt: skip
def test_letters_for_digits_after_a_service_code_are_no_phone(text):
    assert "phone" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", ["call 555-CALL-NOW", "1-800-FLOWERS", "(312) 555-HELP"])
def test_letters_for_digits_after_an_area_code_are_still_a_phone(text):
    assert "phone" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "The farm at 200 Acres hosts our summer picnic.",
    "Our ranch on 40 Hectares is quiet.",
])  # fmt: skip
def test_a_farm_s_size_is_no_address(text):
    assert "street-address" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "42 ELM STREET IS WHERE I GREW UP.",
    "We moved into 840 west Wabash Avenue in the fall.",
    "4O1 Hawthorne Way was my mother's house.",
    "our farm at 2210 Holloway",
])  # fmt: skip
def test_a_street_in_capitals_with_a_compass_word_in_lower_case_or_an_o_for_a_zero_is_found(text):
    assert "street-address" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "hospital no.\n7734103",
    "license plate\n6TRE881",
    "device serial\nOC-5521-7789",
    "MRN:\n00918273",
])  # fmt: skip
def test_a_value_on_the_line_after_its_label_is_found(text):
    assert {f.kind for f in scan(text)} & {"record-number", "vehicle-id", "device-id"}


@pytest.mark.parametrize("text", [
    "Ask for my chart number.\n2019 was hard.",
    "my serial\n12 weeks later it broke",
    "my hospital number\nI never knew it",
])  # fmt: skip
def test_near_misses_of_a_value_on_the_next_line_are_no_finding(text):
    assert not scan(text)


@pytest.mark.parametrize("text", [
    "my permanent resident card no. SRC1234567891",
    "my postcode is 59901 if you need it.",
    "we're in zip 6 0 6 1 4 now.",
])  # fmt: skip
def test_a_resident_card_a_postcode_and_a_zip_digit_by_digit_are_found(text):
    assert scan(text)


@pytest.mark.parametrize("text", ["my zip 1 2 3", "zip 6 0 6 1 4 5 6", "I scored 1 2 3 4 5 on the zip line"])
def test_near_misses_of_a_zip_digit_by_digit_are_no_zip(text):
    assert "zip" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "i couldnt have done it without my freind\nharriet okafor.",
    "pt was accompanied by her son dmitri volkov.",
    "thank you nurse adaeze for the warm blankets.",
    "my hubby Ray drove me",
    "MY GRANDSON DMITRI CHEERED ME ON.",
])  # fmt: skip
def test_a_name_after_a_misspelt_relation_or_a_lower_case_title_is_found(text):
    assert "name" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "my son will drive",
    "thank you nurse for the blankets",
    "the nurse practitioner came by",
    "the rabbi said a prayer",
    "my aunt said no",
])  # fmt: skip
def test_near_misses_of_a_lower_case_name_after_a_title_are_no_name(text):
    assert "name" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "The walk-in clinic is on Elm Street behind the library.",
    "The pharmacy on Main Street opens at 8.",
    "Our campus on Park Avenue has free parking.",
])  # fmt: skip
def test_where_a_clinic_is_is_no_address(text):
    assert "street-address" not in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I live on Birch Lane.",
    "The fall happened on Elm Street.",
    "my clinic is great and I live on Birch Lane",
])  # fmt: skip
def test_a_street_where_someone_lives_or_something_happened_is_still_an_address(text):
    assert "street-address" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "My house near the clinic on Elm Street has a red door.",
    "We live by the pharmacy on Maple Avenue.",
    "Our farm past the hospital on Quarry Road floods every spring.",
])
def test_a_home_near_a_clinic_is_still_a_street_address(text):
    """Scan v38 reads "the clinic on Elm Street" as where the clinic is, not a patient's
    address; a home named before it keeps the street a finding."""
    assert "street-address" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", ["The walk-in clinic is on Elm Street.", "Pick it up at the pharmacy on Main Street."])
def test_where_a_clinic_is_stays_no_finding(text):
    assert scan(text) == []



# Scan v39: held_out_6's misses and false alarms (written before the fixes) and the forms
# around them. Each of these failed with scan v38.
@pytest.mark.parametrize("kind, text", [
    ("name", "MY GRANDSON THELONIOUS SAT WITH ME THROUGH EVERY INFUSION."),
    ("name", "MY NEIGHBOUR ZEBEDIAH DROVE ME HOME."),
    ("name", "_AUNT PHILIPPA_ brought soup every sunday."),
    ("age", "I'M IN MY MID 90S AND STILL GARDENING."),
    ("age", "at **92** i didn't expect to ride a bike again."),
    ("age", "at 94 i finally retired."),
    ("street-address", "<p>address: 12 quill court</p>"),
    ("street-address", "Send cards to 12 quill court, Apt 2."),
    ("town", "she retired to ST. Augustine after the transplant."),
    ("town", "we moved to FT. Myers for the warm weather."),
    ("town", "my son drives up from mt. shasta every weekend."),
    ("phone", "tel: 614&#45;555&#45;0144"),
    ("email", "reach me at gus&#64;example.com"),
    ("zip", "Zip:&nbsp;85701"),
    ("zip", "our zip is six oh six one four"),
    ("phone", "you can call my daughter on 07700 900123"),
    ("device-id", "device serial number\n4410-8823-Z"),
    ("vehicle-id", "my reg is AB12 CDE"),
])  # fmt: skip
def test_scan_v39_finds_what_held_out_6_showed_missed(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I spent the summer in Physical Therapy.",
    "I spent three weeks in Intensive Care.",
    "We spent the holidays in Labor and Delivery.",
    "I SPENT THE SUMMER IN PHYSICAL THERAPY.",
    "i guess uncle sam wants his cut of my disability check.",
    "Thanks to Uncle Sam, the VA paid for my new hip.",
    "UNCLE SAM TOOK HALF MY BACK PAY.",
    "Mother Nature had other plans for my garden.",
    "St. John's wort can interact with your medicines.",
    "Addison's disease means I carry a steroid card.",
    "The nurses in Ward B were kind to me.",
    "in my mid 80s i learned to use a walker.",
])  # fmt: skip
def test_scan_v39_no_longer_flags_departments_idioms_and_eponyms(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "MY NURSE PRACTITIONER CALLED WITH THE RESULTS.",
    "MY SON INSISTED I REST.",
    "my reg dose is 20mg at night.",
    "we walked 3 miles each way.",
    "zip code: one two three four five six",
    "AT&T and R&D sent me a card.",
    "MY SON DIDNT CALL FOR A WEEK.",
    "MY HUSBAND WOULDNT LEAVE MY SIDE.",
    "MY MOM HASNT BEEN THE SAME.",
    "MY HUSBAND THRU IT ALL.",
    "I SPENT A WEEK IN CARDIAC REHAB.",
    "Try St. John's wort for a month, my aunt said.",
])  # fmt: skip
def test_near_misses_of_scan_v39_s_new_rules_stay_no_finding(text):
    """A word of care after a relation in capitals is counted too often to be a name, and a
    contraction without its apostrophe or a word of chat is none either; an emphasis word
    ends as emphasis does; "reg" alone is no plate's word; six digit words are
    no ZIP; an ampersand with no complete reference stays as typed."""
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    ("name", "my uncle Sam drove me to every session."),
    ("name", "MY UNCLE SAM DROVE ME."),
    ("name", "My friend Addison's garden kept me sane."),
    ("name", "We live on Oak St. Maria visits daily."),
    ("name", "My husband St\u00e9phane held my hand."),
    ("town", "We moved to Tulsa for the warm weather."),
])  # fmt: skip
def test_scan_v39_keeps_what_its_exceptions_could_hide(kind, text):
    """The idioms are no name only without a possessive; an eponym's first name only without
    a context word; a department's word only stops a town that holds or precedes it."""
    assert kind in {f.kind for f in scan(text)}


# Scan v40: held_out_7's misses and false alarms (written before the fixes), v39's known misses
# and the forms around them. Each of these failed with scan v39.
@pytest.mark.parametrize("kind, text", [
    # Emphasis inside a word, read as Markdown shows it (the marks gone, not spaces).
    ("name", "MY WIFE **ROS**ALIND HELD MY HAND THE WHOLE TIME."),
    ("name", "my son **jer**emiah made the slideshow for my party."),
    ("street-address", "the crash was right outside 1710 **Cottonwood** Drive."),
    ("street-address", "THE CRASH WAS RIGHT OUTSIDE 1710 **COTTONWOOD** DRIVE."),
    ("street-address", "the crash was right outside 1710 **C\u00f6tt\u00f6nw\u00f6\u00f6d** Drive."),
    # Emphasis against a word in lower case in a sentence without capitals, read as written.
    ("town", "i grew up in _walla walla_, washington."),
    ("town", "my cousin flew in from _pago pago_ for the surgery."),
    ("town", "i grew up in *wagga wagga* before we moved over."),
    # A named reference in a case browsers leave as typed, read through as its character.
    ("street-address", "SEND CARDS TO 308 WREN&NBSP;ST., APT 2B."),
    ("zip", "ZIP:&NBSP;85701"),
    ("name", "MY FRIEND &EACUTE;LODIE VISITED EVERY DAY."),
    # A word no list holds after a relation or a title in lower case, when it is no typo.
    ("name", "my grandson thelonious sat with me through every infusion."),
    ("name", "my granddaughter zephyrine sat with me after surgery."),
    ("name", "pastor ezekial prayed with us every night."),
    ("name", "thank you, nurse perp&eacute;tua, for the bad jokes."),
    # A house number spelt out after "at" in capitals or lower case; a ZIP word six words back.
    ("street-address", "I'M AT SEVENTEEN ASPEN COURT NOW."),
    ("street-address", "i'm at seventeen aspen court now."),
    ("zip", "the zip code on my file is 55104."),
    # A name greeted in lower case; a title right after an opening quote mark or bracket.
    ("name", "dear cosima, you were the best pt i ever had."),
    ("name", '"Nurse Becker stayed late," my wife said.'),
    ("name", "(Dr Okonkwo) explained it twice."),
])  # fmt: skip
def test_scan_v40_finds_what_held_out_7_and_v39_missed(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", ["MY DAUGHTER SILVERA CALLED.", "MY SON GRACEY DROVE ME.", "MY NURSE CHACE CAME."])
def test_in_capitals_a_name_a_letter_from_a_merely_common_word_is_still_a_name(text):
    """v39 read every rare word after a relation in capitals as a name. The typo rule that lets
    "MY HUSBAND ALLWAYS KNEW" pass asks, in capitals, for a very common word ("always"), so an
    unlisted name a letter from a word merely common ("silver", "grace", "chase") stays found."""
    assert "name" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "MY HUSBAND ALLWAYS KNEW WHEN I WAS IN PAIN.",
    "MY WIFE ALLWAYS PACKED MY PILLS.",
    "we rented a 2 bedroom place near the clinic.",
    "WE RENTED A 2 BEDROOM PLACE NEAR THE CLINIC.",
    "We need a 1 floor place now.",
    "They checked my Glasgow Coma Scale every hour.",
    "Every Tom, Dick and Harry had advice for me.",
    "We said the Hail Mary every night.",
    "I joined a support group called Mended Hearts.",
    "The Mayo Clinic diet didn't work for me.",
])  # fmt: skip
def test_scan_v40_no_longer_flags_typos_room_counts_scales_idioms_and_institutions(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "NURSE RAMONA TAUGHT ME TO USE MY INHALER.",
    "nurse ramona taught me to use my inhaler.",
    "Nurse Ramona taught me to use my inhaler.",
])  # fmt: skip
def test_an_allowed_first_name_before_a_verb_in_capitals_is_no_finding(text):
    """As written, "RAMONA TAUGHT" read as a first name and its surname: a word after an
    allowed first name that is an everyday word and no census surname is no surname."""
    assert scan(text, allowed_names=frozenset({"Ramona"})) == []


@pytest.mark.parametrize("text", [
    "my son definately saved my life.",
    "my brother beleived in me when i didn't.",
    "my aunt recieved the same diagnosis.",
    "MY DAUGHTER REALY HELPED ME THROUGH IT.",
    "MY SISTER PROBALY SAVED MY LIFE.",
    "my son texted me every night.",
    "my daughter facetimed me from college.",
    "they put me on a drug called xarelto.",
    "**Rest**, _fluids_ and time: that was the plan.",
    "F**K CANCER, MY SISTER SAID.",
    "SALT &AMP; SUGAR WERE OFF LIMITS.",
    "AT&T and R&D sent me a card, &FOO; and all.",
    "we live 2 miles from a 3 bedroom house",
    "WE MET AT ONE PM ROAD TEST DAY.",
    "I'M AT TWO AND A HALF HOURS FROM THE CITY.",
    "dear diary, today was hard.",
    "my dear husband held my hand.",
    "i was outside `content/` and `docs_dir` all day.",
    '"St. John\'s wort" is no cure.',
])  # fmt: skip
def test_near_misses_of_scan_v40_s_new_rules_stay_no_finding(text):
    """A rare word after a relation one letter from a common word is a typo; a word ending as
    a verb does is no name; "called" and "dear" name things; an asterisk inside a word that
    makes no name, a reference that spells no letter, a count of rooms, a time after a spelt
    number; a backtick's code is no emphasis; a saint after a quote mark is no person."""
    assert scan(text) == []


@pytest.mark.parametrize("kind, text, allowed", [
    ("name", "Nurse Marisol Brown taught me to walk.", {"Marisol"}),
    ("name", "NURSE MARISOL HELD MY HAND.", set()),
    ("name", "a nurse named Joy held my hand.", set()),
    ("name", "a man called Baker fixed my ramp.", set()),
    ("name", "Dr. Mayo explained the scan.", set()),
    ("name", "My uncle Tom drove me to every session.", set()),
    ("name", "my son Ezekiel sat with me.", set()),
    ("street-address", "I live at 12 Bedford Place.", set()),
    ("town", "I grew up in Glasgow before the war.", set()),
])  # fmt: skip
def test_scan_v40_keeps_what_its_exceptions_could_hide(kind, text, allowed):
    """An allowed first name keeps a census surname after it; "named" and "called" still name
    people whose name is a first name or a surname; an institution's word hides only a first
    name read from the list; a size word only a street of that one word."""
    assert kind in {f.kind for f in scan(text, allowed_names=frozenset(allowed))}


@pytest.mark.parametrize("kind, text", [
    # A name a vowel after a merely common word ("silver"), typed in lower case or half-shouted.
    ("name", "my daughter silvera stayed with me the whole week."),
    ("name", "MY daughter silvera brought the grandkids on Sunday."),
    # A nickname English seldom uses before a census surname, in capitals or lower case.
    ("name", "my buddy skeeter halloran drove me to every dialysis session."),
    ("name", "MY BUDDY SKEETER HALLORAN DROVE ME TO EVERY DIALYSIS SESSION."),
    ("name", "my pal biff mcallister came by every sunday."),
    # An initial and a census surname, in any case.
    ("name", "Thanks to P. Kumar in billing for sorting out my bills."),
    ("name", "THANKS TO P. HALLORAN IN BILLING."),
    ("name", "thanks to p. kumar in billing."),
    # A priest's "father" or a chaplain's title in lower case; two rare words after "named".
    ("name", "our chaplain, father tadhg, prayed with me before surgery."),
    ("name", "the anesthesiologist was a lovely man named yevgeny petrovsky."),
    # "Ft." and "Mt." for the words the town list spells out.
    ("town", "home is Ft. Wayne these days"),
    ("town", "HOME IS FT. WAYNE THESE DAYS"),
    # A two-word sentence in lower case with a state before a ZIP; a rural route in lower case.
    ("zip", "salem, or 97301"),
    ("street-address", "mail goes to rr 2 box 14."),
    # A form's label; a dotted SSN after its word; a British plate after "car reg".
    ("age", "age: 92"),
    ("ssn", "social: 401.22.7733"),
    ("vehicle-id", "car reg AB12 CDE"),
    # "@" in brackets; a spaced "@" after a name no word is; a spaced "@" after a platform;
    # Linktree's ending; reddit's "u/".
    ("email", "write me at t.barker[@]example.com"),
    ("email", "contact: dee_k @ example . com"),
    ("url", "follow me on tiktok @ chemo.cowgirl"),
    ("url", "all my links: linktr.ee/chemomom"),
    ("url", "My handle on reddit is u/TiredTransplantTina"),
])  # fmt: skip
def test_scan_v41_finds_what_held_out_8_and_v40_missed(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "I HAD A TIA IN MY FORTIES.",
    "i had a tia in my forties.",
    "HE HAD A MASSIVE AMI.",
    "the ada diet helped.",
    "Lou Gehrig's disease took my strength slowly.",
    "LOU GEHRIG'S DISEASE TOOK MY STRENGTH SLOWLY.",
    "Lou GEHRIG'S disease took my strength slowly.",
    "Addison's, Cushing's and Hashimoto's all affect hormones.",
    "Addison's, CUSHING'S and HASHIMOTO'S all affect hormones.",
    "MY SISTER SIAD IT WOULD BE FINE.",
])  # fmt: skip
def test_scan_v41_no_longer_flags_acronyms_eponyms_and_swapped_letters(text):
    """An acronym of care that is also a first name after an article or a size ("A TIA", "a
    massive AMI"); a whole name before a condition's word; a first name's possessive listed
    with conditions no first name names; a word of four letters two letters from "said"."""
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "my husband sorta panicked.",
    "my buddy skipped work to drive me.",
    "my daughter simply refused to give up.",
    "MY SON FINALY CAME HOME.",
    "I take vitamin D. It helps.",
    "I had hepatitis C. Later I got better.",
    "plan b. then we went home.",
    "they put me on a drug called xarelto.",
    "a support group called mended hearts",
    "my father always said so.",
    "I saw it on tiktok @ home today.",
    "meet at noon . Then we left.",
    "I'm sorry 2 box 14 were lost.",
    "Her age: 45, and healthy.",
    "The app updated to version 4.2.1.",
])  # fmt: skip
def test_near_misses_of_scan_v41_s_new_rules_stay_no_finding(text):
    """A common word before a surname-like word, a letter before a sentence's end, "called"
    before one rare word, "father" before an everyday word, a spaced "@" before a word, "rr"
    inside a word, an age of 89 or under after its label."""
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    ("name", "MY SISTER TIA DROVE ME TO EVERY SCAN."),
    ("name", "my sister tia drove me to every scan."),
    ("name", "We stayed at Tom's, Mary's and Jo's houses."),
    ("name", "My friend Lou Gehrig drove me."),
    ("name", "Addison's mom drove me to chemo."),
    ("street-address", "I was found on the porch of 315 N. Quarry Bend."),
    ("name", "MY DAUGHTER SILVERA CALLED."),
    ("name", "my son J drove me home."),
    ("name", "Thanks to Dr. K for everything."),
])  # fmt: skip
def test_scan_v41_keeps_what_its_exceptions_could_hide(kind, text):
    """A relation still names an acronym's first name; a possessive listed with first names is
    still one; a name before no condition's word is still one; a compass point after a house
    number is no initial; a lone initial after a relation or a title is still a name."""
    assert kind in {f.kind for f in scan(text)}


# Scan v42. Letters of Latin alphabets that NFKD does not decompose are read as the letter under
# their stroke, not as the fancy-text alphabets of the look-alike table use them ("ł" for "i",
# "ø" and "đ" for capitals).
@pytest.mark.parametrize("kind, text", [
    ("name", "Our friend Søren Ødegaard drove me home."),
    ("name", "My friend Đorđe Ilić drove me."),
    ("name", "my son michał visits every sunday"),
    ("name", "My husband Bjørn cooked every night."),
    ("town", "We retired to Tromsø after the kids left."),
])  # fmt: skip
def test_scan_v42_reads_stroked_letters_as_the_letters_under_them(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("allowed, text", [
    ("Łukasz Wróbel", "Lukasz Wrobel is my name, and I had a heart attack at 48."),
    ("Łukasz Wróbel", "LUKASZ WROBEL, PATIENT CHAMPION"),
    ("Lukasz Wrobel", "I'm Łukasz Wróbel and this is my recovery."),
    ("Michał", "Michal here, a year after my transplant."),
    ("Michal", "Michał here, a year after my transplant."),
    ("Søren", "Soren here, a year after my transplant."),
    ("Soren", "Søren here, a year after my transplant."),
])  # fmt: skip
def test_scan_v42_an_allowed_name_matches_it_written_without_its_polish_or_danish_letters(allowed, text):
    assert scan(text, allowed_names=frozenset({allowed})) == []


# Three Yi syllables and three Cherokee ones whose look-alikes spell Latin letters: a line of
# Yi or Cherokee text holds letters that look like none, and is read as it is; the same letters
# in a line of look-alikes alone (a fancy-text generator's) are read as Latin ones.
@pytest.mark.parametrize("text", [
    "ꆈꌠ ꈤꌩꉓ ꇁꉻ",
    "ꆈꌠ ꀷꍟꉓ 12 ꇁꉻ",
    "ꆈꌠ ꀷꏂꏳ 12 ꇁꉻ",
    "ᎣᏏᏲ ᎩᎥ ᏩᏙ ᏣᎳᎩ",
    "ᎣᏏᏲ ᎪᏢᎡ 12 ᏩᏙ ᏣᎳᎩ",
    "ᎣᏏᏲ ᎷᎪᎩ 12 ᏩᏙ ᏣᎳᎩ",
])  # fmt: skip
def test_scan_v42_reads_no_latin_letters_into_a_line_of_another_script(text):
    assert scan(text) == []


@pytest.mark.parametrize("kind, text", [
    ("name", "ᗰY ᑎEIGᕼᗷOᑌᖇ ᗯᗩᒪTEᖇ ᗷEᑕKEᖇ ᗪᖇOᐯE ᗰE"),
    ("name", "my neighbour Rоbert Bеcker drove me"),
    ("date", "ꎭꍏꌩ 12, 2021"),
    ("name", "My neighbour ₩₳ⱠŦɆⱤ drove me."),
])  # fmt: skip
def test_scan_v42_still_reads_fancy_text_and_look_alikes_in_latin_words(kind, text):
    assert kind in {f.kind for f in scan(text)}


# A consented champion written by a nickname is the same person; anyone else is not.
@pytest.mark.parametrize("allowed, text", [
    ("Robert Okafor", "Bob Okafor here: this is my story of getting my kidney."),
    ("Robert Okafor", "I'm Rob, and I was on dialysis for three years."),
    ("Robert Okafor", "Bobby Okafor, as my mother still calls me, finally got a new kidney."),
    ("Elizabeth", "Liz, as everyone calls me, wrote this after her last chemo."),
    ("Elizabeth", "Beth here, writing from my couch after surgery."),
    ("Margaret", "Peggy here. Maggie to my grandkids."),
    ("Bob", "Robert, Bob to everyone, beat his cancer twice."),
])  # fmt: skip
def test_scan_v42_an_allowed_name_allows_its_nicknames(allowed, text):
    assert scan(text, allowed_names=frozenset({allowed})) == []


@pytest.mark.parametrize("allowed, text", [
    ("Robert", "Bob Okafor here: this is my story."),  # a first name only: the surname is beyond it
    ("Robert", "My friend Bobby Nguyen sat with me in the ER."),
    ("Elizabeth", "My sister Liz Carter flew in from the coast."),
    ("Elizabeth", "My neighbour Peggy drove me to every session."),
    ("Robert Okafor", "My neighbour Maggie drove me to every session."),
    ("Bob", "My brother Rob drove me."),  # "Bob" allows "Robert", not Robert's other nicknames
])  # fmt: skip
def test_scan_v42_nicknames_allow_nobody_else(allowed, text):
    assert "name" in {f.kind for f in scan(text, allowed_names=frozenset({allowed}))}


# A champion whose consent allows her first name only ("Maria") and a story writing her
# surname all the same: in brackets, first with an initial, as her name at birth.
@pytest.mark.parametrize("text", [
    "Maria (Lopez) has been a patient here since her diagnosis.",
    "My name is Maria (Lopez), and I beat breast cancer.",
    "as told by maria (lopez)",
    "MARIA (LOPEZ) HAS BEEN A PATIENT HERE.",
    "Lopez, M. -- patient champion, class of 2024.",
    "Signed, LOPEZ, M.",
    "signed, lopez, m.",
    "Maria, née Lopez, tells her story below.",
    "maria, nee lopez, tells her story below.",
    "M. Lopez wrote this story.",
    "I'm Maria L-o-p-e-z and this is my story.",
])  # fmt: skip
def test_scan_v42_finds_a_first_name_only_champion_s_surname_however_written(text):
    assert "name" in {f.kind for f in scan(text, allowed_names=frozenset({"Maria"}))}


@pytest.mark.parametrize("allowed, text", [
    ("Robert Okafor", "Okafor, R. -- patient champion."),
    ("Robert Okafor", "Robert (Okafor) here, a year on."),
    ("Maria", "We went to Washington, D.C. last year."),
    ("Maria", "Brown, I. think it was, or Green."),
    ("Maria", "Maria (RN) was kind."),
    ("Maria", "Maria (Retired) wrote this."),
    ("Maria", "I LIVE IN WASHINGTON, D.C. NOW."),
])  # fmt: skip
def test_scan_v42_s_surname_forms_leave_allowed_names_and_abbreviations_alone(allowed, text):
    assert scan(text, allowed_names=frozenset({allowed})) == []


# Where someone is from, with no verb of moving or living: a person, a form of "be", "from".
# A town typed in capitals or lower case before its state's abbreviation.
@pytest.mark.parametrize("text", [
    "My nurse was from Bad Axe.",
    "She's from Bad Axe, a small town up north.",
    "We're from Truth or Consequences.",
    "My wife is from Bad Axe.",
    "I grew up in LA CROSSE, WI.",
    "I GREW UP IN LA CROSSE, WI.",
    "i grew up in la crosse, wi.",
    "We live in BAD AXE, MI.",
    "Home is CEDAR RAPIDS, IA.",
])  # fmt: skip
def test_scan_v42_finds_where_someone_is_from_and_a_town_in_capitals_before_its_state(text):
    assert "town" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "The nurse was from Home Health.",
    "He was from Blue Cross.",
    "They were from Planned Parenthood.",
    "The letter was from Medicare.",
    "The gift was from Home Depot.",
    "A nurse from Home Health came every day.",
    "WE WENT TO CHURCH, IN THE MORNING.",
    "THANK YOU ALL, OK?",
    "HAPPY BIRTHDAY, PA!",
    "THANKS FOR EVERYTHING, MA.",
    "we went home, me and my wife.",
    "then, or else we wait.",
])  # fmt: skip
def test_scan_v42_s_town_rules_leave_organisations_and_words_alone(text):
    assert scan(text) == []


# From held_out_9's first run: a care role set off by commas before a name no list holds; a
# grandparent called as a family's language calls her, before her age.
@pytest.mark.parametrize("kind, text", [
    ("name", "My physio, Đorđe, pushed me hard."),
    ("name", "my counsellor, Oyelaran, listened."),
    ("age", "My babcia is 96 and still makes pierogi."),
    ("age", "my nonna is ninety-four."),
    ("age", "Our abuela, 97, came to every visit."),
])  # fmt: skip
def test_scan_v42_finds_what_held_out_9_and_v41_missed(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "My physio said I was doing well.",
    "my nonna makes the best sauce.",
    "My oncologist Monday morning was calm.",
])  # fmt: skip
def test_scan_v42_s_new_relations_read_no_word_as_a_name(text):
    assert scan(text) == []


# A nickname that is also a word, before a surname no list holds, typed in capitals or in lower
# case: "ROB" and "rob" are verbs, "Rob Lindqvist" as typed was always a name.
@pytest.mark.parametrize("text", [
    "THANKS TO ROB LINDQVIST AT THE FRONT DESK.",
    "thanks to rob lindqvist at the front desk.",
])  # fmt: skip
def test_scan_v42_reads_a_nickname_before_an_unheard_of_surname_in_capitals_and_lower_case(text):
    assert "name" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "THEY WANTED TO ROB BANKS.",
    "i had to pay the bill payment late.",
    "PAT DRY AFTER WASHING.",
    "I WILL SMITH THE IRON.",
])  # fmt: skip
def test_scan_v42_s_nickname_rule_leaves_words_alone(text):
    assert scan(text) == []


# From held_out_10's first run (scan v42): a nickname that is also a word opening a sentence
# before a verb a person does ("Rob drove me." named the champion where no Robert is allowed).
@pytest.mark.parametrize("text", [
    "Rob drove me.",
    "Bill brought soup every Sunday.",
    "Ray picked me up after chemo.",
])  # fmt: skip
def test_scan_v43_reads_a_nickname_opening_a_sentence_before_a_person_s_verb(text):
    assert "name" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", ["ROB DROVE ME.", "rob drove me.", "Thanks. BILL BROUGHT SOUP."])
def test_scan_v43_reads_a_nickname_opening_a_sentence_in_capitals_and_lower_case(text):
    assert "name" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", ["bill came in the mail.", "THE BILL CAME IN THE MAIL.", "WILL YOU HELP ME?",
                                  "JACK STANDS HOLD THE CAR."])
def test_scan_v43_s_nickname_rule_in_capitals_and_lower_case_leaves_words_alone(text):
    assert scan(text) == []


def test_scan_v43_s_nickname_rule_keeps_an_allowed_champion_allowed():
    assert scan("Rob drove me.", allowed_names=frozenset({"Robert Okafor"})) == []


# And what v42 flagged in held_out_10's clean sentences: an author before her work, a title
# read to someone, a restaurant and a car's model named with a first name.
@pytest.mark.parametrize("text", [
    "I read a Jane Austen novel during every infusion.",
    "A Jane Austen novel and a thermos of tea got me through.",
    "My grandson read me Harry Potter on FaceTime.",
    "We ate at Olive Garden after my last scan.",
    "I drove a Ford F-150 to every appointment.",
    "Hope kept me going.",
    "Will I ever walk again?",
    "Will was read to us by the lawyer.",
    "Rob banks? No, I robbed myself of sleep.",
])  # fmt: skip
def test_scan_v43_reads_works_titles_and_businesses_as_no_name(text):
    assert scan(text) == []


@pytest.mark.parametrize("text", [
    "My neighbour Jane Austen drove me.",
    "My friend Olive drove me to the Garden Club.",
    "my son read me Tom's letter.",
    "My sister watched Liam while I was in surgery.",
    "I joined Mary Smith's book club.",
])  # fmt: skip
def test_scan_v43_still_names_people_who_share_a_work_s_or_shop_s_name(text):
    assert "name" in {f.kind for f in scan(text)}


# From held_out_10's first run (scan v42): a town named in English words, typed in capitals or
# in lower case after "from" or "in" and a word of living or moving ("FROM BAD AXE" read as
# "from bad axe", no name at all).
@pytest.mark.parametrize("text", [
    "I'M A FARMER FROM BAD AXE.",
    "we came down from bad axe for the scan",
    "WE MOVED TO WALLA WALLA IN MAY.",
    "my folks live in sault ste. marie",
    "we drove in from truth or consequences",
    "I'm from BAD AXE, a small town up north.",
    "My best advice was from a farmer from Bad Axe.",
    "a farmer from bad axe told me to get it checked",
    "A woman from Walla Walla sat next to me.",
])  # fmt: skip
def test_scan_v43_reads_a_town_named_in_words_in_capitals_and_lower_case(text):
    assert "town" in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "i came home from bad news at the clinic.",
    "WE WENT FROM BAD TO WORSE.",
    "i'm in good hands with this team.",
    "I FELT BETTER FROM DAY ONE.",
    "WE CAME HOME FROM GOOD FRIENDS' HOUSES.",
    "A nurse from Home Health came every day.",
    "a guy from Blue Cross called.",
])  # fmt: skip
def test_scan_v43_s_word_towns_leave_phrases_alone(text):
    assert scan(text) == []


# From held_out_10's first run (scan v42): Safe Harbor's biometric identifiers as a story names
# them (an enrolment's ID), a ZIP after a listed town that opens a line, a vanity plate.
@pytest.mark.parametrize("kind, text", [
    ("record-number", "my fingerprint ID at the clinic is FP-0093-4471"),
    ("record-number", "the retina scan ID they gave me was RS-55-01934"),
    ("record-number", "MY PALM VEIN SCAN NUMBER IS 4471-2290"),
    ("zip", "Kalamazoo 49008"),
    ("zip", "KALAMAZOO 49008"),
    ("zip", "grand rapids 49503"),
    ("vehicle-id", "my vanity plate reads KDNYWIN"),
    ("vehicle-id", "MY VANITY PLATE READS KDNYWIN"),
    ("vehicle-id", "my personalized plate: BEATCNCR"),
])  # fmt: skip
def test_scan_v43_finds_biometric_ids_zips_after_towns_and_vanity_plates(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "my fingerprint ID took 3 tries.",
    "my face ID unlocks my phone.",
    "my vanity plate is funny.",
    "MY VANITY PLATE IS FUNNY.",
    "I got a custom plate for my birthday.",
    "Amarillo 12000 people came to the run.",
])  # fmt: skip
def test_scan_v43_s_biometric_zip_and_plate_rules_leave_ordinary_text_alone(text):
    assert "record-number" not in {f.kind for f in scan(text)} and {"zip", "vehicle-id"}.isdisjoint(f.kind for f in scan(text))


# From held_out_10's first run (scan v42): names and streets typed in capitals, in lower case or
# shouted alone in ordinary text, that v42 read as words: one of the world's first names before
# a surname no list holds, a family by a rare surname after "the", a world first name ending in
# "s" after "called", a surname shouted after a first name, a street after "on".
@pytest.mark.parametrize("kind, text", [
    ("name", "A HUGE THANK-YOU TO KWAME MENSAH IN RADIOLOGY."),
    ("name", "a huge thank-you to kwame mensah in radiology."),
    ("name", "OUR NEIGHBOURS THE ABERNATHYS MOWED THE LAWN ALL SUMMER."),
    ("name", "our neighbours the abernathys mowed the lawn all summer."),
    ("name", "Our neighbours the ABERNATHYS mowed the lawn all summer."),
    ("name", "My roommate, an old sailor called IGNATIUS, kept me laughing."),
    ("name", "Maria CASTELLANOS is my full name."),
    ("street-address", "OUR PLACE IS THE BLUE ONE ON TAMARACK LANE"),
    ("street-address", "our place is the blue one on tamarack lane"),
    ("street-address", "our place is the blue one on TAMARACK LANE"),
    ("name", "I work at HENDRICKS LUMBER and they held my job for me."),
])  # fmt: skip
def test_scan_v43_reads_names_and_streets_in_capitals_and_lower_case(kind, text):
    assert kind in {f.kind for f in scan(text, allowed_names=frozenset({"Maria"}))}


@pytest.mark.parametrize("text", [
    "THE STAIRS FELT LIKE CLIMBING MT. EVEREST.",
    "the stairs felt like climbing mt. everest.",
    "We climbed the STAIRS every day.",
    "THE NURSES WERE WONDERFUL.",
    "Maria ALWAYS says thank you.",
    "the clinic is on main street.",
    "I WALKED ON THE TRAIL BY THE LAKE.",
    "WE WENT ON A LONG DRIVE.",
    "the clinic is on MAIN STREET.",
    "I sat at HOME PLATE.",
])  # fmt: skip
def test_scan_v43_s_capitals_and_lower_case_rules_leave_words_alone(text):
    assert scan(text, allowed_names=frozenset({"Maria"})) == []


# "Sault Ste. Marie" with marks (held_out_9's marked reading, v42): "Sté." was no saint's
# abbreviation, so "Marie" after it was read as a name and the town was lost.
@pytest.mark.parametrize("text", [
    "I commute from Sáült Sté. Marie for treatment.",
    "I commute from Sault Ste. Marie for treatment.",
])  # fmt: skip
def test_scan_v43_reads_sault_ste_marie_with_marks_as_a_town(text):
    assert {f.kind for f in scan(text)} == {"town"}


# The context phrases found where a word starts, by the regex engine itself (`_by_first_letter`,
# `_context_phrases`), and ages in words looked for only in texts that hold one of their parts:
# each a quicker way to the same matches, so each is compared with the plain way. The texts
# glue phrases to words, marks, digits, underscores and letters of other scripts on both sides.
_PHRASE_PIECES = [
    "license plate", "licence", "record", " number", " #", "#", "rx", "lot", "reg:", "reg is", "mrn", "ssn",
    "ninety-two", "Nineties", "one hundred", "a  hundred", "nonagenarian", "Centenarians", "hundred",
    "van plates", "mini", "my ", "x", "_", "-", "'", "é", "ǅ", "²", "٣", "9", " ", "\n", ".", ":", "\u00a0",
]


def _context_the_plain_way(lowered: str) -> list[tuple[tuple[int, int], str]]:
    """The phrases as the scan found them before (scan v43): one flat alternation, in the same
    order, searched at every character, and a phrase touching a word on its left skipped."""
    from generator import identifier_shapes as shapes

    flat = re.compile(
        "(?:" + "|".join(a for phrases in shapes._CONTEXT_PHRASES.values() for a in shapes._alternatives(phrases))
        + ")" + shapes._CONTEXT_END
    )
    found, position = [], 0
    while (match := flat.search(lowered, position)) is not None:
        if not shapes._free_before(lowered, match.start()):
            position = match.start() + 1
            continue
        found.append((match.span(), match.group()))
        position = match.end()
    return found


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PHRASE_PIECES), max_size=14).map("".join))
def test_context_phrases_are_those_of_the_plain_search(text):
    from generator import identifier_shapes as shapes

    lowered = text.translate(shapes._ASCII_LOWER)
    assert [(m.span(), m.group()) for m in shapes._context_phrases(lowered)] == _context_the_plain_way(lowered)


@pytest.mark.parametrize("text", [
    "licence 123", "my licence plate is 4DRS221", "minivan plates", "xlicense number 1", "_rx 1", "ǅrx 1",
    "reg:rx 12345", "record #rx 4", "²record number 5", "lot #4 lot #5", "", "r", "record",
])
def test_context_phrases_at_the_edges_are_those_of_the_plain_search(text):
    from generator import identifier_shapes as shapes

    lowered = text.translate(shapes._ASCII_LOWER)
    assert [(m.span(), m.group()) for m in shapes._context_phrases(lowered)] == _context_the_plain_way(lowered)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_age_in_words_holds_a_part_the_scan_looks_for_first(data):
    from generator import identifier_shapes as shapes

    found = data.draw(st.from_regex(shapes._AGE_WORD, fullmatch=True))
    assert any(part in found for part in shapes._AGE_WORD_PARTS), found


# Scan v46, from held-out corpus G (stop 50): the world's trunk "0" numbers and "(0)" after a
# country code, with no phone word before them, identifiers an editor's line wrap split, other
# countries' postcodes after a postcode's word, streets as other languages write them, and
# national numbers under their own names.
@pytest.mark.parametrize("kind, text", [
    ("phone", "Thanks, 07700 900461."),
    ("phone", "Thanks, 0161 496 0734."),
    ("phone", "The only number I memorised was **0412 999 033**."),
    ("phone", "txt me 0412345678 if u need a chat"),
    ("phone", "In Lyon my sister answers on 06 12 34 56 78 day or night."),
    ("phone", "Meine Handynummer ist 0151 2345 6789."),
    ("phone", "Bel me gerust: 06-12345678."),
    ("phone", "My host mother, 090-1234-5678, sent a card."),
    ("phone", "The number is 07700 - 900 - 555, ask for Jo."),
    ("phone", "I'm on +44 (0) 7700 900 812 most days."),
    ("phone", "My son's number is +91 98765 43210."),
    ("phone", "In Madrid my cousin answers on 612 34 56 78."),
    ("phone", "For the carpool, my mobile is 07700\n900 215, just leave a message."),
    ("email", "My address for the group is maria.lopez\n@gmail.com, all one word."),
    ("street-address", "We live at 14 Larkspur\nClose now."),
    ("zip", "Our postcode is 2031, right by the beach."),
    ("zip", "My PIN code is 560038 in case the courier needs it."),
    ("zip", "The CEP 01310-100 is on every letter."),
    ("zip", "Our PLZ is 10437."),
    ("zip", "We moved to postcode 3511 LX last spring."),
    ("zip", "My post code is 6011."),
    ("street-address", "We rented a flat at 55 rue des Lilas for the summer."),
    ("street-address", "My aunt lives at Lindenstraße 23 in the old town."),
    ("street-address", "Our flat, Hauptstr. 5, had no lift."),
    ("street-address", "Post for me went to Bloemstraat 17."),
    ("street-address", "Our flat is Calle de Alcalá 45, 3º izquierda."),
    ("street-address", "My parents still live on Rua das Flores, 123."),
    ("street-address", "We stayed at Via Roma 12 near the hospital."),
    ("record-number", "My DNI is 12345678Z."),
    ("record-number", "My CPF is 123.456.789-09 on every form."),
    ("record-number", "My NHI is ZAA0067."),
    ("record-number", "Meine Versichertennummer is A123456780."),
    ("record-number", "My IBAN is GB29 NWBK 6016 1331 9268 19 for the refund."),
    ("record-number", "My codice fiscale is RSSMRA85T10A562S."),
    # Stop 50's red team J, against the rules above.
    ("phone", "> text me on 07700\n> 900461 if you like."),
    ("phone", "> > Call me on 07700\n> > 900461."),
    ("phone", "I used the code on the leaflet and rang 0161 496 0734."),
    ("phone", "Call 020 7946 0958 any time."),
    ("zip", "C.P. 28013, Madrid."),
    ("zip", "Our CAP is 00184 in Rome."),
    ("zip", "Kod pocztowy 00-950 Warszawa."),
    ("street-address", "I live at Berliner Straße 12 with my sister."),
    ("street-address", "Vivo en C/ Alcalá 45 con mi madre."),
    ("street-address", "We live at Av. Paulista 1578."),
])  # fmt: skip
def test_scan_v46_finds_the_worlds_phone_numbers_and_identifiers_split_by_a_line_wrap(kind, text):
    assert kind in {f.kind for f in scan(text)}


@pytest.mark.parametrize("text", [
    "In December I started rehab, 0800-1700 every weekday.",
    "I take 0.5 mg twice a day and walk 10 000 steps.",
    "My blood pressure went from 0140/090 to 120/80.",
    "My pill list:\n- Aspirin\n- Metoprolol 25 mg, stopped in June",
    "The postcode lottery paid out 2024 times.",
    "I walked 2031 steps to the post office.",
    "My code for the ward door is 1234.",
    "I walked along the Rue de Rivoli with my cane.",
    "We went to Plaza Mayor on day 3 of the trip.",
    "I sent my notes via 2 emails.",
    "We met at Piazza Navona 2 years ago.",
    "The DNI office was closed on Monday.",
    "The IBAN format confused me.",
    "My daughter is in Year 4 now.",
    "My son is in Year 10 and doing his exams.",
    "I was in Stage 3 by then.",
    # Stop 50's red team I, against v46's first phone rules: times, doses, dates, counts, codes.
    "The NDC on the box was 0781-1506-10.",
    "I take them at 08.00 12.00 18.00 every day.",
    "From 01/02/24-03/04/24 I was on the ward.",
    "My readings were 05 06 07 08 09 mmol by the end.",
    "In weeks 06 07 08 09 10 I felt worse.",
    "My scores were 700 12 15 20 on the four tests.",
    "Doses: 025 050 075 100 mcg.",
    "Batch 09 12 34 56 78 was recalled.",
    "My PIN code is 4821.",
    "Doses at 0600 1400 2200 every day.",
    "My night feeds were at 0200 0500 0800.",
    "My PHQ-9 scores since May: 09 07 05 03 02.",
    "Scores at each visit: 08 06 05 03 01",
    "My pulse on the monitor read 065 072 068 070 on four mornings.",
    "Cycle days 01 05 09 14 21 were the worst.",
    "My weight in stones went 015 012 010 009.",
    "Pill box: 01 02 04 08 16 days.",
    "The Big Ring 3 race was fun.",
    "Our cap is 5 mg a day.",
    "I set a daily cap of 2000 steps.",
    "My area code is 0161 and the clinic is nearby.",
])  # fmt: skip
def test_scan_v46_s_phone_and_line_rules_leave_ordinary_text_alone(text):
    assert not scan(text)


def test_a_line_wrap_is_read_as_a_space_and_findings_keep_their_file_lines():
    text = "First line of the story.\nFor the carpool, my mobile is 07700\n900 215.\n\n- item one\n- item two"
    read, cuts, dropped = identifiers.soft_breaks_read(text)
    assert read == "First line of the story. For the carpool, my mobile is 07700 900 215.\n\n- item one\n- item two"
    assert (cuts, dropped) == ([], [])
    assert [(f.kind, f.line) for f in scan(text, 10)] == [("phone", 11)]  # where the number starts
    # A heading, a list item, a quotation or a table row is a block of its own.
    for kept in ("## What helped\nGarcia", "Pills:\n- Aspirin", "Pills:\n2. Aspirin", "Note\n> quoted", "| a |\nNext"):
        assert identifiers.soft_breaks_read(kept)[0] == kept


@pytest.mark.parametrize("text", [
    "- my friend Grace\n  Whitfield came every day",  # a list item's next line, indented
    "my friend Grace  \nWhitfield came every day",  # a hard break's two spaces
    "my friend Grace\t\n\t\tWhitfield came every day",
])  # fmt: skip
def test_the_spaces_around_a_wrapped_line_are_one_space(text):
    """Stop 50's red team I: a name or a number wrapped inside a list item, or after a hard
    break, kept the indent or the two spaces, and the scan, which reads one or two spaces
    between a name's words, missed it: published."""
    assert identifiers.soft_breaks_read(text)[0].endswith("Grace Whitfield came every day")
    assert [(f.kind, f.line) for f in scan(text, 5, frozenset({"Grace"}))] == [("name", 5)]
    wrapped = text.replace("Grace", "07700").replace("Whitfield came", "900461, ring")
    assert [(f.kind, f.line) for f in scan(wrapped, 5)] == [("phone", 5)]
    # A finding after the cut is on its own line, however many characters the join dropped.
    later = text + "\nand later\n\nKevin Murphy too"
    assert ("name", 9) in [(f.kind, f.line) for f in scan(later, 5, frozenset({"Grace"}))]


def test_the_word_lists_are_let_go_after_the_check_of_a_large_site_only():
    """A build lets go of the scan's word lists (about 20 MB) where its memory is tight, at
    RELEASE_FROM pieces and up; a smaller site's keeps them, so the next build in the process
    (the test suite's, a thousand and more) does not read them again."""
    from generator import identifier_shapes
    from generator.identifiers import RELEASE_FROM, release_word_lists

    identifier_shapes.word_counts()
    release_word_lists(RELEASE_FROM - 1)
    assert identifier_shapes.word_counts.cache_info().currsize == 1
    release_word_lists(RELEASE_FROM)
    assert identifier_shapes.word_counts.cache_info().currsize == 0
