"""``hemicycle symbol`` run for real (a subprocess, symbols on stdin) over every real symbol in
the shared data: the UN Parallel Corpus test-set ids, the unres column of the General Assembly
voting data and the Security Council resolutions of CR-UNSC. Failures are listed by name."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hemicycle.symbols import parse_symbol, symbol_from_filename, symbol_sort_key

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "symbols"

# unres values in the voting data that are not symbols: data-entry errors of the source.
UNVOTES_NOT_SYMBOLS = {
    "": "24 roll calls (sessions 17-66) have no unres at all",
    "R/6444A": "rcid 308: the session is missing (R/<session>/<number>)",
    "R/10 65": "rcid 424: a space where the '/' belongs",
    "SS/5": "rcid 9018: special session 5 without a resolution number",
}
# (unres, session column) pairs whose session in the id disagrees with the session column:
# errors of the source (the rcid's date confirms the session column).
UNVOTES_SESSION_ERRORS = {
    ("R/12/6", "11"), ("R/19/595", "14"), ("R/2/1069A", "16"), ("R/16/1398", "17"),
    ("R/677/46", "67"),
}
# corpus ids whose corpus encoding differs from that of the canonical symbol: the source
# symbol had a stray space (S /2015/369) or lacked the one before the bracket.
UNPC_NOT_ROUND_TRIPPING = {"s_/2015/369", "s_/2015/387", "a/70/6_sect__34_"}


def hemicycle_command() -> str:
    venv = ROOT / ".venv" / "bin" / "hemicycle"
    if venv.exists():
        return str(venv)
    found = shutil.which("hemicycle") or str(Path(sys.executable).parent / "hemicycle")
    return found


def run_symbol_command(lines: list[str]) -> tuple[int, list[dict]]:
    done = subprocess.run(
        [hemicycle_command(), "symbol"], input="".join(f"{s}\n" for s in lines),
        capture_output=True, text=True, timeout=300, check=False,
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return done.returncode, results


def failures(results: list[dict]) -> list[str]:
    return [f"{r['input']!r}: {r.get('error')}" for r in results if not r["valid"]]


def unpc_ids() -> list[str]:
    return [line.strip() for line in (DATA / "unpc_testset_ids.txt").open() if line.strip()]


def unvotes_rows() -> list[dict[str, str]]:
    with (DATA / "unvotes_unres.tsv").open(newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def gold_files() -> list[str]:
    return [line.strip() for line in (DATA / "cr_unsc_gold_files.txt").open() if line.strip()]


def test_symbols_command_reads_every_unpc_testset_id():
    ids = unpc_ids()
    assert len(ids) == 731
    symbols = [i.split("/", 1)[1] for i in ids]  # "2015/s/2015/305": year folder, then symbol
    code, results = run_symbol_command(symbols)
    bad = failures(results)
    assert not bad, f"{len(bad)} unpc-testset ids are not read as symbols:\n" + "\n".join(bad)
    assert code == 0
    assert [r["input"] for r in results] == symbols
    keys = {r["key"] for r in results}
    assert len(keys) == len(symbols), "two different corpus ids gave the same symbol"

    # the corpus's own encoding (lower case; '.', '-', ' ', '(' and ')' written '_') of the
    # canonical form gives back the id: the canonical form lost and invented nothing
    differ = [f"{r['input']} -> {r['canonical']}" for r in results
              if re.sub(r"[.\- ()]", "_", r["canonical"].lower()) != r["input"]
              and r["input"] not in UNPC_NOT_ROUND_TRIPPING]
    assert not differ, "canonical forms that do not encode back to the corpus id:\n" + "\n".join(
        differ)


def test_symbols_unpc_bodies_and_sessions():
    results = {r["input"]: r for r in run_symbol_command(
        [i.split("/", 1)[1] for i in unpc_ids()])[1]}
    wrong = []
    for sym, r in results.items():
        if sym.startswith("s/"):
            expected_body = "SC"
        elif sym.startswith("a/hrc/"):
            expected_body = "HRC"
        elif sym.startswith("a/"):
            expected_body = "GA"
        elif sym.startswith("e/icef/"):
            expected_body = "UNICEF"
        elif sym.startswith("e/"):
            expected_body = "ECOSOC"
        else:
            expected_body = r["body"]  # other series: checked below by prefix
        if r["body"] != expected_body:
            wrong.append(f"{sym}: body {r['body']} (expected {expected_body})")
        m = re.match(r"a/(\d+)/", sym) or re.match(r"a/c_\d/(\d+)/", sym)
        if m and r["session"] != m.group(1):
            wrong.append(f"{sym}: session {r['session']} (expected {m.group(1)})")
        m = re.match(r"s/(?:prst/)?(\d{4})/", sym) or re.match(r"s/res/\d+__(\d{4})_$", sym)
        if m and (r["year"], r["session"]) != (int(m.group(1)), str(int(m.group(1)) - 1945)):
            wrong.append(f"{sym}: year/session {r['year']}/{r['session']}")
        m = re.match(r"e/(?:res/)?(\d{4})/", sym)
        if m and r["session"] != m.group(1):
            wrong.append(f"{sym}: session {r['session']} (expected {m.group(1)})")
        if sym.startswith("a/es_10/") and r["session"] != "ES-10":
            wrong.append(f"{sym}: session {r['session']} (expected ES-10)")
        if r["year"] is not None and not 2013 <= r["year"] <= 2015:
            wrong.append(f"{sym}: year {r['year']} in a 2015 corpus")
    by_series = {"cedaw/": "CEDAW", "npt/": "NPT", "unep/": "UNEP", "isba/": "ISA",
                 "splos/": "SPLOS", "clcs/": "CLCS", "dp/": "DP", "unw/": "UNW",
                 "hsp/": "HSP", "idb_": "UNIDO", "pbc_": "UNIDO", "cac/": "CAC",
                 "ctoc/": "CTOC"}
    for sym, r in results.items():
        for prefix, body in by_series.items():
            if sym.startswith(prefix) and r["body"] != body:
                wrong.append(f"{sym}: body {r['body']} (expected {body})")
    assert not wrong, "\n".join(wrong)


def test_symbols_command_reads_every_unvotes_unres():
    rows = unvotes_rows()
    values = sorted({row["unres"] for row in rows} - {""})
    assert len(values) == 5703
    code, results = run_symbol_command(values)
    assert [r["input"] for r in results] == values
    bad = {r["input"]: r["error"] for r in results if not r["valid"]}
    unexpected = [f"{k!r}: {v}" for k, v in bad.items() if k not in UNVOTES_NOT_SYMBOLS]
    assert not unexpected, "unres values not read as symbols:\n" + "\n".join(unexpected)
    assert set(bad) == set(UNVOTES_NOT_SYMBOLS) - {""}
    assert code == 1  # some inputs are not symbols: the command says so
    assert all(r["body"] == "GA" for r in results if r["valid"])

    # the empty unres, given as an argument, is reported too
    done = subprocess.run([hemicycle_command(), "symbol", ""], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1
    assert json.loads(done.stdout) == {"input": "", "canonical": None, "body": None,
                                       "session": None, "valid": False,
                                       "error": "empty symbol"}


def test_symbols_unvotes_sessions_match_the_session_column():
    rows = [row for row in unvotes_rows() if row["unres"] not in UNVOTES_NOT_SYMBOLS]
    mismatched, special = [], 0
    for row in rows:
        sym = parse_symbol(row["unres"])
        if sym.session.startswith(("ES-", "S-")):
            # emergency special and special sessions: the column gives the regular session
            # they met during, the id the special session itself
            special += 1
            number = re.search(r"(?:^ESS/|^SS/|ES-|/S-)(\d+)/", row["unres"])
            assert number and sym.session.split("-")[1] == number.group(1), row
            continue
        if (sym.session != row["session"]
                and (row["unres"], row["session"]) not in UNVOTES_SESSION_ERRORS):
            mismatched.append(f"{row['unres']}: derived {sym.session}, column {row['session']}")
    assert not mismatched, "\n".join(mismatched)
    assert special == sum(1 for r in rows if re.match(r"E?SS/|A/RES/ES-", r["unres"])) > 0
    for unres, session in UNVOTES_SESSION_ERRORS:  # the known errors are still there
        assert any(r["unres"] == unres and r["session"] == session for r in rows)
        assert parse_symbol(unres).session != session


def test_symbols_unvotes_resolution_forms_agree():
    # from session 71 the data use A/RES/...; before, R/...: both name the same resolutions
    rows = unvotes_rows()
    r_forms = {parse_symbol(r["unres"]).resolution for r in rows
               if r["unres"].startswith("R/") and r["session"] == "70"}
    a_forms = [r["unres"] for r in rows if r["unres"].startswith("A/RES/")]
    assert r_forms and a_forms
    assert all(parse_symbol(s).canonical == s for s in r_forms)
    assert all(parse_symbol(s).doc_type == "resolution" for s in a_forms)


def test_symbols_command_reads_every_cr_unsc_resolution():
    numbers = [int(n) for n in (DATA / "cr_unsc_res_numbers.txt").read_text().split()]
    assert numbers == list(range(1, 2723))
    code, results = run_symbol_command([f"S/RES/{n}" for n in numbers])
    bad = failures(results)
    assert not bad, "\n".join(bad)
    assert code == 0
    assert all(r["body"] == "SC" and r["doc_type"] == "resolution" for r in results)

    files = gold_files()
    assert len(files) == 902
    named = [symbol_from_filename(name) for name in files]
    assert {lang for _, lang in named} == {"en"}
    code, results = run_symbol_command([sym for sym, _ in named])
    bad = failures(results)
    assert not bad, "\n".join(bad)
    assert code == 0
    wrong = []
    for name, r in zip(files, results, strict=True):
        number, year = (int(x) for x in re.match(r"S_RES_(\d+)_(\d{4})_", name).groups())
        if (r["canonical"], r["year"], r["session"]) != (
                f"S/RES/{number} ({year})", year, str(year - 1945)):
            wrong.append(f"{name}: {r}")
    assert not wrong, "\n".join(wrong)


def test_symbols_cr_unsc_sorts_by_resolution_number():
    symbols = [symbol_from_filename(name)[0] for name in gold_files()]
    shuffled = sorted(symbols, key=lambda s: s[::-1])
    ordered = sorted(shuffled, key=symbol_sort_key)
    numbers = [int(re.match(r"S/RES/(\d+)", s).group(1)) for s in ordered]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("args", [["A/74/5", "S/RES/2334(2016)"], ["A/74/5"]])
def test_symbols_command_arguments_all_valid_exit_zero(args):
    done = subprocess.run([hemicycle_command(), "symbol", *args], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(x) for x in done.stdout.splitlines()]
    assert [x["input"] for x in lines] == args
    assert all(x["valid"] and "error" not in x for x in lines)
    assert set(lines[0]) >= {"input", "canonical", "body", "session", "valid"}


def test_symbols_command_mixed_input_prints_every_line_and_exits_one():
    code, results = run_symbol_command(["A/74/5", "hello world", "", "s/res/2213__2015_",
                                        "A//1"])
    assert code == 1
    assert [(r["input"], r["valid"]) for r in results] == [
        ("A/74/5", True), ("hello world", False), ("s/res/2213__2015_", True), ("A//1", False)]
    assert results[2]["canonical"] == "S/RES/2213 (2015)"
    assert results[2]["session"] == "70" and results[2]["body"] == "SC"
    assert "empty part" in results[3]["error"]
