"""OAI-PMH provider: harvested by a real client (sickle) from a live uvicorn server,
every response validated offline against the OAI-PMH, oai_dc and MARC21 schemas."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

import httpx
import pytest
from interop_helpers import DOCUMENTS, make_catalogue
from lxml import etree
from sickle import Sickle

from hemicycle.interop import oai
from hemicycle.interop.oai_tokens import PageToken, encode_token

NS = {"o": oai.OAI_NS, "dc": "http://purl.org/dc/elements/1.1/",
      "marc": "http://www.loc.gov/MARC21/slim"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
VISIBLE = [d for d in DOCUMENTS if d[4] != "draft"]


class CheckingSickle(Sickle):
    """Sickle that hands every raw response to a validator before parsing it."""

    def __init__(self, endpoint, check, **kwargs):
        super().__init__(endpoint, **kwargs)
        self.check = check
        self.responses = 0

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        self.check(response.raw.encode("utf-8"))
        self.responses += 1
        return response


def _validator(schema):
    def check(body: bytes) -> etree._Element:
        root = etree.fromstring(body)
        assert schema.validate(root), f"{schema.error_log.last_error}\n{body[:2000]!r}"
        return root
    return check


def _error_code(root: etree._Element) -> str | None:
    err = root.find("o:error", NS)
    return err.get("code") if err is not None else None


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_interop_sickle_harvest_pages_through_everything_once(live_server, oai_schema,
                                                               monkeypatch, method):
    monkeypatch.setattr(oai, "RECORDS_PER_PAGE", 2)
    monkeypatch.setattr(oai, "IDENTIFIERS_PER_PAGE", 2)
    uids = make_catalogue(live_server)
    client = CheckingSickle(live_server.base_url + "/oai", _validator(oai_schema),
                            http_method=method)
    identify = client.Identify()
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.earliestDatestamp == "2016-12-23T18:00:00Z"
    for prefix in ("oai_dc", "marcxml"):
        records = list(client.ListRecords(metadataPrefix=prefix, ignore_deleted=False))
        ids = [r.header.identifier for r in records]
        assert len(ids) == len(set(ids)) == len(VISIBLE)
        expected = {f"oai:hemicycle.local:{uid}"
                    for uid, d in zip(uids, DOCUMENTS, strict=True) if d[4] != "draft"}
        assert set(ids) == expected
        deleted = [r for r in records if r.header.deleted]
        assert [r.header.identifier for r in deleted] == [
            f"oai:hemicycle.local:{uids[3]}"]
        assert deleted[0].xml.find(f"{{{oai.OAI_NS}}}metadata") is None
        stamps = [r.header.datestamp for r in records]
        assert stamps == sorted(stamps)
    headers = list(client.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len(headers) == len(VISIBLE)
    sets = {s.setSpec for s in client.ListSets()}
    assert {"body:SC", "type:resolution", "session:GA:74", "session:ECOSOC:2019"} <= sets
    assert "body:SC" in sets and not any("70" in s for s in sets)  # the draft's session
    formats = {f.metadataPrefix for f in client.ListMetadataFormats()}
    assert formats == {"oai_dc", "marcxml"}
    rec = client.GetRecord(identifier=f"oai:hemicycle.local:{uids[0]}", metadataPrefix="oai_dc")
    assert "Résolution 2334 (2016)" in rec.metadata["title"]
    assert client.responses >= 3 * 2 + 4  # paged lists really were several pages


def test_interop_tokens_carry_cursor_and_size(live_server, oai_schema, monkeypatch):
    monkeypatch.setattr(oai, "RECORDS_PER_PAGE", 2)
    make_catalogue(live_server)
    check = _validator(oai_schema)
    url = live_server.base_url + "/oai"
    params = {"verb": "ListRecords", "metadataPrefix": "marcxml"}
    root = check(httpx.get(url, params=params).content)
    cursors = []
    while True:
        token = root.find(".//o:resumptionToken", NS)
        if token is None:
            break
        cursors.append((token.get("cursor"), token.get("completeListSize")))
        if not token.text:
            break
        root = check(httpx.post(url, data={"verb": "ListRecords",
                                           "resumptionToken": token.text}).content)
    n = len(VISIBLE)
    assert cursors == [(str(c), str(n)) for c in range(0, n, 2)]


def test_interop_from_until_to_the_second(live_server, oai_schema):
    make_catalogue(live_server)
    check = _validator(oai_schema)
    url = live_server.base_url + "/oai"

    def stamps(**args):
        root = check(httpx.get(url, params={"verb": "ListIdentifiers",
                                            "metadataPrefix": "oai_dc", **args}).content)
        if _error_code(root):
            return _error_code(root)
        return [h.text for h in root.iterfind(".//o:header/o:datestamp", NS)]

    assert stamps(**{"from": "2019-12-01T00:00:00Z", "until": "2019-12-01T00:00:00Z"}) == [
        "2019-12-01T00:00:00Z", "2019-12-01T00:00:00Z"]
    assert stamps(**{"from": "2019-12-01T00:00:01Z"}) == ["2020-03-04T05:06:07Z"]
    assert stamps(until="2019-10-10T09:29:59Z") == ["2016-12-23T18:00:00Z"]
    assert stamps(until="2019-10-10") == ["2016-12-23T18:00:00Z", "2019-10-10T09:30:00Z"]
    assert stamps(**{"from": "2020-03-04T05:06:07Z"}) == ["2020-03-04T05:06:07Z"]
    assert stamps(**{"from": "2020-03-04T05:06:08Z"}) == "noRecordsMatch"
    # the draft (2020-01-01) never appears, even when it is the only match by date
    assert stamps(**{"from": "2020-01-01", "until": "2020-01-01"}) == "noRecordsMatch"


def test_interop_sets_select_by_body_type_session(live_server, oai_schema):
    make_catalogue(live_server)
    check = _validator(oai_schema)
    url = live_server.base_url + "/oai"

    def symbols(spec):
        root = check(httpx.get(url, params={"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                            "set": spec}).content)
        if _error_code(root):
            return _error_code(root)
        ids = root.iterfind(".//dc:identifier", NS)
        return sorted(i.text for i in ids if "/" in i.text and "://" not in i.text)

    assert symbols("body:SC") == ["S/RES/2334 (2016)"]  # the SC draft is not shown
    assert symbols("session:GA:74") == ["A/74/PV.52", "A/RES/74/1"]  # deleted: header only
    assert symbols("type:resolution") == ["A/RES/74/1", "E/RES/2019/1", "S/RES/2334 (2016)"]
    assert symbols("session:GA") == ["A/74/PV.52", "A/RES/74/1"]
    assert symbols("type:meeting~20record") == ["A/74/PV.52"]
    assert symbols("body:XX") == "noRecordsMatch"
    assert symbols("colour:red") == "noRecordsMatch"
    assert symbols("body:S C") == "badArgument"


def _altered(token: str) -> str:
    """The token with the last character of its signature changed (always changed: a
    fixed replacement like "xx" is the signature itself once in 4,096 runs)."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _bad_requests(uid, draft_uid, good_token, list_ids_token, past_end_token):
    """(arguments, expected error code) for every malformed request we know of."""
    ident = f"oai:hemicycle.local:{uid}"
    return [
        ([], "badVerb"),
        ([("verb", "")], "badVerb"),
        ([("verb", "listrecords"), ("metadataPrefix", "oai_dc")], "badVerb"),
        ([("verb", "Identify"), ("verb", "Identify")], "badVerb"),
        ([("verb", "Harvest")], "badVerb"),
        ([("metadataPrefix", "oai_dc")], "badVerb"),
        ([("verb", "Identify"), ("set", "body:SC")], "badArgument"),
        ([("verb", "Identify"), ("ui", "fr")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", ident)], "badArgument"),
        ([("verb", "GetRecord"), ("metadataPrefix", "oai_dc")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", ident), ("metadataPrefix", "oai_dc"),
          ("metadataPrefix", "oai_dc")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", ident), ("metadataPrefix", "oai_dc"),
          ("from", "2019-01-01")], "badArgument"),
        ([("verb", "GetRecord"), ("identifier", ""), ("metadataPrefix", "oai_dc")],
         "badArgument"),
        ([("verb", "ListRecords")], "badArgument"),
        ([("verb", "ListRecords"), ("resumptionToken", "\x01")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc\x00")], "badArgument"),
        ([("verb", "Identify\x1f")], "badVerb"),
        ([("verb", "ListIdentifiers"), ("from", "2019-01-01")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2019-13-01")],
         "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2019-01-01T00:00")],
         "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"),
          ("from", "2019-01-01T00:00:00+01:00")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "yesterday")],
         "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2019-01-01"),
          ("until", "2019-02-01T00:00:00Z")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2020-01-01"),
          ("until", "2019-01-01")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"),
          ("resumptionToken", good_token)], "badArgument"),
        ([("verb", "ListRecords"), ("resumptionToken", good_token), ("set", "body:SC")],
         "badArgument"),
        ([("verb", "ListSets"), ("resumptionToken", "x"), ("set", "a")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "body:SC"),
          ("set", "body:GA")], "badArgument"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", ":bad:")],
         "badArgument"),
        ([("verb", "ListRecords"), ("resumptionToken", "garbage")], "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", "a.b")], "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", "!!!.???")], "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", _altered(good_token))],
         "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", "Z" + good_token)],
         "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", "x" * 5000)], "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", list_ids_token)], "badResumptionToken"),
        ([("verb", "ListRecords"), ("resumptionToken", past_end_token)], "badResumptionToken"),
        ([("verb", "ListSets"), ("resumptionToken", good_token)], "badResumptionToken"),
        ([("verb", "ListRecords"), ("metadataPrefix", "mods")], "cannotDisseminateFormat"),
        ([("verb", "GetRecord"), ("identifier", ident), ("metadataPrefix", "marc21")],
         "cannotDisseminateFormat"),
        ([("verb", "GetRecord"), ("identifier", "oai:hemicycle.local:nope"),
          ("metadataPrefix", "oai_dc")], "idDoesNotExist"),
        ([("verb", "GetRecord"), ("identifier", f"oai:elsewhere.org:{uid}"),
          ("metadataPrefix", "oai_dc")], "idDoesNotExist"),
        ([("verb", "GetRecord"), ("identifier", f"oai:hemicycle.local:{'0' * 32}"),
          ("metadataPrefix", "oai_dc")], "idDoesNotExist"),
        ([("verb", "GetRecord"), ("identifier", f"oai:hemicycle.local:{draft_uid}"),
          ("metadataPrefix", "oai_dc")], "idDoesNotExist"),
        ([("verb", "ListMetadataFormats"), ("identifier", f"oai:hemicycle.local:{draft_uid}")],
         "idDoesNotExist"),
        ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("from", "2030-01-01")],
         "noRecordsMatch"),
        ([("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("set", "body:UNDP")],
         "noRecordsMatch"),
    ]


def test_interop_every_bad_request_gets_the_right_error(live_server, oai_schema, monkeypatch):
    monkeypatch.setattr(oai, "RECORDS_PER_PAGE", 2)
    monkeypatch.setattr(oai, "IDENTIFIERS_PER_PAGE", 2)
    uids = make_catalogue(live_server)
    check = _validator(oai_schema)
    url = live_server.base_url + "/oai"

    def token_of(verb):
        root = check(httpx.get(url, params={"verb": verb, "metadataPrefix": "oai_dc"}).content)
        return root.find(".//o:resumptionToken", NS).text

    past_end = encode_token(live_server.secret_key, PageToken(
        "ListRecords", "oai_dc", None, None, None, "2099-01-01T00:00:00", 10**9, 10, 10))
    cases = _bad_requests(uids[0], uids[4], token_of("ListRecords"), token_of("ListIdentifiers"),
                          past_end)
    for args, expected in cases:
        for method in ("GET", "POST"):
            if method == "GET":
                response = httpx.get(url, params=args)
            else:
                response = httpx.post(url, content=urlencode(args), headers=FORM)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/xml")
            root = check(response.content)
            assert _error_code(root) == expected, (method, args, response.text)
            request = root.find("o:request", NS)
            if expected in ("badVerb", "badArgument"):
                assert request.attrib == {}, (args, request.attrib)


def test_interop_empty_repository_errors(live_server, oai_schema):
    check = _validator(oai_schema)
    url = live_server.base_url + "/oai"
    # arguments must be form-encoded: a POST body of another type carries no verb
    root = check(httpx.post(url, content=b"verb=Identify",
                            headers={"content-type": "text/plain"}).content)
    assert _error_code(root) == "badVerb"
    root = check(httpx.get(url, params={"verb": "ListSets"}).content)
    assert _error_code(root) == "noSetHierarchy"
    root = check(httpx.get(url, params={"verb": "ListRecords", "metadataPrefix": "oai_dc",
                                        "set": "body:SC"}).content)
    assert _error_code(root) == "noSetHierarchy"
    root = check(httpx.get(url, params={"verb": "ListRecords",
                                        "metadataPrefix": "oai_dc"}).content)
    assert _error_code(root) == "noRecordsMatch"
    root = check(httpx.get(url, params={"verb": "Identify"}).content)
    assert root.find(".//o:earliestDatestamp", NS) is not None


def test_interop_no_metadata_formats_when_no_format_fits(settings, oai_schema):
    """A format that does not fit a record is left out; none fitting is noMetadataFormats."""
    uids = make_catalogue(settings)
    only_dc = {"oai_dc": dataclasses.replace(oai.FORMATS["oai_dc"],
                                             supports=lambda d: d.doc_type == "resolution")}
    check = _validator(oai_schema)
    ident = f"oai:hemicycle.local:{uids[2]}"  # a meeting record
    root = check(oai.handle_request(settings, [("verb", "ListMetadataFormats"),
                                               ("identifier", ident)], only_dc))
    assert _error_code(root) == "noMetadataFormats"
    root = check(oai.handle_request(settings, [("verb", "GetRecord"), ("identifier", ident),
                                               ("metadataPrefix", "oai_dc")], only_dc))
    assert _error_code(root) == "cannotDisseminateFormat"
    root = check(oai.handle_request(settings, [("verb", "ListMetadataFormats"),
                                               ("identifier", f"oai:hemicycle.local:{uids[0]}")],
                                    only_dc))
    assert [p.text for p in root.iterfind(".//o:metadataPrefix", NS)] == ["oai_dc"]


def test_interop_keyset_survives_shared_datestamps_and_updates(catalogue_settings, oai_schema,
                                                                monkeypatch):
    """Many records with one datestamp are each sent once; on SQLite and PostgreSQL."""
    monkeypatch.setattr(oai, "IDENTIFIERS_PER_PAGE", 3)
    same = dt.datetime(2021, 5, 5, 12, 0, 0)
    docs = [(f"S/RES/{2500 + i} (2021)", "SC", "76", "resolution", "published", f"R{i}", None,
             same) for i in range(10)]
    make_catalogue(catalogue_settings, docs)
    check = _validator(oai_schema)
    seen: list[str] = []
    args = [("verb", "ListIdentifiers"), ("metadataPrefix", "marcxml")]
    while True:
        root = check(oai.handle_request(catalogue_settings, args))
        seen += [i.text for i in root.iterfind(".//o:header/o:identifier", NS)]
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        args = [("verb", "ListIdentifiers"), ("resumptionToken", token.text)]
    assert len(seen) == len(set(seen)) == 10
