"""The Index to Proceedings as the DHL publishes it: a Word document and a MARC file.

The Word document is rendered from the plain structure of ``itp.build_index`` (so it
shows exactly what the page and the JSON show); the MARC file holds the session's
analytical records, written by ``hemicycle.proceedings.marc`` with the DHL
mapping (speech: 700/710/791/991/992; vote: 791/952/967/996/591). Interface text comes
from the caller as ``t(key, **values)``, so this module needs nothing from the web layer.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from hemicycle.proceedings.itp import SECTIONS

Translate = Callable[..., str]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CELL = {"yes": "Y", "no": "N", "abstain": "A", "non_voting": "X", "absent": "–",
        "not_member": "", None: ""}


def heading_of(index: dict, t: Translate) -> str:
    when = (t("itp.year_n", year=index["year"]) if index["body"] == "SC"
            else t("itp.session_n", session=index["session"]))
    return f"{t('itp.body.' + index['body'])}, {when}"


def adopted_text(item: dict, t: Translate) -> str:
    text = t(f"itp.outcome.{item['outcome']}")
    if item.get("tally"):
        text += " " + t("itp.tally", **item["tally"])
    return text


# ---- Word ------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell_xml(text: str, run_props: str) -> str:
    from xml.sax.saxutils import escape

    # control characters other than tab and newline are not allowed in XML
    clean = "".join(c for c in text if c >= " " or c in "\t\n")
    return (f"<w:tc><w:p><w:r>{run_props}<w:t xml:space=\"preserve\">{escape(clean)}</w:t>"
            "</w:r></w:p></w:tc>")


def _table(doc, header: list[str], rows: list[list[str]], size: float | None = None) -> None:
    """A grid table whose header row Word repeats on every page. The rows are written as
    one piece of WordprocessingML: python-docx's add_row() and .cells walk the whole
    table on every call, which made a session's index take seconds."""
    from docx.oxml import parse_xml

    table = doc.add_table(rows=0, cols=len(header))
    table.style = "Table Grid"
    size_xml = f'<w:sz w:val="{round(size * 2)}"/>' if size else ""
    plain = f"<w:rPr>{size_xml}</w:rPr>" if size_xml else ""
    bold = f"<w:rPr><w:b/>{size_xml}</w:rPr>"
    parts = [f'<w:tbl xmlns:w="{_W}"><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>']
    parts += [_cell_xml(text, bold) for text in header]
    parts.append("</w:tr>")
    for values in rows:
        parts.append("<w:tr>")
        parts += [_cell_xml("" if text is None else str(text), plain) for text in values]
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    for row in parse_xml("".join(parts)).findall(f"{{{_W}}}tr"):
        table._tbl.append(row)


