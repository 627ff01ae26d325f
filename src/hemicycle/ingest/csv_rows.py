"""Reading a CSV manifest row by row without letting one broken row take others with it.

Python's csv module, left to itself, reads a quote that is never closed as one value
running to the end of the file: every later row disappears into it, silently. Here the
reader is strict, a row it cannot read is reported at the line where it began, and
reading starts again on the next line, so the rows after it still load. A value over
several lines is allowed only in the columns that hold running text (``MULTILINE``);
anywhere else it is the trace of a quote closed too late, and the row is reported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

MULTILINE = frozenset({"text", "extra"})
ERROR = "__error__"  # the key of a row that could not be read: its value says why


class HeaderError(ValueError):
    """The header row is unusable; the message names the problem."""


class _Lines:
    """The file's lines, numbered; the lines of the row being read are kept, so that
    after a row that cannot be read, all but its first line can be read again."""

    def __init__(self, fh) -> None:
        self._fh = fh
        self._again: list[str] = []
        self.row: list[str] = []
        self.number = 0  # of the last line handed out

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.pop(0) if self._again else next(self._fh)
        self.number += 1
        self.row.append(line)
        return line

    def start_row(self) -> int:
        self.row = []
        return self.number + 1

    def read_again_after(self, first: int) -> None:
        """Hand out again the lines of the current row after its first (line ``first``)."""
        self._again = self.row[1:] + self._again
        self.number = first
        self.row = []


def csv_rows(manifest: Path, required: tuple[tuple[str, ...], ...]) -> Iterator[
        tuple[int, dict]]:
    """(line where the row begins, {column: value}) for each row; a row that cannot be
    read comes as {ERROR: reason}. HeaderError unless the header has, for each tuple of
    ``required``, one of its columns."""
    with manifest.open(newline="", encoding="utf-8-sig") as fh:
        lines = _Lines(fh)
        try:
            header = [name.strip() for name in next(csv.reader(lines, strict=True))]
        except (StopIteration, csv.Error):
            header = []
        for names in required:
            if not set(names) & set(header):
                wanted = " (or ".join(f"'{n}'" for n in names) + ")" * (len(names) - 1)
                columns = ", ".join(h for h in header if h) or "none"
                raise HeaderError(f"no {wanted} column (the columns are: {columns})")
        while True:
            reader = csv.reader(lines, strict=True)
            first = lines.start_row()
            try:
                for values in reader:
                    if values:
                        yield first, _row(header, values, first, lines.number)
                    first = lines.start_row()
                return
            except csv.Error as exc:
                yield first, {ERROR: _unreadable(str(exc), first, lines.number)}
                lines.read_again_after(first)


def _unreadable(reason: str, first: int, last: int) -> str:
    if "end of data" in reason:
        return (f"a quote opened on line {first} is never closed (the row is skipped; "
                "reading goes on with the next line)")
    return (f"not valid CSV from line {first} to {last} ({reason}): a quote opened on line "
            f"{first} and not closed? (the row is skipped; reading goes on with the next line)")


def _row(header: list[str], values: list[str], first: int, last: int) -> dict:
    if len(values) > len(header):
        return {ERROR: f"{len(values)} values where the header has {len(header)} columns"}
    if len(values) < len(header):
        missing = ", ".join(header[len(values):])
        return {ERROR: f"{len(values)} values where the header has {len(header)} columns "
                       f"(missing: {missing})"}
    row = dict(zip(header, values, strict=True))
    for name, value in row.items():
        if name not in MULTILINE and ("\n" in value or "\r" in value):
            return {ERROR: f"the {name} value runs over lines {first}-{last}: only "
                           f"{' and '.join(sorted(MULTILINE))} may; a quote closed too late?"}
    return {name: value.strip() for name, value in row.items()}
