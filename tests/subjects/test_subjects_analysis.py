"""Per-language analysis: labels and documents must meet whatever their spelling."""

from __future__ import annotations

from hemicycle.subjects.analysis import detect_language, dominant_script, tokens


def test_accents_folded_where_thesaurus_labels_drop_them():
    assert tokens("Financiación", "es") == tokens("financiacion", "es")
    assert tokens("Sécurité alimentaire", "fr") == tokens("securite alimentaire", "fr")


def test_stemming_joins_inflections():
    assert tokens("refugees", "en") == tokens("refugee", "en")
    assert tokens("беженцев", "ru") == tokens("беженцы", "ru")


def test_arabic_orthography_is_normalised():
    assert tokens("إغاثة", "ar") == tokens("اغاثه", "ar")
    assert tokens("مُساعَدة", "ar") == tokens("مساعدة", "ar")


def test_chinese_is_read_character_by_character():
    assert tokens("人道主义援助", "zh") == list("人道主义援助")


def test_language_and_script_detection():
    assert detect_language("Le Conseil de sécurité et les réfugiés de la région") == "fr"
    assert detect_language("El Consejo de Seguridad y los refugiados de la región") == "es"
    assert detect_language("مجلس الأمن") == "ar"
    assert detect_language("安全理事会") == "zh"
    assert detect_language("Совет Безопасности") == "ru"
    assert dominant_script("ελληνικά κείμενα") == "Other"
    assert detect_language("12345 ...") is None


def test_arabic_joined_particles_are_dropped():
    assert tokens("والمساعدة", "ar") == tokens("المساعدة", "ar")
    assert tokens("بالأمن", "ar") == tokens("الأمن", "ar")


def test_one_word_labels_that_analyse_to_a_common_word_are_not_matched():
    from hemicycle.subjects.analysis import stop_tokens
    from hemicycle.subjects.backends import backend_class
    from hemicycle.subjects.vocabulary import Concept, Vocabulary

    assert "las" in stop_tokens("es")
    vocab = Vocabulary("v", {"http://x/lasers": Concept("http://x/lasers",
                                                        {"es": "láseres", "en": "lasers"})})
    lexical = backend_class("lexical")(vocab)
    assert lexical.suggest("Las leyes de las naciones", "es") == []
    assert lexical.suggest("Lasers for the nations", "en")[0].uri == "http://x/lasers"
