"""Sorting, free-text ranges and file names."""

from __future__ import annotations

import random

import pytest

from hemicycle.symbols import (
    SymbolError,
    expand_symbol_list,
    symbol_from_filename,
    symbol_sort_key,
)


def test_symbols_sort_is_natural():
    ordered = [
        "A/72/5", "A/72/5/Add.1", "A/72/5/Add.2", "A/72/5/Add.2/Corr.1", "A/72/5/Add.10",
        "A/72/5/Corr.1", "A/72/5/Rev.1", "A/72/10", "A/72/100", "A/72/L.2", "A/72/L.10",
        "A/72/PV.9", "A/72/PV.10", "A/ES-9/1", "A/ES-10/1", "A/ES-10/2",
    ]
    shuffled = ordered[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=symbol_sort_key) == ordered


def test_symbols_sort_treats_variants_alike_and_puts_junk_last():
    items = ["not a symbol", "S/RES/2334 (2016)", "s/res/242", "S/RES/2049(2012)", "zzz"]
    assert sorted(items, key=symbol_sort_key) == [
        "s/res/242", "S/RES/2049(2012)", "S/RES/2334 (2016)", "not a symbol", "zzz"]
    assert symbol_sort_key("S/RES/2049(2012)") == symbol_sort_key("s/res/2049__2012_")


@pytest.mark.parametrize(("text", "expected"), [
    ("A/72/5 and Add.1-3", ["A/72/5", "A/72/5/Add.1", "A/72/5/Add.2", "A/72/5/Add.3"]),
    ("A/72/5/Corr.1, 2", ["A/72/5/Corr.1", "A/72/5/Corr.2"]),
    ("A/72/5 and Corr.1, 2", ["A/72/5", "A/72/5/Corr.1", "A/72/5/Corr.2"]),
    ("A/72/5/Add.1\u20133", ["A/72/5/Add.1", "A/72/5/Add.2", "A/72/5/Add.3"]),
    # forms from the descriptions in the General Assembly voting data
    ("A/L.427 AND ADD. 1", ["A/L.427", "A/L.427/Add.1"]),
    ("A/L.483 AND ADD. 1-3", ["A/L.483", "A/L.483/Add.1", "A/L.483/Add.2", "A/L.483/Add.3"]),
    ("A/L.506 AND ADD.1,2", ["A/L.506", "A/L.506/Add.1", "A/L.506/Add.2"]),
    ("A/6097 AND CORR.1", ["A/6097", "A/6097/Corr.1"]),
    ("A/L.476/REV.1 AND ADD.1", ["A/L.476/Rev.1", "A/L.476/Rev.1/Add.1"]),
    # a suffix of the same kind replaces the last one; another kind is added to it
    ("A/69/520/Add.1 and Add.2", ["A/69/520/Add.1", "A/69/520/Add.2"]),
    ("A/69/520/Add.1 and Corr.1", ["A/69/520/Add.1", "A/69/520/Add.1/Corr.1"]),
    ("A/72/5 and Add.1/Corr.1", ["A/72/5", "A/72/5/Add.1/Corr.1"]),
    ("A/C.5/69/L.31-33; S/PV.7439, 7440",
     ["A/C.5/69/L.31", "A/C.5/69/L.32", "A/C.5/69/L.33", "S/PV.7439", "S/PV.7440"]),
    ("s/res/2213__2015_ & S/RES/2213 (2015)", ["S/RES/2213 (2015)"]),
    ("CEDAW/C/ARE/Q/2-3", ["CEDAW/C/ARE/Q/2-3"]),  # a hyphen inside a symbol is not a range
    # joint documents: the masthead joins their symbols with a dash
    ("A/ES-10/738\u2013S/2017/14", ["A/ES-10/738", "S/2017/14"]),
    ("A/72/565-S/2017/922 and Corr.1", ["A/72/565", "S/2017/922", "S/2017/922/Corr.1"]),
    ("A/ES-10/738 - S/2017/14 - E/2017/3", ["A/ES-10/738", "S/2017/14", "E/2017/3"]),
])
def test_symbols_expand_free_text(text, expected):
    assert expand_symbol_list(text) == expected


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"),
    ("Add.1-3", "before any symbol"),
    ("2, 3", "before any symbol"),
    ("A/72/5 and Add.3-1", "backwards"),
    ("A/72/5 and Add.1-100000", "too long"),
    ("A/72/5 and the annex", "'the annex'"),
    ("S/RES/2049 (2012), 2050", "cannot continue"),
])
def test_symbols_expand_rejects_what_it_cannot_read(text, reason):
    with pytest.raises(SymbolError) as caught:
        expand_symbol_list(text)
    assert reason in str(caught.value)


@pytest.mark.parametrize(("name", "symbol", "language"), [
    ("A_79_PV.1-EN.pdf", "A/79/PV.1", "en"),
    ("a_79_pv.1-en.pdf", "A/79/PV.1", "en"),
    ("S_RES_2334(2016)-FR.pdf", "S/RES/2334 (2016)", "fr"),
    ("S_RES_2334_(2016)-AR.pdf", "S/RES/2334 (2016)", "ar"),
    ("A_RES_ES-10_19-ZH.docx", "A/RES/ES-10/19", "zh"),
    ("A_C.3_74_L.25_Rev.1-RU.pdf", "A/C.3/74/L.25/Rev.1", "ru"),
    ("E_CN.6_2020_3-ES.pdf", "E/CN.6/2020/3", "es"),
    ("A_70_6_(Sect.29D)-EN.pdf", "A/70/6 (Sect. 29D)", "en"),
    ("/some/folder/S_2015_305-EN.pdf", "S/2015/305", "en"),
    ("A_ES-10_738.pdf", "A/ES-10/738", None),
    ("CEDAW_C_GC_37-DE.pdf", "CEDAW/C/GC/37", "de"),
    ("CEDAW_C_GC_37.pdf", "CEDAW/C/GC/37", None),
    # real names: un-ocr-samples and the CR-UNSC gold texts
    ("1971-09-29_A_L.632-EN.pdf", "A/L.632", "en"),
    ("S_RES_0001_1946_EN_GOLD.txt", "S/RES/1 (1946)", "en"),
])
def test_symbols_from_filename(name, symbol, language):
    assert symbol_from_filename(name) == (symbol, language)


@pytest.mark.parametrize("name", ["-EN.pdf", "report-EN.pdf", "A__74-EN.pdf", "notes.txt"])
def test_symbols_from_filename_rejects_names_without_a_symbol(name):
    with pytest.raises(SymbolError) as caught:
        symbol_from_filename(name)
    assert name in str(caught.value) or "no symbol" in str(caught.value)


def test_symbols_hostile_input_fails_fast_and_clearly():
    huge = "A/" + "7" * 100_000
    with pytest.raises(SymbolError, match="too long"):
        expand_symbol_list(huge + "-9")
    with pytest.raises(SymbolError, match="too long"):
        expand_symbol_list("A/72/5 and " + "Add." * 30_000)
    with pytest.raises(SymbolError, match="too long"):
        symbol_from_filename("A_" + "1_" * 50_000 + "-EN.pdf")
    assert symbol_sort_key(huge)[0] == 1  # not a symbol: sorts after symbols, no error
    many = ", ".join(f"S/PV.{n}" for n in range(7000, 7400))
    assert len(expand_symbol_list(many)) == 400
