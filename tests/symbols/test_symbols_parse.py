"""Every symbol form of DOMAIN.md: canonical form, body, session, year and type; variants that
must compare equal; input that is not a symbol, with the reason."""

from __future__ import annotations

import pytest

from hemicycle.symbols import (
    BODIES,
    Symbol,
    SymbolError,
    looks_like_symbol,
    normalise_symbol,
    parse_symbol,
    symbol_key,
)

# input, canonical, body, session, year, doc_type
FORMS = [
    ("A/74/5", "A/74/5", "GA", "74", None, None),
    ("A/RES/74/1", "A/RES/74/1", "GA", "74", None, "resolution"),
    ("A/C.3/74/L.25/Rev.1", "A/C.3/74/L.25/Rev.1", "GA", "74", None, "draft resolution"),
    ("A/74/PV.52", "A/74/PV.52", "GA", "74", None, "meeting record"),
    ("A/ES-10/738", "A/ES-10/738", "GA", "ES-10", None, None),
    ("A/RES/ES-10/19", "A/RES/ES-10/19", "GA", "ES-10", None, "resolution"),
    ("A/S-27/2", "A/S-27/2", "GA", "S-27", None, None),
    ("A/INF/74/1", "A/INF/74/1", "GA", "74", None, "information document"),
    ("A/C.5/74/SR.5", "A/C.5/74/SR.5", "GA", "74", None, "summary record"),
    ("A/PV.1", "A/PV.1", "GA", None, None, "meeting record"),
    ("A/2087", "A/2087", "GA", None, None, None),
    ("A/AC.109/2015/16", "A/AC.109/2015/16", "GA", None, 2015, None),
    ("2758 (XXVI)", "A/RES/2758 (XXVI)", "GA", "26", None, "resolution"),
    ("A/RES/1514(XV)", "A/RES/1514 (XV)", "GA", "15", None, "resolution"),
    ("2200 A (XXI)", "A/RES/2200 A (XXI)", "GA", "21", None, "resolution"),
    ("A/RES/3201 (S-VI)", "A/RES/3201 (S-VI)", "GA", "S-6", None, "resolution"),
    ("A/RES/31/6H", "A/RES/31/6 H", "GA", "31", None, "resolution"),
    ("S/RES/2334 (2016)", "S/RES/2334 (2016)", "SC", "71", 2016, "resolution"),
    ("S/RES/242", "S/RES/242", "SC", None, None, "resolution"),
    ("S/2015/305", "S/2015/305", "SC", "70", 2015, None),
    ("S/PV.7439", "S/PV.7439", "SC", None, None, "meeting record"),
    ("S/PRST/2015/11", "S/PRST/2015/11", "SC", "70", 2015, "presidential statement"),
    ("S/Agenda/7387", "S/Agenda/7387", "SC", None, None, "agenda"),
    ("E/2019/L.1", "E/2019/L.1", "ECOSOC", "2019", 2019, "draft resolution"),
    ("E/RES/2019/1", "E/RES/2019/1", "ECOSOC", "2019", 2019, "resolution"),
    ("E/CN.6/2020/3", "E/CN.6/2020/3", "ECOSOC", "2020", 2020, None),
    ("E/RES/1503 (XLVIII)", "E/RES/1503 (XLVIII)", "ECOSOC", "48", None, "resolution"),
    ("E/ICEF/2015/P/L.11", "E/ICEF/2015/P/L.11", "UNICEF", None, 2015, "draft resolution"),
    ("ST/SGB/2019/1", "ST/SGB/2019/1", "ST", None, 2019, None),
    ("A/HRC/43/1", "A/HRC/43/1", "HRC", "43", None, None),
    ("A/HRC/RES/43/1", "A/HRC/RES/43/1", "HRC", "43", None, "resolution"),
    ("A/HRC/S-28/1", "A/HRC/S-28/1", "HRC", "S-28", None, None),
    ("CEDAW/C/GC/37", "CEDAW/C/GC/37", "CEDAW", None, None, "general comment"),
    ("CEDAW/C/60/D/48/2013", "CEDAW/C/60/D/48/2013", "CEDAW", "60", None, None),
    ("NPT/CONF.2015/14", "NPT/CONF.2015/14", "NPT", None, 2015, None),
    ("NPT/CONF.2015/WP.16", "NPT/CONF.2015/WP.16", "NPT", None, 2015, "working paper"),
    ("NPT/CONF.2015/DEC.1", "NPT/CONF.2015/DEC.1", "NPT", None, 2015, "decision"),
    ("E/CN.6/2015/NGO/251", "E/CN.6/2015/NGO/251", "ECOSOC", "2015", 2015, "NGO statement"),
    ("A/70/6 (Sect. 29D)", "A/70/6 (Sect. 29D)", "GA", "70", None, None),
    ("IDB.43/1", "IDB.43/1", "UNIDO", None, None, None),
    ("PBC.31/11", "PBC.31/11", "UNIDO", None, None, None),
    ("PBC/9/OC/1", "PBC/9/OC/1", "PBC", None, None, None),
    ("UNEP/OzL.Pro.WG.1/35/5", "UNEP/OZL.PRO.WG.1/35/5", "UNEP", None, None, None),
    # roll-call ids of the General Assembly voting data
    ("R/1/66", "R/1/66", "GA", "1", None, "vote"),
    ("R/70/5", "R/70/5", "GA", "70", None, "vote"),
    ("R/34/233/XII", "R/34/233/XII", "GA", "34", None, "vote"),
    ("ESS/2/79/D", "ESS/2/79/D", "GA", "ES-2", None, "vote"),
    ("SS/4/23C", "SS/4/23C", "GA", "S-4", None, "vote"),
    ("GOAR/1/1288B", "GOAR/1/1288B", "GA", "1", None, "vote"),
]


