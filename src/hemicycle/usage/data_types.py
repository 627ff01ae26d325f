"""COUNTER Data_Type of a catalogue document, from its type (``hemicycle.symbols``).

Meeting records are the proceedings of a deliberative body: Conference_Item. Reports
and working papers: Report. Resolutions, decisions, statements and agendas have no
closer COUNTER type than Other. A document of unknown type: Unspecified.
"""

from __future__ import annotations

DATA_TYPES: dict[str, str] = {
    "meeting record": "Conference_Item",
    "summary record": "Conference_Item",
    "report": "Report",
    "working paper": "Report",
    "conference room paper": "Report",
    "information document": "Report",
    "NGO statement": "Other",
    "resolution": "Other",
    "decision": "Other",
    "draft resolution": "Other",
    "presidential statement": "Other",
    "agenda": "Other",
    "general comment": "Other",
}
UNSPECIFIED = "Unspecified"


def data_type(doc_type: str | None) -> str:
    if not doc_type:
        return UNSPECIFIED
    return DATA_TYPES.get(doc_type, "Other")
