"""Folding for autocomplete and ICU orders for A-Z, per language."""

from __future__ import annotations

from hemicycle.thesaurus.keys import (
    fold,
    known_language_tag,
    letters,
    prefix_keys,
    sort_keys,
)


def test_fold_is_case_and_accent_insensitive_for_french_and_spanish() -> None:
    assert fold("Réfugiés", "fr") == fold("REFUGIES", "fr") == "refugies"
    assert fold("Año  Niño", "es") == "ano nino"


def test_fold_normalises_arabic_letters_and_marks() -> None:
    # alef with hamza / madda, ta marbuta, alef maqsura, diacritics and tatweel
    assert fold("إِسْلَامِيَّة", "ar") == fold("اسلاميه", "ar")
    assert fold("أمن", "ar") == fold("امن", "ar") == fold("آمن", "ar")
    assert fold("مستشفى", "ar") == fold("مستشفي", "ar")
    assert fold("الـلاجئون", "ar") == fold("اللاجئون", "ar")


def test_fold_takes_the_arabic_article_off_each_word() -> None:
    assert fold("الإنشاء", "ar") == fold("إنشاء", "ar") == "انشاء"
    assert fold("الشيخوخة المنتجة", "ar") == fold("شيخوخة منتجة", "ar")
    # after wa-, bi-, ka-, fa-, and li- (lil-)
    assert fold("والسلام", "ar") == fold("بالسلام", "ar") == fold("سلام", "ar")
    assert fold("للأمم المتحدة", "ar") == fold("أمم متحدة", "ar")
    # only where two letters or more remain: بالغ (adult) is not bi- + al- + غ
    assert fold("بالغ", "ar") == "بالغ"
    assert fold("ال", "ar") == "ال"
    # other languages keep their "al"
    assert fold("Alliance", "en") == "alliance"


def test_a_typed_arabic_prefix_meets_the_stored_key_at_every_length() -> None:
    stored = fold("فرق الخبراء", "ar")
    assert stored == "فرق خبراء"
    typed = "فرق الخبراء"
    for end in range(len("فرق "), len(typed) + 1):
        keys = prefix_keys(typed[:end], "ar")
        assert any(stored.startswith(k) for k in keys), (typed[:end], keys)
    # the article after a conjunction or preposition, and lil-
    assert any(fold("بالسلام", "ar").startswith(k) for k in prefix_keys("بالس", "ar"))
    assert any(fold("للأمم", "ar").startswith(k) for k in prefix_keys("للأ", "ar"))
    # a short word that only looks like an article keeps its own key too
    assert prefix_keys("بالغ", "ar")[0] == "بالغ"
    # nothing that would match every label
    assert prefix_keys("ال", "ar") == ["ال"] and prefix_keys("", "ar") == []
    # other languages: the folded text, nothing more
    assert prefix_keys("Réfu", "fr") == ["refu"]


def test_fold_keeps_russian_letters_but_folds_yo_and_case() -> None:
    assert fold("Ёлка", "ru") == "елка"
    assert fold("Йемен", "ru") != fold("Иемен", "ru")  # й is a letter of its own


def test_fold_full_width_forms_for_chinese() -> None:
    assert fold("ＤＶＤ光盘", "zh") == "dvd光盘"


def test_icu_order_differs_from_code_points() -> None:
    words = ["zèbre", "Écoles", "abri", "été"]
    ordered = sorted(words, key=lambda w: sort_keys(w, "fr").sort_key)
    assert ordered == ["abri", "Écoles", "été", "zèbre"]
    assert sorted(words) != ordered


def test_chinese_pinyin_and_stroke_buckets() -> None:
    keys = sort_keys("人道主义", "zh")
    assert keys.letter == "R"  # rén
    assert keys.letter_alt == "2画"  # 人 has two strokes
    by_pinyin = sorted(["难民", "安全", "人权"], key=lambda w: sort_keys(w, "zh").sort_key)
    assert by_pinyin == ["安全", "难民", "人权"]  # an, nan, ren
    by_stroke = sorted(["难民", "安全", "人权"], key=lambda w: sort_keys(w, "zh").sort_key_alt)
    assert by_stroke == ["人权", "安全", "难民"]  # 2, 6, 10 strokes
    assert letters("zh", "stroke")[0] == "1画"
    assert letters("zh")[:3] == ["A", "B", "C"]


def test_arabic_and_russian_buckets() -> None:
    assert sort_keys("أمن", "ar").letter == "ا"
    assert sort_keys("ёлка", "ru").letter == "Е"
    assert sort_keys("Ñandú", "es").letter == "Ñ"
    assert "Ñ" in letters("es") and "Ñ" not in letters("en")


def test_language_tags() -> None:
    for tag in ("en", "en-GB", "zh-Hans", "ja-Hani", "fi", "ar"):
        assert known_language_tag(tag), tag
    for tag in ("xx", "english", "e1", "zz-ZZ", ""):
        assert not known_language_tag(tag), tag
