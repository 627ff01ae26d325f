"""Symbol parsing: symbols/s of ``hemicycle.symbols.parse_symbol`` over every real symbol in
tests/data/symbols (UNPC test-set ids, unvotes unres, CR-UNSC resolutions and file names).

Baseline in the same run: the naive normaliser most systems start with, ``upper()`` and one
regular expression: body from the first part (A, S or E), session from
``^(A|S|E)/(RES/)?(\\d+)/``, key = upper-cased text without spaces. Besides speed the script
counts how many real spellings each one brings to the same key as their canonical form,
which is what the naive approach gets wrong.
Usage: .venv/bin/python bench/symbols_parse.py [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hemicycle.symbols import (  # noqa: E402
    SymbolError,
    _parse,
    parse_symbol,
    symbol_from_filename,
)

DATA = ROOT / "tests" / "data" / "symbols"
_NAIVE = re.compile(r"^(A|S|E)/(?:RES/)?(\d+)/")


def naive_parse(text: str) -> tuple[str, str | None, str | None]:
    """What a first attempt does: upper-case, strip spaces, one regex for body and session."""
    key = text.strip().upper().replace(" ", "")
    body = {"A": "GA", "S": "SC", "E": "ECOSOC"}.get(key.split("/", 1)[0])
    m = _NAIVE.match(key)
    return key, body, m.group(2) if m else None


def real_symbols() -> list[str]:
    out = [line.split("/", 1)[1].strip()
           for line in (DATA / "unpc_testset_ids.txt").open() if line.strip()]
    with (DATA / "unvotes_unres.tsv").open(newline="") as fh:
        out += sorted({row["unres"] for row in csv.DictReader(fh, delimiter="\t")})
    out += [f"S/RES/{n}" for n in (DATA / "cr_unsc_res_numbers.txt").read_text().split()]
    out += [symbol_from_filename(name.strip())[0]
            for name in (DATA / "cr_unsc_gold_files.txt").open() if name.strip()]
    return out


def timed(fn, items: list[str], repeat: int) -> tuple[float, int]:
    invalid = 0
    started = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            try:
                fn(item)
            except SymbolError:
                invalid += 1
    return time.perf_counter() - started, invalid // repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    items = real_symbols()
    n = len(items) * args.repeat

    base_s, _ = timed(naive_parse, items, args.repeat)
    ours_s, invalid = timed(_parse.__wrapped__, items, args.repeat)  # no cache: cold parses
    timed(parse_symbol, items, 1)  # fill the cache
    cached_s, _ = timed(parse_symbol, items, args.repeat)

    # variant agreement: each real symbol vs its own canonical form
    ours_agree = naive_agree = valid = 0
    for item in items:
        try:
            sym = parse_symbol(item)
        except SymbolError:
            continue
        valid += 1
        ours_agree += parse_symbol(sym.canonical).key == sym.key
        naive_agree += naive_parse(item)[0] == naive_parse(sym.canonical)[0]
    naive_body = sum(1 for item in items if naive_parse(item)[1] is not None)
    naive_session = sum(1 for item in items if naive_parse(item)[2] is not None)
    ours_session = 0
    for item in items:
        try:
            ours_session += parse_symbol(item).session is not None
        except SymbolError:
            pass

    print(f"real symbols: {len(items)} (x{args.repeat} = {n} parses); not symbols: {invalid}")
    print(f"baseline (naive regex): {n / base_s:12,.0f} symbols/s")
    print(f"hemicycle.symbols:      {n / ours_s:12,.0f} symbols/s (every parse from scratch)")
    print(f"  with its LRU cache:   {n / cached_s:12,.0f} symbols/s (each symbol seen before)")
    print(f"ratio ours/baseline:    {base_s / ours_s:12.3f} (speed); baseline is "
          f"{ours_s / base_s:.1f}x faster")
    print(f"variant = canonical key: ours {ours_agree}/{valid}, baseline {naive_agree}/{valid}")
    print(f"body found:              ours {valid}/{len(items)}, "
          f"baseline {naive_body}/{len(items)}")
    print(f"session found:           ours {ours_session}/{len(items)}, "
          f"baseline {naive_session}/{len(items)} (not checked for correctness here; "
          "tests/symbols does)")


if __name__ == "__main__":
    main()
