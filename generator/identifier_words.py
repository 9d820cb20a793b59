"""Word lists the identifier scan reads context from: states, street suffixes, relations, titles.

Everything here is small, public and stable (USPS street suffixes, the states), so it lives in
code rather than in a dependency. First names come from a package: see `identifier_names`.
"""

from __future__ import annotations

STATES = (
 "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
 "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
 "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
 "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split() + [
 "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
 "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
 "Puerto Rico", "Guam",
]
STATE_ABBREVIATIONS = (
 "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
 "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI"
).split()

# Places bigger than a state, which a story may name freely.
REGIONS = {
 "america", "usa", "us", "canada", "mexico", "europe", "asia", "africa", "england", "ireland",
 "scotland", "wales", "france", "germany", "italy", "spain", "india", "china", "japan",
 "korea", "vietnam", "philippines", "nigeria", "ghana", "kenya", "brazil", "cuba", "haiti",
 "jamaica", "guatemala", "honduras", "colombia", "peru", "poland", "russia", "ukraine",
 "israel", "iran", "iraq", "pakistan", "australia", "midwest", "south", "north", "east",
 "west", "southwest", "northeast", "northwest", "southeast", "new england", "appalachia",
    # hospital departments and wards, which patients capitalise: "moved to Cardiology"
    "cardiology", "oncology", "radiology", "neurology", "urology", "orthopedics", "pediatrics",
    "maternity", "recovery", "rehab", "rehabilitation", "surgery", "emergency", "triage",
    "admissions", "imaging", "hospice", "icu", "ccu", "pacu", "telemetry", "dialysis",
 "the states", "caribbean", "latin america", "middle east", "pacific northwest",
}

MONTHS = {
 "january", "february", "march", "april", "may", "june", "july", "august", "september",
 "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
 "sept", "oct", "nov", "dec",
}
DAYS = {
 "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
 "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
}

# USPS Publication 28, appendix C1: the common street suffixes and their abbreviations.
STREET_SUFFIXES = (
 "Alley Aly Annex Arcade Avenue Ave Av Bayou Beach Bend Bluff Bluffs Bottom Boulevard Blvd "
 "Branch Bridge Brook Brooks Burg Bypass Byp Camp Canyon Cape Causeway Circle Cir "
 "Cliff Cliffs Common Commons Corner Corners Course Court Ct Courts Cove Creek Crescent "
 "Cres Crest Crossing Xing Crossroad Curve Dale Dam Divide Drive Dr Drives Estate Estates Est "
 "Expressway Expy Extension Ext Falls Ferry Field Fields Flat Flats Ford Forest Forge Forges "
 "Fork Forks Fort Freeway Fwy Garden Gardens Gdns Gateway Glen Glens Green Greens Grove Harbor "
 "Haven Heights Hts Highway Hwy Hill Hills Hollow Inlet Island Isle Junction Knoll Knolls "
 "Lake Lakes Landing Lane Ln Lodge Loop Manor Meadow Meadows Mews "
 "Mill Mills Motorway Mount Mountain Neck Orchard Oval Overpass Park Parks Parkway "
 "Pkwy Path Pike Pine Pines Place Pl Plain Plains Plaza Plz Point Points Port "
 "Prairie Ranch Rapids Ridge Ridges River Road Rd Roads Route Rte Row Rue Run "
 "Shoal Shore Shores Skyway Spring Springs Spur Square Sq Stravenue Stream Street St "
 "Streets Terrace Ter Throughway Trace Trafficway Trail Trl Tunnel "
 "Turnpike Tpke Underpass Valley Vly Viaduct View Views Village Vlg Ville Vista "
 "Wall Way Ways "
).split()
# Without a house number, only suffixes that rarely end anything but a street name count.
STREET_SUFFIXES_ALONE = (
 "Street Avenue Ave Road Rd Lane Ln Boulevard Blvd Court Terrace Circle Trail Parkway Pkwy "
 "Highway Hwy Pike Turnpike Alley Crescent Drive Place Way"
).split()

# Words before a name that say the next capitalised word is a person.
RELATIONS = (
 "neighbour neighbor neighbours neighbors sister brother wife husband son daughter friend "
 "boss coworker co-worker colleague partner mom mum mother dad father aunt uncle cousin nephew "
 "niece grandson granddaughter grandmother grandfather grandma grandpa granny nana roommate "
 "landlord landlady teacher coach pastor caregiver carer fiance fiancé fiancee fiancée "
 "boyfriend girlfriend manager supervisor stepson stepdaughter stepmother stepfather kid kids "
 "child children grandchild grandkid sibling twin bestie buddy pal doctor surgeon nurse "
 "therapist cardiologist dentist physician pharmacist sponsor mentor employer classmate "
 "brother-in-law sister-in-law mother-in-law father-in-law son-in-law daughter-in-law "
 "ex ex-wife ex-husband spouse godmother godfather godson goddaughter boy girl baby grandbaby"
).split()
TITLES = (
 "Dr Dr. Doctor Mr Mr. Mrs Mrs. Ms Ms. Miss Mx Mx. Nurse Pastor Father Fr. Reverend Rev "
 "Rev. Aunt Auntie Uncle Grandma Grandpa Granny Nana Papa Coach Officer Professor Prof. "
 "Judge Captain Sister Brother Rabbi Imam Deacon Sgt. Sergeant Nanny"
).split()

# First names (in the census lists) that are also ordinary words. Picked from the census
# names whose English word frequency (wordfreq's Zipf scale) is 4 or more, keeping those used
# mostly as words. At the start of a sentence these are taken as words, not names.
COMMON_WORD_NAMES = set(
    """
    will may love hope guy chance art bill mark rich carry tom jack faith ray grant max bob don
    nick bell grace joy drew mac charity angel chase kit dean crystal buddy ward hunter honey
    gene rob foster clay candy dawn warren autumn mercy pat parker sue patience sandy destiny
    earl cole cherry chuck sunshine rocky marvel blake pearl sterling warner harmony cliff olive
    bud sunny reed penny brooks palmer buck blair rose summer winter spring ben al ed van lee
    jean carol eve ivy iris lily violet ruby amber hazel holly heather daisy jasmine ginger sky
    rusty wade miles frank gay june april august
    """.split()
)
# Census first names that in a story are words, places or nationalities, wherever they stand.
NOT_NAME_WORDS = set(
    """
    in my an so see many man long season young else soon major son song miss star king ok page
    numbers sun lady brain queen royal prince moon forest loan golden era tiny ma un desire hang
    ha lane marine princess junior le pa temple na min diamond marry angle glory liberty precious
    manual del mi isis alpha noble ai lean delta les vi fairy dot echo ta chin chan bo hung sang
    german irish america china india france paris israel asia santa angeles francisco diego
    hong kenya argentina milan geneva columbus orlando cleveland houston dallas denver sydney
    christian easter sunday monday friday tuesday
    """.split()
)
# Capitalised words that are never the name of a person in a story.
NOT_NAMES = NOT_NAME_WORDS | {
 "god", "lord", "jesus", "christ", "christmas", "easter", "thanksgiving", "halloween",
 "hanukkah", "ramadan", "medicare", "medicaid", "i", "english", "spanish", "internet",
 "covid", "mom", "dad", "mum", "grandma", "grandpa", "doctor", "nurse", "the", "a", "an",
 "and", "but", "or", "if", "then", "when", "after", "before", "now", "today", "every",
 "this", "that", "these", "those", "it", "we", "you", "he", "she", "they", "our", "his",
 "her", "their", "its", "as", "at", "on", "by", "for", "from", "with", "without", "into",
}
