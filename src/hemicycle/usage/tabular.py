"""COUNTER R5.1 tabular (TSV) form of a report built by ``reports.build_report``.

The layout follows the Code of Practice: 13 header rows, a blank row, the column
headings, then one row per item (or data type) and metric. Month columns are Mmm-YYYY;
zero months, left out of the JSON, are written as 0 here.
"""

from __future__ import annotations

import calendar

from hemicycle.usage.period import Period

HEADER_ROWS = ("Report_Name", "Report_ID", "Release", "Institution_Name", "Institution_ID",
               "Metric_Types", "Report_Filters", "Report_Attributes", "Exceptions",
               "Reporting_Period", "Created", "Created_By", "Registry_Record")
ITEM_COLUMNS = ("Item", "Publisher", "Publisher_ID", "Platform", "DOI", "Proprietary_ID",
                "ISBN", "Print_ISSN", "Online_ISSN", "URI")


def _month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{calendar.month_abbr[int(number)]}-{year}"


def _ids(ids: dict) -> str:
    return "; ".join(f"{kind}:{value}" for kind, values in ids.items()
                     for value in (values if isinstance(values, list) else [values]))


def _header_values(header: dict) -> dict[str, str]:
    filters = dict(header["Report_Filters"])
    begin, end = filters.pop("Begin_Date"), filters.pop("End_Date")
    metric_types = "; ".join(filters.pop("Metric_Type", []))
    attributes = []
    for name, value in header.get("Report_Attributes", {}).items():
        attributes.append(f"{name}={'|'.join(value) if isinstance(value, list) else value}")
    exceptions = []
    for e in header.get("Exceptions", []):
        text = f"{e['Code']}: {e['Message']}"
        exceptions.append(f"{text} ({e['Data']})" if e.get("Data") else text)
    return {
        "Report_Name": header["Report_Name"], "Report_ID": header["Report_ID"],
        "Release": header["Release"], "Institution_Name": header["Institution_Name"],
        "Institution_ID": _ids(header["Institution_ID"]),
        "Metric_Types": metric_types,
        "Report_Filters": "; ".join(
            f"{k}={'|'.join(v) if isinstance(v, list) else v}" for k, v in filters.items()),
        "Report_Attributes": "; ".join(attributes),
        "Exceptions": "; ".join(exceptions),
        "Reporting_Period": f"Begin_Date={begin}; End_Date={end}",
        "Created": header["Created"], "Created_By": header["Created_By"],
        "Registry_Record": header.get("Registry_Record", ""),
    }


def report_tsv(report: dict, period: Period) -> str:
    header = report["Report_Header"]
    report_id = header["Report_ID"]
    total_only = header.get("Report_Attributes", {}).get("Granularity") == "Total"
    months = [] if total_only else period.months
    values = _header_values(header)
    lines = [f"{name}\t{values[name]}" for name in HEADER_ROWS]
    lines.append("")
    if report_id == "IR":
        leading = list(ITEM_COLUMNS) + ["Data_Type", "Access_Method"]
    elif report_id == "PR":
        leading = ["Platform", "Data_Type", "Access_Method"]
    else:
        leading = ["Platform", "Data_Type"]
    lines.append("\t".join(leading + ["Metric_Type", "Reporting_Period_Total"]
                           + [_month_label(m) for m in months]))
    for cells, performance in _rows(report):
        for metric, counts in performance.items():
            row = [cells.get(c, "") for c in leading]
            row += [metric, str(sum(counts.values()))]
            row += [str(counts.get(m, 0)) for m in months]
            lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def _rows(report: dict):
    header = report["Report_Header"]
    if header["Report_ID"] == "IR":
        for group in report["Report_Items"]:
            for item in group["Items"]:
                ids = item.get("Item_ID", {})
                for ap in item["Attribute_Performance"]:
                    yield {"Item": item["Item"], "Publisher": item["Publisher"],
                           "Publisher_ID": _ids(item.get("Publisher_ID", {})),
                           "Platform": item["Platform"], "DOI": ids.get("DOI", ""),
                           "Proprietary_ID": ids.get("Proprietary", ""),
                           "ISBN": ids.get("ISBN", ""), "URI": ids.get("URI", ""),
                           "Data_Type": ap["Data_Type"],
                           "Access_Method": ap.get("Access_Method", "")}, ap["Performance"]
        return
    for item in report["Report_Items"]:
        for ap in item["Attribute_Performance"]:
            yield {"Platform": item["Platform"], "Data_Type": ap["Data_Type"],
                   "Access_Method": ap.get("Access_Method", "")}, ap["Performance"]
