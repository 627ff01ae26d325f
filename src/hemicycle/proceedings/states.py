"""Member-state authorities: loading the shipped tables, looking states up, and their
names in the six languages.

One authority per state (ISO3), with dated names and the codes each source uses for it
(unvotes ISO2 or bare name, Voeten's COW numbers). Importers call ``ensure_states``
inside their own transaction, so the authorities exist before the first vote does.

Names (``state_name``): the UN's own short names first (data/un_names.csv: English for
every Member State, observer and the EU; in the other five languages where CLDR's form
is not the UN's, "Fédération de Russie" for "Russie"), then CLDR's name through ICU
(already a dependency; the same CLDR data Babel ships); a name of the day that is no
longer the state's name (Zaire, Turkey before 2022) in the language from
data/historical_names.csv, else as printed in English. Why the UN's names: this is the
UN's library and its documents, vote sheets and the Digital Library name states so;
CLDR's names are everyday forms ("Congo - Brazzaville", "Antigua & Barbuda",
"Россия"). Why CLDR behind them: it has every language's name for every state, so a
state the table does not list is still named in the reader's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from hemicycle.languages import CODES
from hemicycle.proceedings.models import MemberState, StateCode, StateName

DATA = Path(__file__).parent / "data"


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass
class StateInfo:
    id: int
    iso3: str
    iso2: str | None
    kind: str
    admitted: dt.date | None
    ended: dt.date | None
    names: list[tuple[str, dt.date | None, dt.date | None]] = field(default_factory=list)

    def name_on(self, day: dt.date | None) -> str:
        """The name the state bore on ``day`` (its latest name when the day is unknown)."""
        if not self.names:
            return self.iso3
        if day is not None:
            for name, start, end in self.names:
                if (start is None or start <= day) and (end is None or day < end):
                    return name
        return self.names[-1][0]

    def member_on(self, day: dt.date | None) -> bool | None:
        """Whether the state was a member on ``day``; None when we cannot tell."""
        if day is None or self.kind != "member" or self.admitted is None:
            return None
        return self.admitted <= day and (self.ended is None or day < self.ended)


def _shipped() -> tuple[dict[str, dict], list[tuple[str, str, str]], list[dict]]:
    """(iso3 -> state fields, [(iso3, scheme, code)], [names]) from the data files."""
    states: dict[str, dict] = {}
    codes: list[tuple[str, str, str]] = []
    default_names: dict[str, str] = {}
    with (DATA / "states.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            iso3 = row["iso3"]
            admitted = _date(row["admitted"])
            known = states.get(iso3)
            if known is None or (admitted and (known["admitted"] is None
                                               or admitted < known["admitted"])):
                states[iso3] = {
                    "iso3": iso3, "iso2": row["iso2"] or (known or {}).get("iso2"),
                    "kind": "member", "admitted": admitted,
                    "admitted_source": row["admitted_source"] or None,
                    "ended": _date(row["left"]), "note": row["note"] or None,
                }
            elif row["iso2"] and not known.get("iso2"):
                known["iso2"] = row["iso2"]
            codes.append((iso3, "iso2" if row["iso2"] else "name",
                          row["iso2"] or row["unvotes_name"]))
            codes.append((iso3, "name", row["unvotes_name"]))
            if row["cow"]:
                codes.append((iso3, "cow", row["cow"]))
            if row["iso2"] or iso3 not in default_names:
                default_names[iso3] = row["unvotes_name"]
    with (DATA / "others.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            states[row["iso3"]] = {
                "iso3": row["iso3"], "iso2": None, "kind": row["kind"],
                "admitted": _date(row["admitted"]),
                "admitted_source": "curated" if row["admitted"] else None,
                "ended": None, "note": row["note"] or None,
            }
            codes.append((row["iso3"], "name", row["name"]))
            default_names[row["iso3"]] = row["name"]
    names: list[dict] = []
    curated: set[str] = set()
    with (DATA / "names.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            curated.add(row["iso3"])
            names.append({"iso3": row["iso3"], "name": row["name"],
                          "valid_from": _date(row["valid_from"]),
                          "valid_to": _date(row["valid_to"])})
            codes.append((row["iso3"], "name", row["name"]))
    un = _un_names()
    for iso3, name in default_names.items():
        if iso3 not in curated:
            name = un.get(iso3, {}).get("en") or name  # "Antigua and Barbuda", not "... & ..."
            names.append({"iso3": iso3, "name": name, "valid_from": None, "valid_to": None})
    for iso3 in states:
        codes.append((iso3, "iso3", iso3))
    return states, codes, names


def ensure_states(conn: Connection) -> int:
    """Insert the shipped authorities that are missing; returns how many were added."""
    have = set(conn.execute(select(MemberState.iso3)).scalars())
    states, codes, names = _shipped()
    missing = [s for iso3, s in states.items() if iso3 not in have]
    if missing:
        conn.execute(insert(MemberState), missing)
    ids = dict(conn.execute(select(MemberState.iso3, MemberState.id)).all())
    if missing:
        new = {s["iso3"] for s in missing}
        conn.execute(insert(StateName), [
            {"state_id": ids[n["iso3"]], "name": n["name"], "valid_from": n["valid_from"],
             "valid_to": n["valid_to"]} for n in names if n["iso3"] in new])
    known = set(conn.execute(select(StateCode.scheme, StateCode.code)).all())
    rows, seen = [], set()
    for iso3, scheme, code in codes:
        key = (scheme, code.casefold() if scheme == "name" else code)
        if key in seen or (scheme, key[1]) in known:
            continue
        seen.add(key)
        rows.append({"state_id": ids[iso3], "scheme": scheme, "code": key[1]})
    if rows:
        conn.execute(insert(StateCode), rows)
    return len(missing)


class StateIndex:
    """Every authority in memory, with the lookups importers and pages need."""

    def __init__(self, conn: Connection) -> None:
        self.by_id: dict[int, StateInfo] = {}
        for row in conn.execute(select(MemberState)).mappings():
            self.by_id[row["id"]] = StateInfo(row["id"], row["iso3"], row["iso2"], row["kind"],
                                              row["admitted"], row["ended"])
        for state_id, name, start, end in conn.execute(
            select(StateName.state_id, StateName.name, StateName.valid_from,
                   StateName.valid_to).order_by(StateName.state_id, StateName.id)
        ):
            self.by_id[state_id].names.append((name, start, end))
        for info in self.by_id.values():
            info.names.sort(key=lambda n: n[1] or dt.date.min)
        self._codes: dict[tuple[str, str], int] = {
            (scheme, code): state_id
            for state_id, scheme, code in conn.execute(
                select(StateCode.state_id, StateCode.scheme, StateCode.code))
        }
        self.by_iso3 = {info.iso3: info for info in self.by_id.values()}

    def find(self, scheme: str, code: str) -> StateInfo | None:
        code = code.strip()
        if scheme == "name":
            code = code.casefold()
        elif scheme in ("iso2", "iso3"):
            code = code.upper()
        state_id = self._codes.get((scheme, code))
        return self.by_id.get(state_id) if state_id is not None else None


# --- names in the six languages ------------------------------------------------------------

Names = list[tuple[str, dt.date | None, dt.date | None]]


@cache
def _un_names() -> dict[str, dict[str, str]]:
    """ISO3 -> language -> the UN's short name (only where it is given)."""
    with (DATA / "un_names.csv").open(encoding="utf-8") as fh:
        return {row["iso3"]: {code: row[code] for code in CODES if row[code]}
                for row in csv.DictReader(fh)}


