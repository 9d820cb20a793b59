"""Word lists the identifier scan reads context from: states, street suffixes, relations, titles.

Everything here is small, public and stable (USPS street suffixes, the states), so it lives in
code rather than in a dependency. First names come from a package: see `identifier_names`.
"""

from __future__ import annotations

STATES = (
    """
Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts
Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon
Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming Guam
""".split()
    + [
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "West Virginia",
        "District of Columbia",
        "Puerto Rico",
    ]
)
STATE_ABBREVIATIONS = """
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI
""".split()

# Places bigger than a state, which a story may name freely, and hospital departments, which
# patients capitalise ("moved to Cardiology"): neither is a town.
REGIONS = set(
    """
    admissions africa america appalachia asia australia brazil canada cardiology caribbean
    ccu china colombia cuba dialysis east emergency england europe france germany ghana
    guatemala haiti honduras hospice icu imaging india iran iraq ireland israel italy
    jamaica japan kenya korea maternity mexico midwest neurology nigeria north northeast
    northwest oncology orthopedics pacu pakistan pediatrics peru philippines poland
    radiology recovery rehab rehabilitation russia scotland south southeast southwest spain
    surgery telemetry triage ukraine urology us usa vietnam wales west
    afghanistan kuwait somalia ethiopia eritrea egypt nepal laos cambodia thailand bosnia
    syria yemen libya sudan lebanon jordan turkey greece portugal sweden norway denmark
    finland austria switzerland belgium holland netherlands bangladesh burma myanmar
    indonesia malaysia singapore taiwan mongolia argentina chile ecuador bolivia venezuela
    panama nicaragua okinawa bavaria
    """.split()
) | {"latin america", "middle east", "new england", "pacific northwest", "the states"}

# Languages, which a story names after "in" ("the forms were in Tagalog"): no town.
LANGUAGES = set(
    """
    english spanish tagalog urdu hindi punjabi vietnamese korean mandarin cantonese chinese
    japanese arabic farsi persian somali amharic swahili hmong creole haitian portuguese
    russian polish ukrainian french german italian greek hebrew yiddish latin navajo cherokee
    lakota ojibwe gujarati bengali tamil telugu marathi nepali burmese khmer lao thai samoan
    tongan sign asl
    """.split()
)

MONTHS = set(
    """
    apr april aug august dec december feb february jan january jul july jun june mar march
    may nov november oct october sep sept september
    """.split()
)
DAYS = set(
    """
    friday fridays monday mondays saturday saturdays sunday sundays thursday thursdays
    tuesday tuesdays wednesday wednesdays
    """.split()
)

# USPS Publication 28, appendix C1: the common street suffixes and their abbreviations.
STREET_SUFFIXES = """
Alley Aly Annex Arcade Avenue Ave Av Bayou Beach Bend Bluff Bluffs Bottom Boulevard Blvd
Branch Bridge Brook Brooks Burg Bypass Byp Camp Canyon Cape Causeway Circle Cir Cliff Cliffs
Common Commons Corner Corners Course Court Ct Courts Cove Creek Crescent Cres Crest Crossing
Xing Crossroad Curve Dale Dam Divide Drive Dr Drives Estate Estates Est Expressway Expy
Extension Ext Falls Ferry Field Fields Flat Flats Ford Forest Forge Forges Fork Forks Fort
Freeway Fwy Garden Gardens Gdns Gateway Glen Glens Green Greens Grove Harbor Haven Heights
Hts Highway Hwy Hill Hills Hollow Inlet Island Isle Junction Knoll Knolls Lake Lakes Landing
Lane Ln Lodge Loop Manor Meadow Meadows Mews Mill Mills Motorway Mount Mountain Neck Orchard
Oval Overpass Park Parks Parkway Pkwy Path Pike Pine Pines Place Pl Plain Plains Plaza Plz
Point Points Port Prairie Ranch Rapids Ridge Ridges River Road Rd Roads Route Rte Row Rue
Run Shoal Shore Shores Skyway Spring Springs Spur Square Sq Stravenue Stream Street St
Streets Terrace Ter Terr Throughway Trace Trafficway Trail Trl Tunnel Turnpike Tpke Underpass
Valley Vly Viaduct View Views Village Vlg Ville Vista Wall Way Ways
""".split()
# Without a house number, only suffixes that rarely end anything but a street name count.
STREET_SUFFIXES_ALONE = """
Street Avenue Ave Road Rd Lane Ln Boulevard Blvd Court Terrace Circle Trail Parkway Pkwy
Highway Hwy Pike Turnpike Alley Crescent Drive Place Way
""".split()

# Words before a name that say the next capitalised word is a person.
RELATIONS = """
neighbour neighbor neighbours neighbors sister brother wife husband son daughter friend boss
coworker co-worker colleague partner mom mum mother dad father aunt uncle cousin nephew
niece grandson granddaughter grandmother grandfather grandma grandpa granny nana roommate
landlord landlady teacher coach pastor caregiver carer fiance fiancé fiancee fiancée
boyfriend girlfriend manager supervisor stepson stepdaughter stepmother stepfather kid kids
child children grandchild grandkid sibling twin bestie buddy pal doctor surgeon nurse
therapist cardiologist dentist physician pharmacist sponsor mentor employer classmate
brother-in-law sister-in-law mother-in-law father-in-law son-in-law daughter-in-law ex
ex-wife ex-husband spouse godmother godfather godson goddaughter boy girl baby grandbaby
freind frend nieghbor nieghbour neigbor neigbour naybor bff hubby wifey
physio physiotherapist oncologist neurologist dietitian dietician counselor counsellor
psychiatrist psychologist midwife doula
babcia dziadek nonna nonno abuela abuelo abuelita abuelito oma opa bubbe zayde yiayia lola lolo
""".split()  # and as patients misspell or shorten them: "my freind harriet", "my hubby Ray"
TITLES = """
Dr Dr. Doctor Mr Mr. Mrs Mrs. Ms Ms. Miss Mx Mx. Nurse Pastor Father Fr. Reverend Rev Rev.
Aunt Auntie Uncle Grandma Grandpa Granny Nana Papa Coach Officer Professor Prof. Judge
Captain Sister Brother Rabbi Imam Deacon Sgt. Sergeant Nanny
""".split()

