"""A generator of hard, synthetic prison-versus-probation data with known true pairs, labelled by error type.

Each person appears at most once in each file. A person's two records differ by one kind of error (or none):
nicknames, transliterations, typos, double-barrelled or swapped names, mistyped or day/month-swapped dates of
birth, a move of address. The PNC id is on a minority of rows. Twins (same family name, date of birth and address,
different given names) and namesakes (same full name, another date of birth) are planted: they must not be merged.
All names come from generic lists and syllables; no row describes a real person.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from throughgate.sharing.linkage import names

ERROR_TYPES = (
    "clean",
    "nickname",
    "transliteration",
    "name_typo",
    "double_barrelled",
    "swapped_names",
    "dob_typo",
    "dob_day_month_swap",
    "moved",
)
HAZARDS = ("twin", "namesake")

MALE = [
    "JAMES",
    "JOHN",
    "ROBERT",
    "MICHAEL",
    "WILLIAM",
    "DAVID",
    "RICHARD",
    "JOSEPH",
    "THOMAS",
    "CHRISTOPHER",
    "DANIEL",
    "MATTHEW",
    "ANTHONY",
    "ANDREW",
    "PAUL",
    "STEPHEN",
    "PETER",
    "GEORGE",
    "EDWARD",
    "HENRY",
    "SAMUEL",
    "BENJAMIN",
    "JACOB",
    "OLIVER",
    "NICHOLAS",
    "PATRICK",
    "LAWRENCE",
    "LEONARD",
    "TIMOTHY",
    "ZACHARY",
    "CHARLES",
    "FRANCIS",
    "JONATHAN",
    "MOHAMMED",
    "AHMED",
    "ALI",
    "HASSAN",
    "HUSSEIN",
    "OMAR",
    "OSMAN",
    "IBRAHIM",
    "YUSUF",
    "KHALID",
    "MUSTAFA",
    "SULEIMAN",
    "ABDULLAH",
    "DMITRI",
    "SERGEI",
    "VLADIMIR",
    "ALEXANDER",
    "KIERAN",
    "RHYS",
    "GARETH",
    "DYLAN",
    "LLEWELYN",
    "OLUWASEUN",
    "ADEBAYO",
    "CHIDI",
    "CONNOR",
    "KYLE",
    "JORDAN",
    "NATHAN",
    "LIAM",
    "CALLUM",
    "DECLAN",
    "REECE",
    "SHANE",
    "WAYNE",
    "DEAN",
    "CRAIG",
    "LEE",
    "RYAN",
    "JASON",
    "MARCUS",
    "TYRONE",
    "DARREN",
    "KEVIN",
    "MARK",
    "SCOTT",
    "GRAHAM",
    "NEIL",
    "IAN",
    "ROSS",
    "GAVIN",
    "KARL",
    "JORGE",
    "RAFAL",
    "LUKASZ",
]
FEMALE = [
    "MARY",
    "ELIZABETH",
    "JENNIFER",
    "SUSAN",
    "MARGARET",
    "CATHERINE",
    "VICTORIA",
    "EMMA",
    "SOPHIA",
    "ISABEL",
    "ANNA",
    "NATALIA",
    "TATIANA",
    "OLGA",
    "ALEXANDRA",
    "SIOBHAN",
    "NIAMH",
    "AOIFE",
    "CERYS",
    "BETHAN",
    "GWENLLIAN",
    "CHLOE",
    "JESSICA",
    "LAUREN",
    "AMY",
    "REBECCA",
    "KAYLEIGH",
    "DEMI",
    "JADE",
    "STACEY",
    "CHANTELLE",
    "TONI",
    "LEANNE",
    "SHANNON",
    "GEMMA",
    "HOLLY",
    "AMBER",
    "FATIMA",
    "AISHA",
    "MARIAM",
    "ZAINAB",
    "AMINA",
    "KHADIJA",
    "PRIYA",
    "ANJALI",
    "SAMANTHA",
    "HAYLEY",
    "CHARLOTTE",
    "LUCY",
    "HANNAH",
    "ZOE",
    "KERRY",
    "DONNA",
    "TRACEY",
    "NICOLA",
]
SURNAMES = [
    "SMITH",
    "JONES",
    "WILLIAMS",
    "TAYLOR",
    "BROWN",
    "DAVIES",
    "EVANS",
    "WILSON",
    "THOMAS",
    "JOHNSON",
    "ROBERTS",
    "ROBINSON",
    "THOMPSON",
    "WRIGHT",
    "WALKER",
    "WHITE",
    "EDWARDS",
    "HUGHES",
    "GREEN",
    "HALL",
    "LEWIS",
    "HARRIS",
    "CLARKE",
    "PATEL",
    "JACKSON",
    "WOOD",
    "TURNER",
    "MARTIN",
    "COOPER",
    "HILL",
    "WARD",
    "MORRIS",
    "MOORE",
    "CLARK",
    "LEE",
    "KING",
    "BAKER",
    "HARRISON",
    "MORGAN",
    "ALLEN",
    "JAMES",
    "SCOTT",
    "PHILLIPS",
    "WATSON",
    "DAVIS",
    "PARKER",
    "PRICE",
    "BENNETT",
    "YOUNG",
    "GRIFFITHS",
    "MITCHELL",
    "KELLY",
    "COOK",
    "CARTER",
    "RICHARDSON",
    "BAILEY",
    "COLLINS",
    "BELL",
    "SHAW",
    "MURPHY",
    "MILLER",
    "COX",
    "RICHARDS",
    "KHAN",
    "MARSHALL",
    "ANDERSON",
    "SIMPSON",
    "ELLIS",
    "ADAMS",
    "SINGH",
    "BEGUM",
    "WILKINSON",
    "FOSTER",
    "CHAPMAN",
    "POWELL",
    "WEBB",
    "ROGERS",
    "GRAY",
    "MASON",
    "ALI",
    "HUNT",
    "HUSSAIN",
    "CAMPBELL",
    "MATTHEWS",
    "OWEN",
    "PALMER",
    "HOLMES",
    "MILLS",
    "BARNES",
    "KNIGHT",
    "LLOYD",
    "BUTLER",
    "RUSSELL",
    "BARKER",
    "FISHER",
    "STEVENS",
    "JENKINS",
    "MURRAY",
    "DIXON",
    "HARVEY",
    "NOWAK",
    "KOWALSKI",
    "WISNIEWSKI",
    "IVANOV",
    "PETROV",
    "OKAFOR",
    "ADEYEMI",
    "OKONKWO",
    "MENSAH",
    "OSEI",
    "NGUYEN",
    "ZHANG",
    "CHEN",
    "RAHMAN",
    "AHMED",
    "CHOWDHURY",
    "MIAH",
    "OBRIEN",
    "OCONNOR",
    "MCDONALD",
    "MCCARTHY",
    "DOYLE",
    "BYRNE",
    "QUINN",
    "FLYNN",
    "REID",
    "STEWART",
    "MACKENZIE",
    "FRASER",
]
_SYLLABLES = [
    "AL",
    "BAR",
    "CAR",
    "DEN",
    "EL",
    "FOR",
    "GAR",
    "HOL",
    "KIN",
    "LAN",
    "MER",
    "NOR",
    "PEN",
    "RAD",
    "SAL",
    "TON",
    "VER",
    "WIN",
    "ASH",
    "BRO",
    "CRA",
    "DUN",
    "FEL",
    "GRE",
]
_LETTERS_PNC = "ZABCDEFGHJKLMNPQRTUVWXY"
_TRANSLIT = {
    head: [variant for variant, canon in names.nickname_groups().items() if canon == head and variant != head]
    for head in [
        "MOHAMMED",
        "HUSSEIN",
        "HASSAN",
        "OMAR",
        "OSMAN",
        "SULEIMAN",
        "MUSTAFA",
        "AHMED",
        "YUSUF",
        "IBRAHIM",
        "DMITRI",
        "SERGEI",
        "VLADIMIR",
        "ALEXANDER",
        "OLGA",
        "TATIANA",
        "NATALIA",
        "SOPHIA",
        "KHALID",
        "ABDULLAH",
    ]
}


@dataclass
class Person:
    key: int
    given: str
    family: str
    dob: date
    sex: str
    postcode: str
    pnc: str
    nhs: str
    hazard: str = ""


@dataclass
class LinkageSet:
    """Two people files, the true pairs and, for each left record with a true partner, its error type."""

    left: list[dict[str, str]]
    right: list[dict[str, str]]
    truth: set[tuple[str, str]]
    error_type: dict[str, str] = field(default_factory=dict)
    hazard: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = (folder / "prison.csv", folder / "probation.csv")
        for path, rows in zip(paths, (self.left, self.right), strict=True):
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        return paths


def pnc_id(year: int, serial: int) -> str:
    """A PNC id with its check letter (serial and two-digit year, modulo 23)."""
    check = _LETTERS_PNC[int(f"{year % 100:02d}{serial:07d}") % 23]
    return f"{year}/{serial:07d}{check}"


def nhs_number(rng: random.Random) -> str:
    """Ten digits whose last is the modulus-11 check digit (never 10); starting 9 (test-number range)."""
    while True:
        digits = [9] + [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _postcode(rng: random.Random) -> str:
    area = rng.choice(["CF", "SA", "LL", "NP", "LS", "M", "B", "L", "S", "NE", "BS", "E", "N", "SE", "SW"])
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


_SURNAME_WEIGHTS = [1 / (rank + 10) for rank in range(len(SURNAMES))]


def _surname(rng: random.Random) -> str:
    """Common names follow a long-tailed frequency (the commonest about 2% of people); the rest are rare."""
    if rng.random() < 0.55:
        return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def _person(rng: random.Random, key: int) -> Person:
    sex = rng.choice("MF") if rng.random() < 0.25 else "M"  # the estate is mostly men
    given = rng.choice(MALE if sex == "M" else FEMALE)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    pnc = pnc_id(rng.randint(1995, 2024), rng.randrange(1, 9_999_999))
    return Person(key, given, _surname(rng), born, sex, _postcode(rng), pnc, nhs_number(rng))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + rng.choice("AEIOU")
    i = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "swap", "replace", "double"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("ABCDEFGHIKLMNOPRSTUVY") + word[i + 1 :]


def _nickname(rng: random.Random, given: str, *, translit: bool) -> str | None:
    if translit:
        variants = _TRANSLIT.get(given)
    else:
        variants = [v for v, canon in names.nickname_groups().items() if canon == given and v != given]
    return rng.choice(variants) if variants else None


def _dob_text(value: date) -> str:
    return value.isoformat()


def _corrupt(rng: random.Random, person: Person, error: str) -> dict[str, str]:
    given, family, dob, postcode = person.given, person.family, _dob_text(person.dob), person.postcode
    if error == "nickname":
        given = _nickname(rng, given, translit=False) or _typo(rng, given)
    elif error == "transliteration":
        given = _nickname(rng, given, translit=True) or _typo(rng, given)
    elif error == "name_typo":
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    elif error == "double_barrelled":
        other = rng.choice(SURNAMES)
        family = f"{family}-{other}" if rng.random() < 0.5 else f"{other}-{family}"
    elif error == "swapped_names":
        given, family = family, given
    elif error == "dob_typo":
        digits = [2, 3, 5, 6, 8, 9]
        i = rng.choice(digits)
        dob = dob[:i] + str((int(dob[i]) + rng.randint(1, 9)) % 10) + dob[i + 1 :]
        if not dob[5:7].isdigit() or not 1 <= int(dob[5:7]) <= 12:
            dob = dob[:5] + "0" + str(rng.randint(1, 9)) + dob[7:]
    elif error == "dob_day_month_swap":
        if person.dob.day <= 12 and person.dob.day != person.dob.month:
            dob = f"{person.dob.year}-{person.dob.day:02d}-{person.dob.month:02d}"
        else:
            dob = dob[:8] + dob[9] + dob[8]
            if int(dob[8:]) == 0 or int(dob[8:]) > 31:
                dob = _dob_text(person.dob + timedelta(days=1))
    elif error == "moved":
        postcode = _postcode(rng)
    return {"given_name": given.title(), "family_name": family.title(), "date_of_birth": dob, "postcode": postcode}


def _row(rng: random.Random, ident: str, person: Person, fields: dict[str, str], *, pnc_rate: float) -> dict[str, str]:
    return {
        "id": ident,
        **fields,
        "sex": person.sex if rng.random() < 0.95 else "",
        "postcode": fields["postcode"] if rng.random() < 0.85 else "",
        "pnc_id": person.pnc if rng.random() < pnc_rate else "",
        "nhs_number": "",
    }


def generate(*, people: int = 6000, seed: int = 7, overlap: float = 0.6, pnc_rate: float = 0.3) -> LinkageSet:
    """``people`` in prison; ``overlap`` of them also on probation, plus as many others again on probation only."""
    rng = random.Random(seed)  # noqa: S311  (synthetic test data, not security)
    population: list[Person] = []
    key = 0
    while len(population) < people * 2:
        person = _person(rng, key)
        key += 1
        population.append(person)
        roll = rng.random()
        if roll < 0.03:  # a twin: same family, date of birth, address; another given name
            twin_given = rng.choice([g for g in (MALE if person.sex == "M" else FEMALE) if g != person.given])
            twin = Person(
                key,
                twin_given,
                person.family,
                person.dob,
                person.sex,
                person.postcode,
                pnc_id(rng.randint(1995, 2024), rng.randrange(1, 9_999_999)),
                nhs_number(rng),
                "twin",
            )
            person.hazard = "twin"
            key += 1
            population.append(twin)
        elif roll < 0.07:  # a namesake: same full name, another date of birth and address
            other = _person(rng, key)
            other.given, other.family, other.sex, other.hazard = person.given, person.family, person.sex, "namesake"
            person.hazard = "namesake"
            key += 1
            population.append(other)
    rng.shuffle(population)
    prison = population[:people]
    in_both = prison[: int(people * overlap)]
    probation = in_both + population[people : people + (people - len(in_both))]
    rng.shuffle(probation)

    result = LinkageSet(left=[], right=[], truth=set())
    right_id = {person.key: f"X{100000 + i:06d}" for i, person in enumerate(probation)}
    both = {person.key for person in in_both}
    for i, person in enumerate(prison):
        ident = f"A{1000 + i:04d}{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}"
        clean = _corrupt(rng, person, "clean")
        result.left.append(_row(rng, ident, person, clean, pnc_rate=pnc_rate))
        if person.key in both:
            error = rng.choice(ERROR_TYPES)
            result.truth.add((ident, right_id[person.key]))
            result.error_type[ident] = error
            person_error = error
        else:
            person_error = ""
        if person.hazard:
            result.hazard[ident] = person.hazard
        person.__dict__["_error"] = person_error
    for person in probation:
        error = person.__dict__.get("_error") or "clean"
        fields = _corrupt(rng, person, error)
        result.right.append(_row(rng, right_id[person.key], person, fields, pnc_rate=pnc_rate))
    return result


def score(found: set[tuple[str, str]], data: LinkageSet) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 overall, by error type and by hazard (keyed on the left record)."""
    groups: dict[str, set[str]] = {"all": {row["id"] for row in data.left}}
    for ident, error in data.error_type.items():
        groups.setdefault(error, set()).add(ident)
    for ident, hazard in data.hazard.items():
        groups.setdefault(hazard, set()).add(ident)
    report: dict[str, dict[str, float]] = {}
    for name, members in groups.items():
        truth = {pair for pair in data.truth if pair[0] in members}
        got = {pair for pair in found if pair[0] in members}
        tp = len(truth & got)
        precision = tp / len(got) if got else 1.0
        recall = tp / len(truth) if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report[name] = {
            "pairs": float(len(truth)),
            "found": float(len(got)),
            "false_pos": float(len(got - truth)),
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    return report
