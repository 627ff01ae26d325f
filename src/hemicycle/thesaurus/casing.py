"""How labels are written: one casing policy per load, applied before anything is stored.

UNBIS reaches us in three casings at once: the domain-13 SKOS export writes English,
French and Spanish labels in capitals ("DISPLACED PERSONS"), the 2015 label table in
lower case ("displaced persons") and Russian in sentence case ("Перемещенные лица"),
and the domain list writes Russian in capitals. Shown side by side they look like
three thesauri. The ``sentence`` policy writes every label as Russian already is:
a capital first letter, the rest in lower case where the source was all capitals,
otherwise as the source has it. Capitals carry no information a reader can use (the
sources in capitals or in lower case have both lost the capitals of proper nouns),
and sentence case is how a subject heading reads in running text and lists.
``as-given`` (the default) leaves labels untouched, for vocabularies with their own
convention (YSO writes its Finnish labels in lower case on purpose).
"""

from __future__ import annotations

from hemicycle.thesaurus.keys import fold, primary_language
from hemicycle.thesaurus.skosgraph import VocabData

POLICIES = ("as-given", "sentence")


def _cased(ch: str) -> bool:
    return ch.lower() != ch.upper()


def sentence_case(text: str) -> str:
    """``text`` with a capital first letter; a label all in capitals is lowered first.
    Scripts without case (Arabic, Chinese) and labels that start with a digit or a
    sign are returned as they are, apart from the lowering."""
    cased = [ch for ch in text if _cased(ch)]
    if len(cased) > 1 and all(ch.isupper() for ch in cased):
        text = text.lower()
    if text and _cased(text[0]):
        return text[0].upper() + text[1:]
    return text


def apply_label_case(data: VocabData, policy: str) -> None:
    """Rewrite the concept and collection labels of ``data`` under ``policy``; an
    alternative label that becomes its concept's prefLabel, or repeats another
    alternative label, is dropped. Scheme labels are names and are left alone."""
    if policy not in POLICIES:
        raise ValueError(f"unknown label case {policy!r}: expected one of {', '.join(POLICIES)}")
    if policy == "as-given":
        return
    for res in data.resources.values():
        if res.kind == "scheme":
            continue
        labels = [(kind, tag, sentence_case(text)) for kind, tag, text in res.labels]
        seen = {(tag, fold(text, primary_language(tag))) for kind, tag, text in labels
                if kind == "pref"}
        kept = []
        for kind, tag, text in labels:
            key = (tag, fold(text, primary_language(tag)))
            if kind != "pref":
                if key in seen:
                    continue
                seen.add(key)
            kept.append((kind, tag, text))
        res.labels = kept
