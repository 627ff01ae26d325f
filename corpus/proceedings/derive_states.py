"""Derive the member-state table shipped in src/hemicycle/proceedings/data/states.csv.

Run once by hand (``.venv/bin/python corpus/proceedings/derive_states.py``); the output
is checked in. Why derived: the unvotes file names states by ISO2 (some by name only),
Voeten's raw file by Correlates-of-War code, and neither gives admission dates. We
match each COW code to the unvotes state whose recorded votes agree with it most
(share of identical votes), take ISO3 codes from ICU, and take the first roll call at
which Voeten codes a state present or absent as its admission date where no curated date
exists (founding members and the well-known changes are curated in CURATED below).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import gzip
from pathlib import Path

import icu

HERE = Path(__file__).parent / "unvotes"
OUT = Path(__file__).resolve().parents[2] / "src/hemicycle/proceedings/data/states.csv"

# unvotes rows without an ISO2 code, and ISO2 codes ICU has no ISO3 for (old states)
BY_NAME = {"Yemen Arab Republic": "YEM", "Zanzibar": "ZAN", "Federal Republic of Germany": "DEU"}
ISO3 = {"CS": "CSK", "DD": "DDR", "YU": "YUG", "YD": "YMD"}
FOUNDING = (
    "ARG AUS BEL BOL BRA BLR CAN CHL COL CRI CUB CSK DNK DOM ECU EGY SLV ETH FRA GRC GTM "
    "HTI HND IND IRN IRQ LBN LBR LUX MEX NLD NZL NIC NOR PAN PRY PER PHL POL RUS SAU ZAF "
    "SYR TUR UKR GBR USA URY VEN YUG TWN"
).split()
# iso3: (admitted, left, note)
CURATED = {
    "TWN": ("1945-10-24", "1971-10-25", "held the seat of China until resolution 2758 (XXVI)"),
    "CHN": ("1971-10-25", None, "People's Republic of China seated by resolution 2758 (XXVI)"),
    "DEU": ("1973-09-18", None, "Federal Republic of Germany; Germany from 1990-10-03"),
    "DDR": ("1973-09-18", "1990-10-03", "joined the Federal Republic of Germany"),
    "YMD": ("1967-12-14", "1990-05-22", "united with Yemen"),
    "CSK": ("1945-10-24", "1992-12-31", "succeeded by Czechia and Slovakia"),
    "CZE": ("1993-01-19", None, None),
    "SVK": ("1993-01-19", None, None),
    "ZAN": ("1963-12-16", "1964-04-26", "united with Tanganyika"),
    "SSD": ("2011-07-14", None, None),
    "TLS": ("2002-09-27", None, None),
    "CHE": ("2002-09-10", None, None),
    "MNE": ("2006-06-28", None, None),
}


def main() -> None:
    uv: dict[str, dict[int, str]] = collections.defaultdict(dict)
    names: dict[str, str] = {}
    with gzip.open(HERE / "un_votes.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            key = row["country_code"] or row["country"]
            uv[key][int(row["rcid"])] = {"yes": "1", "abstain": "2", "no": "3"}[row["vote"]]
            names[key] = row["country"]
    votes: dict[int, dict[int, str]] = collections.defaultdict(dict)
    first_member: dict[int, dt.date] = {}
    with gzip.open(HERE / "voeten_UNVotesPublished_2016.csv.gz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cow = int(row["ccode"])
            if row["vote"] in ("1", "2", "3"):
                votes[cow][int(float(row["rcid"]))] = row["vote"]
            # a member is present (1, 2, 3) or absent (8); Voeten's "member" flag is also
            # set on some "not a member" (9) rows, so the vote code decides
            if row["vote"] in ("1", "2", "3", "8") and row["date"]:
                day = dt.datetime.strptime(row["date"], "%m/%d/%Y").date()
                if cow not in first_member or day < first_member[cow]:
                    first_member[cow] = day
    # one-to-one, best agreement first (Germany 1990- agrees with the Netherlands more often
    # than with itself across the overlap, so a plain arg-max would pick the wrong state)
    scored = []
    for cow, cast in votes.items():
        for key, theirs in uv.items():
            same = sum(1 for rc, v in cast.items() if theirs.get(rc) == v)
            scored.append((same / max(1, len(cast)), same, cow, key))
    scored.sort(reverse=True)
    cow_of: dict[str, int] = {}
    taken: set[int] = set()
    for _share, _same, cow, key in scored:
        if cow not in taken and key not in cow_of:
            cow_of[key] = cow
            taken.add(cow)
    rows = []
    for key, name in sorted(names.items()):
        iso2 = key if len(key) == 2 else ""
        iso3 = BY_NAME.get(key) or ISO3.get(iso2) or icu.Locale("", iso2).getISO3Country()
        cow = cow_of.get(key)
        admitted, left, note = CURATED.get(iso3, (None, None, None))
        source = "curated" if admitted else None
        if admitted is None and iso3 in FOUNDING:
            admitted, source = "1945-10-24", "curated"
        if admitted is None and cow in first_member:
            admitted, source = first_member[cow].isoformat(), "data"
        rows.append({"iso3": iso3, "iso2": iso2, "cow": cow or "", "unvotes_name": name,
                     "admitted": admitted or "", "admitted_source": source or "",
                     "left": left or "", "note": note or ""})
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
