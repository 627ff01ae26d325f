"""COUNTER Exceptions (Code of Practice R5.1, Appendix D): one table of codes."""

from __future__ import annotations

MESSAGES: dict[int, str] = {
    1030: "Insufficient Information to Process Request",
    2000: "Requestor Not Authorized to Access Service",
    2010: "Requestor is Not Authorized to Access Usage for Institution",
    3020: "Invalid Date Arguments",
    3030: "No Usage Available for Requested Dates",
    3050: "Parameter Not Recognized in this Context",
    3060: "Invalid ReportFilter Value",
    3062: "Invalid ReportAttribute Value",
}
# the HTTP status a request that fails with this code gets (SUSHI API 5.1 responses)
HTTP_STATUS: dict[int, int] = {1030: 400, 2000: 401, 2010: 403, 3020: 400}


def exception(code: int, data: str | None = None) -> dict:
    out: dict = {"Code": code, "Message": MESSAGES[code]}
    if data:
        out["Data"] = data
    return out


class CounterError(Exception):
    """A request that cannot be answered with a report (e.g. 3020 invalid dates)."""

    def __init__(self, code: int, data: str):
        super().__init__(f"{code} {MESSAGES[code]}: {data}")
        self.code, self.data = code, data

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.code, 400)

    def as_json(self) -> dict:
        return exception(self.code, self.data)
