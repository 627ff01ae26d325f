"""Text-level parts of digitisation: script fixes, error rates, metadata, language choice."""

from __future__ import annotations

import pytest
from digitise_helpers import DATA, unpc

from hemicycle.describe import Given, describe
from hemicycle.describe.dates import document_date
from hemicycle.describe.masthead import distribution
from hemicycle.digitise.detection import latin_language, script_language
from hemicycle.digitise.evaluate import bag_of_words_error, cer, edit_distance, normalise, wer
from hemicycle.digitise.textorder import arabic_is_reversed, fix_text, join_cjk


def test_chinese_spaces_between_characters_are_removed_latin_words_kept():
    assert join_cjk("安 全 理 事 会 第 7439 次 会 议") == "安全理事会第 7439 次会议"
    assert join_cjk("联 合 国 UN Security Council 大 会") == "联合国 UN Security Council 大会"


def test_arabic_in_visual_order_is_put_back_in_logical_order():
    line = unpc("ar", 1, 1)[0]
    assert not arabic_is_reversed(line)
    assert fix_text(line, ["ar"]) == line
    reversed_line = line[::-1]
    assert arabic_is_reversed(reversed_line)
    assert fix_text(reversed_line, ["ar"]) == line


def test_edit_distance_matches_the_definition():
    assert edit_distance(list("kitten"), list("sitting")) == 3
    assert edit_distance([], list("abc")) == 3
    assert edit_distance(list("flaw"), list("lawn")) == 2
    assert edit_distance(["a", "b"], ["a", "b"]) == 0


def test_error_rates_normalise_space_and_quotes_and_count_chinese_by_character():
    assert cer("The  Security\nCouncil", "The Security Council", "en") == 0
    assert cer("“quoted” – text", '"quoted" - text', "en") == 0
    assert cer("安 全 理 事 会", "安全理事会", "zh") == 0
    # a space next to Chinese is counted where the page has one (or has none)
    assert cer("1.通过议程", "1. 通过议程", "zh") == pytest.approx(1 / 7)
    assert cer("2015 年", "2015年", "zh") == pytest.approx(1 / 5)
    assert cer("Tne Security Council", "The Security Council", "en") == pytest.approx(1 / 20)
    assert wer("Tne Security Council", "The Security Council", "en") == pytest.approx(1 / 3)
    assert wer("安全理事会", "安全理事会", "zh") == 0
    assert normalise("a\u00a0b", "en") == "a b"
    # order-blind word error: same words, other order
    assert bag_of_words_error("Council Security The", "The Security Council", "en") == 0
    assert wer("Council Security The", "The Security Council", "en") > 0


def _scan(text: str, quality: float) -> dict:
    """What the describer reads on an OCR'd page (``hemicycle.describe``, which took over
    from ``digitise.extract``), as the draft keeps it."""
    return describe(Given("manifest"), {"en": text}, text_source="ocr",
                    quality=quality).to_json()


def test_metadata_from_the_hand_transcribed_first_page_of_A_L_632():
    text = (DATA / "1971-09-29_A_L.632-EN.gt.txt").read_text(encoding="utf-8")
    fields = _scan(text, 0.9)
    assert fields["symbols"]["value"] == ["A/L.632"]
    assert fields["date"]["value"] == "1971-09-29"
    assert fields["distribution"]["value"] == "LTD"
    assert fields["title"]["value"].startswith("RESTORATION OF THE LAWFUL RIGHTS")
    for name in ("symbols", "date", "distribution", "title"):
        assert 0 < fields[name]["confidence"] <= 1 and fields[name]["source"] == "ocr"


def test_metadata_in_other_languages_and_absent_fields():
    assert document_date("Distr. GÉNÉRALE\n3 septembre 2015").date.isoformat() == "2015-09-03"
    assert document_date("12 de mayo de 2015").date.isoformat() == "2015-05-12"
    assert document_date("11 мая 2015 года").date.isoformat() == "2015-05-11"
    assert document_date("2015年5月11日").date.isoformat() == "2015-05-11"
    assert document_date("11 أيار/مايو 2015").date.isoformat() == "2015-05-11"
    assert document_date("31 February 2015") is None
    assert distribution("Distr.\nLIMITADA")[0] == "LTD"
    assert distribution("GENERAL ASSEMBLY\nForty-seventh session") is None
    fields = _scan("nothing that looks like a masthead here", 0.4)
    assert "symbols" not in fields and "date" not in fields


def test_symbols_in_the_forms_resolution_headings_print_them():
    sc777 = (DATA / "1992-09-19_UN_SC_Resolution_777_1992_en.gt.txt").read_text()
    assert _scan(sc777, 0.95)["symbols"]["value"] == ["S/RES/777 (1992)"]
    # the 1950 volume: number and year, then the date; the draft below it in brackets
    sc84 = "84 (1950). Resolution of 7 July 1950\n[S/1588]\n\nThe Security Council,\n"
    fields = _scan(sc84, 0.95)
    assert fields["symbols"]["value"] == ["S/RES/84 (1950)"]
    assert fields["drafts"]["value"] == ["S/1588"]
    for heading in ("RÉSOLUTION 777 (1992)", "RESOLUCIÓN 777 (1992)", "РЕЗОЛЮЦИЯ 777 (1992)",
                    "القرار 777 (1992)", "第777(1992)号决议"):
        assert _scan(heading, 0.95)["symbols"]["value"] == \
            ["S/RES/777 (1992)"], heading
    # the General Assembly's forms: roman session before 1976, session/number after
    ga = _scan("47/1. Recommendation of the Security Council of\n", 0.95)
    assert ga["symbols"]["value"] == ["A/RES/47/1"]
    old = _scan("2758 (XXVI). Restoration of the lawful rights\n", 0.95)
    assert old["symbols"]["value"] == ["A/RES/2758 (XXVI)"]
    # a bracketed symbol alone is a draft, never the document's own symbol
    only_draft = _scan("The Security Council,\n[S/1588]\n", 0.95)
    assert "symbols" not in only_draft and only_draft["drafts"]["value"] == ["S/1588"]
    # a year in running text is not a heading
    text = "Recalling resolution 757 (1992) of 30 May 1992,\n"
    assert "symbols" not in _scan(text, 0.95)


def test_symbol_candidates_are_parsed_by_the_symbols_module():
    fields = _scan("Distr.: General\nS/2015/305\n29 April 2015\nUN/SA stamp", 0.95)
    assert fields["symbols"]["value"] == ["S/2015/305"]


def test_latin_language_is_chosen_by_function_words():
    for language in ("en", "fr", "es"):
        chosen, share = latin_language(" ".join(unpc(language, 0, 6)))
        assert chosen == language and share > 0.5
    assert latin_language("Xyz 123") == (None, 0.0)
    assert script_language("Cyrillic") == (True, "ru")
    assert script_language("Latin") == (True, None)
    assert script_language("Greek") == (False, None)