# First names (in the census lists) that are also ordinary words. Picked from the census
# names whose English word frequency (wordfreq's Zipf scale) is 4 or more, keeping those used
# mostly as words. At the start of a sentence these are taken as words, not names.
COMMON_WORD_NAMES = set(
    """
    al amber angel april art august autumn bell ben bill blair blake bob brooks buck bud
    buddy candy carol carry chance charity chase cherry chuck clay cliff cole crystal daisy
    dawn dean destiny don drew earl ed eve faith foster frank gay gene ginger grace grant
    guy harmony hazel heather holly honey hope hunter iris ivy jack jasmine jean joy june
    kit lee lily love mac mark marvel max may mercy miles nick olive palmer parker pat
    patience pearl penny ray reed rich rob rocky rose ruby rusty sandy sky spring sterling
    sue summer sunny sunshine tom van violet wade walker ward warner warren will winter
    """.split()
)  # "walker": in a story of care, the frame a patient walks with

# Census first names that in a story are words, places or nationalities, wherever they stand.
NOT_NAME_WORDS = set(
    """
    ai alpha america an angeles angle argentina asia bo brain chan chin china christian
    cleveland columbus dallas del delta denver desire diamond diego dot easter echo else era
    fairy forest france francisco friday geneva german glory golden ha hang hong houston
    hung in india irish isis israel junior kenya king lady lane le lean les liberty loan
    long ma major man manual many marine marry mi milan min miss monday moon my na noble
    numbers ok orlando pa page paris precious prince princess queen royal sang santa season
    see so son song soon star sun sunday sydney ta temple tiny tuesday un vi young
    """.split()
)
# Capitalised words that are never the name of a person in a story.
NOT_NAMES = (
    set(
        """
    a after and as at before but by christ christmas covid dad doctor english every for from
    god grandma grandpa halloween hanukkah he her his i if internet into it its jesus lord mama nana papa
    medicaid medicare mom mum now nurse on or our ramadan she spanish thanksgiving that the
    their then these they this those today we when with without you
    """.split()
    )
    | NOT_NAME_WORDS
)

# Given names and the nicknames English speakers commonly use for them (scan v42): a champion
# "Robert Okafor" whose consent allows his name writes himself "Bob Okafor", "Rob" or "Bobby
# Okafor"; a consent allowing "Elizabeth" covers "Liz" and "Beth". An allowed name allows its
# nicknames, and an allowed nickname the names it stands for (not their other nicknames).
# Kept small and by hand, not the `nicknames` package (Apache-2.0, 2,691 pairs, 74 KB): its
# pairs include names of their own that a reader takes for someone else ("Margaret" - "Rita",
# "Daisy"; "Elizabeth" - "Lisa"; "Robert" - "Rupert", "Bill"; "William" - "Bell"), and every
# pair allowed is a name the scan no longer reports for anyone.
NICKNAMES = {
    formal: tuple(short.split())
    for formal, short in (
        line.split(":") for line in """
robert: bob bobby rob robbie robby bert
william: bill billy will willy willie
richard: rick ricky rich richie dick
james: jim jimmy jamie
john: jack johnny
joseph: joe joey
thomas: tom tommy
charles: charlie chuck
edward: ed eddie ted teddy ned
michael: mike mikey mick mickey
christopher: chris
daniel: dan danny
david: dave davey
anthony: tony
andrew: andy drew
matthew: matt
nicholas: nick nicky
patrick: pat paddy
stephen: steve stevie
steven: steve stevie
timothy: tim timmy
benjamin: ben benny
samuel: sam sammy
alexander: alex
henry: hank harry
lawrence: larry
gerald: gerry jerry
raymond: ray
ronald: ron ronnie
donald: don donnie
kenneth: ken kenny
peter: pete
frederick: fred freddie
francis: frank
jonathan: jon jonny
gregory: greg
jeffrey: jeff
douglas: doug
leonard: len lenny
elizabeth: liz lizzie lizzy beth betty betsy eliza libby bess
margaret: peggy peg maggie meg marge margie
katherine: kate katie kathy kat
catherine: cathy kate katie cat
kathryn: kate katie kathy
patricia: pat patty trish tricia
jennifer: jen jenny
susan: sue susie
deborah: deb debbie
rebecca: becky becca
barbara: barb babs
dorothy: dot dottie
mary: molly polly
sarah: sally sadie
victoria: vicky tori
christine: chris chrissy
christina: chris chrissy tina
alexandra: alex lexi
abigail: abby
jessica: jess jessie
samantha: sam sammy
cynthia: cindy
kimberly: kim
pamela: pam
judith: judy
theresa: terry tess
teresa: terry tess
virginia: ginny
frances: fran frannie
josephine: jo josie
eleanor: ellie nell nellie
""".strip().splitlines()
    )
}
