"""Cutting Chinese text into units to compare, with no segmenter to disagree with anyone.

Search indexes overlapping character bigrams over each run of letters and digits (Han,
Latin or digits alike: Chinese text glues numbers and Latin names to Han characters,
"2015年3月", "Benbouli和Achour"); a one-character run stays a unigram. Subject indexing
reads each Han character as a word of its own (``HAN``): a label is then matched as a
character sequence.
"""

from __future__ import annotations

import re
from operator import add

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK unified ideographs (A, basic, compat)
_RUNS = re.compile(r"[^\W_]+")


def bigram_spans(text: str) -> list[tuple[str, int, int]]:
    """The bigrams (and lone characters) of ``text`` with their character offsets."""
    units: list[tuple[str, int, int]] = []
    for match in _RUNS.finditer(text):
        start, run = match.start(), match.group()
        if len(run) == 1:
            units.append((run, start, start + 1))
        else:
            units.extend((run[i:i + 2], start + i, start + i + 2) for i in range(len(run) - 1))
    return units


def bigrams(text: str) -> str:
    """The bigrams (and lone characters) of ``text``, separated by spaces."""
    units: list[str] = []
    for run in _RUNS.findall(text):
        if len(run) == 1:
            units.append(run)
        else:  # each character joined to the next, without indexing in Python
            units.extend(map(add, run, run[1:]))
    return " ".join(units)