@pytest.mark.parametrize(("text", "canonical", "body", "session", "year", "doc_type"), FORMS)
def test_symbols_forms(text, canonical, body, session, year, doc_type):
    sym = parse_symbol(text)
    assert isinstance(sym, Symbol)
    assert (sym.canonical, sym.body, sym.session, sym.year, sym.doc_type) == (
        canonical, body, session, year, doc_type)
    assert sym.body in BODIES and sym.body_name
    # the canonical form reads back as itself, with the same key
    again = parse_symbol(sym.canonical)
    assert again.canonical == sym.canonical and again.key == sym.key


# Each group: spellings of one symbol; all must give the same key and canonical form.
VARIANTS = [
    ["S/RES/2049 (2012)", "S/RES/2049(2012)", "s/res/2049 (2012)", "S/RES/2049  (2012)",
     "s/res/2049__2012_", "S/RES/2049 ( 2012 )"],
    ["S/RES/2213 (2015)", "s/res/2213__2015_"],
    ["A/69/L.63", "a/69/l_63", "A/69/L63", "a/69/l.63", " A/69/L.63 ", "A/69/L.63*"],
    ["A/69/520/Add.1/Corr.1", "A/69/520/ADD.1/CORR.1", "a/69/520/add_1/corr_1",
     "A/69/520/add.1/corr.1", "A/69/520/Add. 1/Corr. 1"],
    ["A/ES-10/677", "a/es_10/677", "A/ES.10/677", "A/ES\u201310/677", "A / ES-10 / 677"],
    ["A/70/6 (Sect. 29D)", "a/70/6__sect__29d_", "A/70/6(Sect.29D)", "A/70/6 (SECT. 29D)"],
    ["A/70/6 (Sect. 34)", "a/70/6_sect__34_", "a/70/6__sect__34_"],
    ["DP/FPA/2015/5 (Part I)", "dp/fpa/2015/5__part_i_", "DP/FPA/2015/5 (PART I)"],
    ["CEDAW/C/ARE/Q/2-3", "cedaw/c/are/q/2_3"],
    ["A/RES/2758 (XXVI)", "2758 (XXVI)", "2758(XXVI)", "a/res/2758__xxvi_", "A/RES/2758(xxvi)"],
    ["A/RES/31/6 H", "A/RES/31/6H", "a/res/31/6h"],
    ["NPT/CONF.2015/MC.I/WP.1", "npt/conf_2015/mc_i/wp_1"],
    ["S/2015/369", "s_/2015/369", "S /2015/369"],
    ["A/C.3/74/L.25/Rev.1", "A/C.3/74/L.25/REV.1", "a/c_3/74/l_25/rev_1",
     "\uff21/C.3/74/L.25/Rev.1", "\ufeffA/C.3/74/L.25/Rev.1",
     "\u200fA/C.3/74/L.25/Rev.1\u200f", "\u2067A/C.3/74/L.25/Rev.1\u2069"],
]


@pytest.mark.parametrize("spellings", VARIANTS, ids=lambda v: v[0])
def test_symbols_variants_compare_equal(spellings):
    parsed = [parse_symbol(s) for s in spellings]
    assert {p.key for p in parsed} == {symbol_key(spellings[0])}
    assert {p.canonical for p in parsed} == {spellings[0]}
    assert {normalise_symbol(s) for s in spellings} == {spellings[0]}


def test_symbols_resolution_year_is_not_part_of_the_key():
    # resolution numbers are unique on their own: a citation without the year is the same one
    assert symbol_key("S/RES/2049") == symbol_key("S/RES/2049 (2012)")
    assert symbol_key("A/RES/2758") == symbol_key("A/RES/2758 (XXVI)")
    assert parse_symbol("S/RES/2049").canonical == "S/RES/2049"
    # other brackets do belong to the key
    assert symbol_key("A/70/6 (Sect. 29D)") != symbol_key("A/70/6 (Sect. 29C)")
    assert symbol_key("A/70/6 (Sect. 29D)") != symbol_key("A/70/6")


