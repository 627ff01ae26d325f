"""Reading metadata out of real UN texts (the bundled corpus), in the six languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hemicycle.describe import Given, describe, is_sentence, paragraphs, period_of
from hemicycle.describe.agenda import agenda_item
from hemicycle.describe.dates import date_mentions, document_date
from hemicycle.describe.kinds import body_of_text, kind_of_line
from hemicycle.describe.meetings import meeting_record, own_meeting
from hemicycle.describe.periods import chinese_number, period_in_text
from hemicycle.describe.titles import stated_title

ROOT = Path(__file__).resolve().parents[2]
CR_UNSC = ROOT / "corpus" / "documents" / "cr-unsc" / "files"
UNPC = ROOT / "corpus" / "documents" / "unpc" / "files"
DIGITISE = ROOT / "tests" / "data" / "digitise"


def unpc(stem: str, lang: str) -> str:
    return (UNPC / f"{stem}-{lang}.txt").read_text(encoding="utf-8")


def test_resolution_242_is_dated_by_its_heading_and_adopted_at_its_meeting():
    text = (CR_UNSC / "S_RES_0242_1967_EN.txt").read_text(encoding="utf-8")
    d = describe(Given("manifest", symbols=["S/RES/242 (1967)"]), {"en": text})
    assert d.fields["date"].value == "1967-11-22" and d.fields["date"].source == "text"
    assert d.fields["action_date"].value == "1967-11-22"
    assert d.fields["period"].value == {"name": "year", "value": "1967"}  # not "session 22"
    assert d.fields["body"].value == "SC" and d.fields["body"].source == "symbol"
    assert d.fields["doc_type"].value == "resolution"
    assert d.fields["meeting"].value == 1382
    assert d.fields["meeting_record"].value == "S/PV.1382"
    assert d.fields["title"].value == "Resolution 242 (1967)"
    assert d.findings == []


def test_dates_in_the_six_languages_with_what_they_date():
    cases = {
        "7439th meeting, held on 11 May 2015.": "held",
        "7439e séance, tenue le 11 mai 2015": "held",
        "7439ª sesión, celebrada el 11 de mayo de 2015.": "held",
        "7439-е заседание, состоявшееся 11 мая 2015 года.": "held",
        "الجلسة 7439 المعقودة في 11 أيار/مايو ٢٠١٥.": "held",
        "第7439次会议，2015年5月11日举行。": "held",
    }
    for text, role in cases.items():
        found = document_date(text)
        assert found is not None and found.date == dt.date(2015, 5, 11), text
        assert found.role == role, text
    assert document_date("84 (1950). Resolution of 7 July 1950").role == "heading"
    # a date of another resolution, named before "adopted", never dates this one
    text = ("Resolution 253 (1968)\nof 29 May 1968\n\nRecalling its resolution 30 (1947),\n"
            "adopted on 25 August 1947,")
    assert [m.role for m in date_mentions(text)] == ["heading", "mentioned"]
    assert document_date("The report of 3 March 2014 was noted.") is None
    assert document_date("31 February 2015") is None


def test_every_cr_unsc_resolution_is_dated_in_its_own_year():
    """The 902 hand-corrected texts against the year of their symbols: the three it cannot
    date print the date broken ("of 14 October £964") or not at all."""
    right = wrong = missing = 0
    for path in sorted(CR_UNSC.glob("S_RES_*_EN.txt")):
        year = int(path.stem.split("_")[3])
        found = document_date(path.read_text(encoding="utf-8"))
        if found is None:
            missing += 1
        elif found.date.year == year:
            right += 1
        else:
            wrong += 1
    assert right >= 896 and wrong == 0 and missing <= 5


def test_meetings_in_the_six_languages_and_their_records():
    assert own_meeting("Adopted unanimously at the\n1382nd meeting.").number == 1382
    assert own_meeting("Adopted at the 127th meet-\ning by 8 votes to none").number == 127
    for text in ("à sa 7439e séance", "en su 7439ª sesión", "на своем 7439-м заседании",
                 "في جلسته 7439", "第7439次会议"):
        assert own_meeting(text).number == 7439, text
    assert meeting_record("SC", None, 1382) == "S/PV.1382"
    assert meeting_record("GA", "69", 52) == "A/69/PV.52"
    assert meeting_record("GA", "26", 1976) == "A/PV.1976"
    assert meeting_record("ECOSOC", "2015", 5) is None


@pytest.mark.parametrize("lang,title", [
    ("en", "Provisional agenda for the 7403rd meeting of the Security Council"),
    ("fr", "Ordre du jour provisoire de la 7403e séance du Conseil de sécurité"),
    ("es", "Orden del día provisional de la 7403ª sesión del Consejo de Seguridad"),
    ("ru", "Предварительная повестка дня 7403го заседания Совета Безопасности"),
    ("ar", "جدول الأعمال المؤقت لجلسة مجلس الأمن 7403"),
    ("zh", "安全理事会第7403次会议临时议程"),
])
def test_a_provisional_agenda_states_its_meeting_and_the_day_it_is_held(lang, title):
    # the line under the title ("To be held on ...") is the meeting's day, never the title
    d = describe(Given("bench"), {lang: unpc("s_agenda_7403", lang)})
    assert d.titles[lang].value == title
    assert d.value("date") == "2015-03-16" and d.value("doc_type") == "agenda"
    assert d.value("meeting") == 7403 and d.fields["meeting"].confidence < 0.9  # not adopted


def test_a_closed_meeting_is_still_a_meeting():
    for lang in ("en", "fr", "es", "ru", "ar", "zh"):
        assert own_meeting(unpc("s_pv_7429", lang)).number == 7429, lang


@pytest.mark.parametrize("lang,title", [
    ("en", "Letter dated 22 April 2015 from the Secretary-General addressed to the "
           "President of the Security Council"),
    ("fr", "Lettre datée du 22 avril 2015, adressée à la Présidente du Conseil de sécurité "
           "par le Secrétaire général"),
    ("es", "Carta de fecha 22 de abril de 2015 dirigida a la Presidenta del Consejo de "
           "Seguridad por el Secretario General"),
    ("ru", "Письмо Генерального секретаря от 22 апреля 2015 года на имя Председателя "
           "Совета Безопасности"),
    ("ar", "رسالة مؤرخة 22 نيسان/أبريل 2015 موجهة من الأمين العام إلى رئيسة مجلس الأمن"),
    ("zh", "2015年4月22日秘书长给安全理事会主席的信"),
])
def test_a_letter_states_its_title_and_kind_in_each_language(lang, title):
    text = unpc("s_2015_272", lang)
    assert stated_title(text)[0] == title
    assert kind_of_line(title) == "letter"


def test_sentences_are_never_titles():
    for sentence in (
            "2. During the World Conference, States also committed themselves to act.",
            "Clarify delegation of authority and accountability across the Organization, and "
            "set out the roles of the Department and of the missions in the field.",
            "the selection of an appropriate baseline, a freeze date for developed countries",
            "The Ministry recalls that in April 2014, certain politicians alleged that "
            "preparations were being made for a genocide.",
            "With respect to the future of New Caledonia, the President of the Republic…",
            "(a) 关于安全理事会的报告"):
        assert is_sentence(sentence), sentence
    for title in ("Note by the Secretariat", "Resolution 242 (1967)",
                  "Provisional agenda for the 7448th meeting of the Security Council",
                  "Report of the Secretary-General on the situation in Mali",
                  "General Debate, session 1 (1946): statement by Argentina (Mr. Arce)",
                  "秘书处的说明", "مذكرة من الأمانة العامة"):
        assert not is_sentence(title), title


def test_first_sentences_of_the_parallel_corpus_are_titles_only_in_a_title_form():
    given = Given("manifest", symbols=["S/2015/305"], titles={
        "en": "ISIL itself has published videos depicting people being subjected to a range "
              "of abhorrent punishments, including stoning.",
        "fr": "Note du Secrétariat"}, titles_from_text=True)
    d = describe(given, {"en": unpc("s_2015_305", "en")})
    assert "en" in d.rejected_titles and "en" not in d.titles
    assert d.titles["fr"].value == "Note du Secrétariat"


@pytest.mark.parametrize("text,period", [
    ("GENERAL ASSEMBLY\nSixty-ninth session", ("session", "69")),
    ("Soixante-neuvième session", ("session", "69")),
    ("Sexagésimo noveno período de sesiones", ("session", "69")),
    ("Шестьдесят девятая сессия", ("session", "69")),
    ("الدورة التاسعة والستون", ("session", "69")),
    ("第六十九届会议", ("session", "69")),
    ("Security Council\nSeventieth year", ("year", "2015")),
    ("Twenty-sixth session\nAgenda item 93", ("session", "26")),
])
def test_periods_as_mastheads_name_them(text, period):
    found, _line = period_in_text(text)
    assert (found.name, found.value) == period
    assert chinese_number("二十") == 20 and chinese_number("十二") == 12


def test_each_body_counts_its_periods_its_own_way():
    assert period_of("SC", "22", 1967).to_json() == {"name": "year", "value": "1967"}
    assert period_of("GA", "26", None).to_json() == {"name": "session", "value": "26"}
    assert period_of("ECOSOC", "2015", 2015).to_json() == {"name": "session", "value": "2015"}
    assert period_of("GA", None, None) is None


def test_agenda_item_and_its_title_from_a_masthead():
    text = (DIGITISE / "1971-09-29_A_L.632-EN.gt.txt").read_text(encoding="utf-8")
    found = agenda_item(text, not_title=kind_of_line)
    assert found.item == "93"
    assert found.title.startswith("RESTORATION OF THE LAWFUL RIGHTS")
    for line, item in (("Point 12 de l'ordre du jour", "12"), ("Tema 12 del programa", "12"),
                       ("Пункт 12 повестки дня", "12"), ("البند 12 من جدول الأعمال", "12"),
                       ("议程项目12", "12"), ("Item 4 (b) of the provisional agenda", "4(b)")):
        assert agenda_item(line).item == item, line


def test_bodies_named_by_a_masthead_or_a_resolution_s_opening():
    assert body_of_text("UNITED NATIONS\nGENERAL\nASSEMBLY\n").value == "GA" or \
        body_of_text("GENERAL ASSEMBLY").value == "GA"
    assert body_of_text("The Security Council,\nRecalling ...").value == "SC"
    assert body_of_text("إن مجلس الأمن،").value == "SC"
    assert body_of_text("Совет Безопасности,").value == "SC"
    assert body_of_text("A report on the work of the Security Council in 2014") is None


def test_paragraphs_are_rebuilt_from_printed_lines_and_the_text_is_kept():
    text = (CR_UNSC / "S_RES_0242_1967_EN.txt").read_text(encoding="utf-8")
    paras = paragraphs(text)
    assert "The Security Council," in paras
    assert any(p.startswith("1. Affirms that the fulfilment of Charter principles requires "
                            "the establishment") for p in paras)
    assert sum(p.startswith(("(a)", "(b)", "(c)")) for p in paras) == 3
    assert "\n" not in "".join(paras)
    assert paragraphs("establish-\nment of peace-\nKeeping") == [
        "establishment of peace- Keeping"]
    assert paragraphs("安全理事会\n第7439次会议") == ["安全理事会第7439次会议"]


def test_an_agenda_item_s_number_and_title_never_take_the_text_that_follows():
    from hemicycle.describe.agenda import agenda_item

    # "items 33 and 38": item 33, not "33 a" with "nd 38" for its title
    found = agenda_item("Agenda items 33 and 38\nOn 14 January 2015, during the monitoring "
                        "conducted on the contact line, the army opened fire on the village.")
    assert (found.item, found.title) == ("33", None)
    found = agenda_item("Item 113 (b) of the provisional agenda\n2. The Government of the "
                        "Republic of Korea has nominated Seongmee Yoon to fill the vacancy.")
    assert (found.item, found.title) == ("113(b)", None)
    found = agenda_item("Agenda item 5 (b)\nQuestion of Cyprus\n\nLetter dated 1 May 2015")
    assert (found.item, found.title) == ("5(b)", "Question of Cyprus")