def to_docx(index: dict, t: Translate) -> bytes:
    """The index as a .docx: one part per section, each starting on a new page."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_BREAK

    doc = Docx()
    doc.core_properties.title = f"{t('itp.title')}: {heading_of(index, t)}"
    doc.core_properties.language = index["lang"]
    doc.add_heading(t("itp.title"), level=0)
    doc.add_paragraph(heading_of(index, t))
    sections = index["sections"]
    nr = t("itp.not_recorded")
    for name in SECTIONS:
        data = sections[name]
        if name == "voting_chart" and data["status"] == "ok":
            part = doc.add_section(WD_SECTION.NEW_PAGE)  # the chart is wide: landscape
            part.orientation = WD_ORIENT.LANDSCAPE
            part.page_width, part.page_height = part.page_height, part.page_width
        else:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(t(f"itp.section.{name}"), level=1)
        if data["status"] != "ok":
            reason = (t(f"itp.reason.{data['reason_code']}") if data.get("reason_code")
                      else data["reason"])
            doc.add_paragraph(f"{t('itp.not_available')}: {reason}")
            continue
        if name == "subject_index":
            if data.get("headings"):
                doc.add_heading(t("itp.headings"), level=2)
                for h in data["headings"]:
                    label = h["heading"]
                    if h["origins"] == ["machine"]:
                        label += (f" ({t('itp.machine_accepted_policy')})" if h["policy_only"]
                                  else f" ({t('itp.machine')})")
                    doc.add_paragraph(label, style="List Bullet")
                    doc.add_paragraph(", ".join(d["symbol"] for d in h["documents"]))
            if data["terms"]:
                doc.add_heading(t("itp.terms"), level=2)
                for term in data["terms"]:
                    label = term["label"] or f"{term['label_en']} ({t('itp.no_label')})"
                    if term["origins"] == ["machine"]:
                        label += f" ({t('itp.machine')})"
                    doc.add_paragraph(label, style="List Bullet")
                    doc.add_paragraph(", ".join(d["symbol"] for d in term["documents"]))
            if data["issue_categories"]:
                doc.add_heading(t("itp.issues"), level=2)
                _table(doc, [t("itp.check"), t("itp.section.resolutions")],
                       [[t(f"votes.issue.{c['issue']}"),
                         ", ".join(r["symbol"] or "" for r in c["records"])]
                        for c in data["issue_categories"]])
        elif name == "speeches":
            doc.add_heading(t("itp.by_state"), level=2)
            _table(doc, [t("itp.state"), t("itp.speaker"), t("itp.meeting"), t("itp.date"),
                         t("itp.agenda_item")],
                   [[g["name"] if g["authority"] else f"{g['name']} {t('itp.no_authority')}",
                     " ".join(x for x in (s["speaker_title"], s["speaker"]) if x) or nr,
                     s["meeting"] or nr, s["date"] or nr, s["agenda_item"] or nr]
                    for g in data["by_state"] for s in g["speeches"]], size=9)
            doc.add_heading(t("itp.by_speaker"), level=2)
            _table(doc, [t("itp.speaker"), t("itp.state"), t("itp.meeting")],
                   [[p["speaker"], s["name"], s["meeting"] or nr]
                    for p in data["by_speaker"] for s in p["speeches"]], size=9)
        elif name == "resolutions":
            _table(doc, [t("itp.symbol"), t("itp.col_title"), t("itp.date"), t("itp.adopted")],
                   [[r["symbol"], r["title"] or r["title_en"] or "", r["date"] or nr,
                     adopted_text(r, t)] for r in data["items"]], size=9)
            if data["other_roll_calls"]:
                doc.add_paragraph(t("itp.other_roll_calls", n=len(data["other_roll_calls"])))
        elif name == "documents":
            _table(doc, [t("itp.symbol"), t("itp.col_title"), t("itp.type"), t("itp.date")],
                   [[d["symbol"], d["title"] or d["title_en"] or "", d["doc_type"] or "",
                     d["date"] or ""] for d in data["items"]], size=9)
        elif name == "meetings":
            _table(doc, [t("itp.meeting"), t("itp.date")],
                   [[m["symbol"] or m["number"], m["date"] or nr] for m in data["items"]])
        elif name == "agenda":
            _table(doc, [t("itp.agenda_item"), t("itp.col_title")],
                   [[" ".join(x for x in (a["agenda_symbol"], a["item"]) if x), a["title"]]
                    for a in data["items"]])
        elif name == "voting_chart":
            doc.add_paragraph(t("itp.names_on", date=data["name_date"]))
            _table(doc, [t("itp.state")] + [c["symbol"] for c in data["columns"]],
                   [[r["name"]] + [CELL[c] for c in r["cells"]] for r in data["rows"]], size=6)
            doc.add_paragraph(t("itp.legend"))
        elif name == "quality":
            rows = [[t(f"itp.check.{code}"), str(n)] for code, n in sorted(data["counts"].items())]
            if rows:
                _table(doc, [t("itp.check"), t("itp.count")], rows)
            else:
                doc.add_paragraph(t("itp.all_clear"))
            for f in data["findings"]:
                doc.add_paragraph(f"{f['code']}: {f['message']}", style="List Bullet")
            if data["importer_findings"]:
                doc.add_heading(t("itp.importer_findings"), level=2)
                _table(doc, [t("itp.check"), t("itp.count")],
                       [[f"{run['importer']}: {code}", str(n)]
                        for run in data["importer_findings"]
                        for code, n in sorted(run["counts"].items())])
    if index["lang"] == "ar":
        _right_to_left(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# Elements that follow w:bidi in w:pPr and w:bidiVisual in w:tblPr (ECMA-376 order).
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
               "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
               "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_AFTER_BIDI_VISUAL = ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                      "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                      "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                      "w:tblPrChange")


def _right_to_left(doc) -> None:
    """Arabic: paragraphs and runs right to left, tables laid out from the right (each
    flag in the place the schema orders it, or Word calls the file damaged)."""
    from docx.oxml import OxmlElement

    body = doc.element.body
    for p in body.iter(f"{{{W}}}p"):
        ppr = p.get_or_add_pPr()
        if ppr.find(f"{{{W}}}bidi") is None:
            ppr.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for r in body.iter(f"{{{W}}}r"):
        r.get_or_add_rPr().get_or_add_rtl()
    for tbl in body.iter(f"{{{W}}}tbl"):
        if tbl.tblPr.find(f"{{{W}}}bidiVisual") is None:
            tbl.tblPr.insert_element_before(OxmlElement("w:bidiVisual"), *_AFTER_BIDI_VISUAL)


# ---- MARC ------------------------------------------------------------------------------

def write_marc(settings, body: str, session: int, handle: BinaryIO, xml: bool = False) -> int:
    """The session's voting records, then its speeches, as MARC21 (binary or MARCXML)."""
    from itertools import chain

    from hemicycle.marc21.files import write_binary, write_xml
    from hemicycle.proceedings.marc import proceedings_records

    scope = f"{body}:{session}"
    records = chain(proceedings_records(settings, "votes", scope),
                    proceedings_records(settings, "speeches", scope))
    return (write_xml if xml else write_binary)(records, handle)