def test_symbols_different_symbols_have_different_keys():
    keys = [symbol_key(s) for s in (
        "A/74/5", "A/74/5/Add.1", "A/74/5/Corr.1", "A/74/5/Add.1/Corr.1", "A/74/5/Rev.1",
        "A/74/L.5", "A/C.3/74/L.5", "A/RES/74/5", "S/RES/2049 (2012)", "S/RES/2050 (2012)",
        "R/70/5", "A/RES/70/5", "A/RES/31/6 H", "A/RES/31/6 G", "CEDAW/C/ARE/Q/2-3",
        "A/ES-10/738", "A/S-10/738", "A/74/5/Summary")]
    assert len(set(keys)) == len(keys)


def test_symbols_suffixes_and_base():
    sym = parse_symbol("a/c_3/74/l_25/rev_1/add_2")
    assert sym.canonical == "A/C.3/74/L.25/Rev.1/Add.2"
    assert sym.suffixes == ("Rev.1", "Add.2")
    assert sym.base == "A/C.3/74/L.25"
    assert parse_symbol("A/74/5/Summary").suffixes == ("Summary",)
    assert parse_symbol("A/74/5/Amend.2").canonical == "A/74/5/Amend.2"
    assert parse_symbol("A/70/6 (Sect. 8)/Corr.1").qualifier == "Sect. 8"
    assert parse_symbol("E/2015/34__part_i_").canonical == "E/2015/34 (Part I)"
    assert parse_symbol("a/70/6__income_sect__1_").canonical == "A/70/6 (Income sect. 1)"
    assert parse_symbol("a/70/6__introduction_").canonical == "A/70/6 (Introduction)"


def test_symbols_roll_call_names_its_resolution():
    assert parse_symbol("R/70/5").resolution == "A/RES/70/5"
    assert parse_symbol("R/36/172K").resolution == "A/RES/36/172 K"
    assert parse_symbol("R/26/2758").resolution == "A/RES/2758 (XXVI)"
    assert symbol_key(parse_symbol("R/26/2758").resolution) == symbol_key("2758 (XXVI)")
    assert parse_symbol("A/RES/70/5").resolution is None


# input, words that the reason must contain
INVALID = [
    ("hello world", "no '/'"),
    ("", "empty"),
    ("   ", "empty"),
    ("A//1", "empty part"),
    ("S/RES/", "empty part at the end"),
    ("/A/74/5", "empty part at the start"),
    ("S/RES", "number"),
    ("S/PV", "number"),
    ("A/B", "number"),
    ("FOO/1", "unknown series 'FOO'"),
    ("hello/world/1", "unknown series"),
    ("A/Add.1", "needs a document"),
    ("A/74/5/Add", "needs a number"),
    ("A/74/5/Add.x", "Add.<number>"),
    ("A/74/5/Summary.2", "Summary takes no number"),
    ("A/74/5/Add.1/6", "follows a suffix"),
    ("A/74/5/Add.1-3", "range"),
    ("A/C.5/69/L.31-44", "range"),
    ("S/RES/2334 (1812)", "year 1812"),
    ("S/RES/2334 (2016", "'(' without ')'"),
    ("S/RES/2334 2016)", "')' without '('"),
    ("S/RES/2334 ((2016))", "nested"),
    ("S/RES/2334 ()", "empty brackets"),
    ("S/RES/abc/1", "S/RES/<number>"),
    ("A/74/5 6", "space inside part"),
    ("R/10 65", "space inside part"),
    ("R/6444A", "roll-call id needs R/<session>/<number>"),
    ("SS/5", "roll-call id"),
    ("A/74/5;", "unexpected character ';'"),
    ("A/74/5\u00e9", "unexpected character"),
    ("A/74..5/1", "misplaced"),
    ("A/72/565-S/2017/922", "between a number and a letter"),
    ("A/" + "1/" * 150 + "1", "too long"),
]


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_symbols_invalid_input_says_why(text, reason):
    with pytest.raises(SymbolError) as caught:
        parse_symbol(text)
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)
    with pytest.raises(SymbolError):
        symbol_key(text)
    assert looks_like_symbol(text) is False


def test_symbols_parse_rejects_non_text():
    with pytest.raises(SymbolError, match="expected text"):
        parse_symbol(None)  # type: ignore[arg-type]
    assert looks_like_symbol(None) is False  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["s/res/2334(2016)", "A/74/5", "a/69/l_63", "2758 (XXVI)",
                                   "S/PV.7439", " E/CN.6/2020/3 "])
def test_symbols_search_box_symbols_are_recognised(query):
    assert looks_like_symbol(query)


@pytest.mark.parametrize("query", ["human rights", "climate change 2015", "A/74/5 report",
                                   "title:water", "1/2", "and/or", "2758", "\"A/74/5\" OR x"])
def test_symbols_search_box_words_are_not_symbols(query):
    assert not looks_like_symbol(query)