@cache
def _historical_names() -> dict[str, dict[str, str]]:
    """An English name of the day -> language -> that name in the language."""
    with (DATA / "historical_names.csv").open(encoding="utf-8") as fh:
        return {row["en"]: {code: row[code] for code in CODES if code != "en" and row[code]}
                | {"en": row["en"]} for row in csv.DictReader(fh)}


@cache
def _dated_names() -> tuple[dict[str, Names], dict[str, str]]:
    """ISO3 -> its English names with their dates, and ISO3 -> ISO2 (as shipped)."""
    states, _codes, names = _shipped()
    dated: dict[str, Names] = {}
    for n in names:
        dated.setdefault(n["iso3"], []).append((n["name"], n["valid_from"], n["valid_to"]))
    for found in dated.values():
        found.sort(key=lambda n: n[1] or dt.date.min)
    return dated, {iso3: st["iso2"] for iso3, st in states.items() if st.get("iso2")}


def _name_of_day(names: Names, day: dt.date | None) -> str | None:
    if not names:
        return None
    if day is not None:
        for name, start, end in names:
            if (start is None or start <= day) and (end is None or day < end):
                return name
    return names[-1][0]


@cache
def _cldr_name(iso2: str, lang: str) -> str | None:
    """CLDR's name of a territory in ``lang`` (ICU), None when it has none."""
    import icu

    name = icu.Locale("", iso2).getDisplayCountry(icu.Locale(lang))
    return name if name and name != iso2 else None


def _current_name(iso3: str, lang: str, english: str | None) -> str:
    un = _un_names().get(iso3, {})
    if lang in un:
        return un[lang]
    iso2 = _dated_names()[1].get(iso3)
    cldr = _cldr_name(iso2, lang) if iso2 and lang != "en" else None
    return cldr or un.get("en") or english or iso3


def state_name(state: str | Any, lang: str, on_date: dt.date | None = None) -> str:
    """The name of ``state`` (an ISO3 code, or anything with ``.iso3``) in ``lang``.

    Without ``on_date``: the state's name today (the UN's short name, else CLDR's), or
    for a state that no longer exists (USSR, Czechoslovakia) its last name. With
    ``on_date``: the name it bore that day, as vote sheets of the day print it
    ("Zaire" in 1980, "Turkey" in 2015), in ``lang`` where the name is known in it,
    else in English. Unknown languages get English; an unknown state its code.
    """
    iso3 = (state if isinstance(state, str) else state.iso3).strip().upper()
    lang = lang if lang in CODES else "en"
    names = _dated_names()[0].get(iso3, [])
    of_day = _name_of_day(names, on_date)
    current = iso3 in _un_names()
    if current and (on_date is None or of_day is None or of_day == names[-1][0]):
        return _current_name(iso3, lang, of_day)
    if of_day is None:
        return iso3
    return _historical_names().get(of_day, {}).get(lang) or of_day


def state_names(state: str | Any, on_date: dt.date | None = None) -> dict[str, str]:
    """``state_name`` in each of the six languages."""
    return {code: state_name(state, code, on_date) for code in CODES}


_COLLATORS = threading.local()


def name_sort_key(lang: str) -> Callable[[str], bytes]:
    """A sort key for names in ``lang``'s collation (ICU; Chinese by pinyin): lists of
    states are in the reader's alphabetical order, not by code or by English name."""
    import icu

    collators = _COLLATORS.__dict__.setdefault("by_lang", {})
    collator = collators.get(lang)
    if collator is None:  # ICU collators are not shared between threads
        collator = collators[lang] = icu.Collator.createInstance(
            icu.Locale(lang if lang in CODES else "root"))
    return lambda text: collator.getSortKey(text or "")
