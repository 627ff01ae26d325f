"""How many catalogue records carry subjects, and of which origin (issue 16's figure:
"share of demo records with at least one subject"; before this work: 0 %).

Reads the catalogue of HEMICYCLE_DATA (run after ``make demo-data``), counts documents
that are not withdrawn, by collection (the first part of their symbol's series) and in
all: with at least one subject, with a catalogued one, with a machine one accepted by the
operator's policy or by a cataloguer, and with machine suggestions at all. The baseline in
the same run is the same catalogue without the policy's subjects (what it held before).

    HEMICYCLE_DATA=var .venv/bin/python bench/subjects_records.py
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject
from hemicycle.config import load_settings
from hemicycle.subjects.models import SubjectSuggestion
from hemicycle.subjects.records import is_policy


def main() -> None:
    settings = load_settings()
    with session_scope(settings.database_url) as db:
        docs = dict(db.execute(select(Document.id, Document.symbol)
                               .where(Document.status != "deleted")).all())
        kinds: dict[int, set[str]] = {}
        for doc_id, origin, by in db.execute(select(
                DocumentSubject.document_id, DocumentSubject.origin,
                DocumentSubject.assigned_by)):
            kind = "catalogued" if origin != "machine" else (
                "policy" if is_policy(by) else "machine, by a cataloguer")
            kinds.setdefault(doc_id, set()).add(kind)
        suggested = set(db.scalars(select(SubjectSuggestion.document_id).distinct()))
    groups: Counter[str] = Counter()
    counts: Counter[tuple[str, str]] = Counter()
    for doc_id, symbol in docs.items():
        group = (symbol or "?").split("/")[0] if "/" in (symbol or "") else "other"
        for g in (group, "all"):
            groups[g] += 1
            have = kinds.get(doc_id, set())
            counts[g, "any"] += bool(have)
            counts[g, "without the policy"] += bool(have - {"policy"})
            counts[g, "suggested"] += doc_id in suggested
            for kind in have:
                counts[g, kind] += 1
    columns = ("any", "without the policy", "catalogued", "policy",
               "machine, by a cataloguer", "suggested")
    print(f"{'collection':<12}{'records':>8}" + "".join(f"{c:>26}" for c in columns))
    for g in sorted(groups, key=lambda g: (g == "all", -groups[g])):
        print(f"{g:<12}{groups[g]:>8}" + "".join(
            f"{counts[g, c]:>16} ({100 * counts[g, c] / groups[g]:5.1f} %)" for c in columns))


if __name__ == "__main__":
    main()
