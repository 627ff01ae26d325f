"""OAI-PMH 2.0 provider: the six verbs, every error condition, oai_dc and marcxml,
sets by body, document type and session, keyset resumption tokens.

``handle_request(settings, pairs)`` takes the request arguments as (name, value)
pairs (GET query or POST form, repeats kept so they can be refused) and returns the
XML response. Drafts are never shown; deleted documents stay as deleted headers
(deletedRecord = persistent). Lists are paged in (datestamp, id) order from the last
record sent, so page 10,000 costs what page 1 costs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree
from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import UNPUBLISHED, Document
from hemicycle.config import Settings
from hemicycle.interop import dublin_core, marc
from hemicycle.interop.oai_tokens import PageToken, TokenError, decode_token, encode_token
from hemicycle.marc21 import records as marc21

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XSI_LOC = f"{{{XSI_NS}}}schemaLocation"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
RECORDS_PER_PAGE = 100
IDENTIFIERS_PER_PAGE = 500

# The error codes of OAI-PMH 2.0 section 3.6, one place.
ERROR_CODES = (
    "badArgument", "badResumptionToken", "badVerb", "cannotDisseminateFormat",
    "idDoesNotExist", "noRecordsMatch", "noMetadataFormats", "noSetHierarchy",
)

# Arguments each verb accepts: (required, optional, exclusive).
VERBS: dict[str, tuple[set[str], set[str], str | None]] = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
_SET_SAFE = re.compile(r"[A-Za-z0-9\-_.!*'()]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPO_ID = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")


class OAIError(Exception):
    def __init__(self, code: str, message: str) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    render: Callable[[Document, Settings], etree._Element]
    supports: Callable[[Document], bool] = lambda _doc: True


def _render_oai_dc(document: Document, settings: Settings) -> etree._Element:
    ns = {"oai_dc": dublin_core.OAI_DC_NS, "dc": dublin_core.DC_NS, "xsi": XSI_NS}
    root = etree.Element(f"{{{dublin_core.OAI_DC_NS}}}dc", nsmap=ns)
    root.set(XSI_LOC, f"{dublin_core.OAI_DC_NS} {dublin_core.OAI_DC_SCHEMA}")
    for element in dublin_core.dc_elements(document, settings.base_url):
        el = etree.SubElement(root, f"{{{dublin_core.DC_NS}}}{element.name}")
        el.text = element.value
        if element.language:
            el.set("{http://www.w3.org/XML/1998/namespace}lang", element.language)
    return root


def _render_marcxml(document: Document, settings: Settings) -> etree._Element:
    root = marc21.record_to_element(marc.document_to_record(document))
    root.set(XSI_LOC, f"{marc21.MARC_NS} {marc21.MARC_SCHEMA}")
    return root


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat("oai_dc", dublin_core.OAI_DC_SCHEMA, dublin_core.OAI_DC_NS,
                             _render_oai_dc),
    "marcxml": MetadataFormat("marcxml", marc21.MARC_SCHEMA, marc21.MARC_NS, _render_marcxml),
}


def repository_identifier(settings: Settings) -> str:
    """The domain-name part of our OAI identifiers (``oai:<this>:<uid>``)."""
    host = urlsplit(settings.base_url).hostname or ""
    return host if _REPO_ID.match(host) else "hemicycle.local"


def oai_identifier(settings: Settings, uid: str) -> str:
    return f"oai:{repository_identifier(settings)}:{uid}"


def _uid_from_identifier(settings: Settings, identifier: str) -> str:
    prefix = f"oai:{repository_identifier(settings)}:"
    uid = identifier[len(prefix):] if identifier.startswith(prefix) else ""
    if not re.fullmatch(r"[0-9a-f]{32}", uid):
        raise OAIError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository")
    return uid


def datestamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datestamp(name: str, value: str, end: bool) -> tuple[dt.datetime, str]:
    try:
        if _DAY.match(value):
            day = dt.datetime.strptime(value, "%Y-%m-%d")
            return (day.replace(hour=23, minute=59, second=59) if end else day), "day"
        if _SECOND.match(value):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"), "second"
    except ValueError:
        pass
    raise OAIError("badArgument", f"{name}={value!r} is not a UTC date "
                                  f"(YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)")


# --- sets -----------------------------------------------------------------------------

def encode_set_value(value: str) -> str:
    """A catalogue value as a setSpec part: characters the spec allows stay, others ~HH."""
    out = []
    for char in value:
        if _SET_SAFE.match(char):
            out.append(char)
        else:
            out.extend(f"~{byte:02X}" for byte in char.encode())
    return "".join(out)


def decode_set_value(text: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "~":
            raw.append(int(text[i + 1:i + 3], 16))
            i += 3
        else:
            raw.extend(text[i].encode())
            i += 1
    return raw.decode()


def _set_condition(spec: str):
    """The WHERE clause of a setSpec; None for a well-formed set we do not have."""
    if not _SET_SPEC.match(spec):
        raise OAIError("badArgument", f"set={spec!r} is not a setSpec")
    try:
        parts = [decode_set_value(p) for p in spec.split(":")]
    except (ValueError, UnicodeDecodeError):
        return None
    kind, values = parts[0], parts[1:]
    if kind == "body" and len(values) <= 1:
        return Document.body.is_not(None) if not values else Document.body == values[0]
    if kind == "type" and len(values) <= 1:
        return Document.doc_type.is_not(None) if not values else Document.doc_type == values[0]
    if kind == "session" and len(values) <= 2:
        conds = [Document.session.is_not(None)]
        if values:
            conds.append(Document.body == values[0])
        if len(values) == 2:
            conds.append(Document.session == values[1])
        return and_(*conds)
    return None


def _set_specs(body: str | None, doc_type: str | None, session: str | None) -> list[str]:
    specs = []
    if body:
        specs.append(f"body:{encode_set_value(body)}")
    if doc_type:
        specs.append(f"type:{encode_set_value(doc_type)}")
    if body and session:
        specs.append(f"session:{encode_set_value(body)}:{encode_set_value(session)}")
    return specs


def _has_sets(db: Session) -> bool:
    any_set = or_(Document.body.is_not(None), Document.doc_type.is_not(None))
    return db.scalar(select(Document.id).where(_visible(), any_set).limit(1)) \
        is not None


def list_sets(db: Session) -> list[tuple[str, str]]:
    """(setSpec, setName) of every set that holds at least one visible document."""
    visible = _visible()
    bodies = db.scalars(select(Document.body).where(visible, Document.body.is_not(None))
                        .distinct()).all()
    types = db.scalars(select(Document.doc_type).where(visible, Document.doc_type.is_not(None))
                       .distinct()).all()
    sessions = db.execute(select(Document.body, Document.session)
                          .where(visible, Document.body.is_not(None),
                                 Document.session.is_not(None)).distinct()).all()
    sets: list[tuple[str, str]] = []
    if bodies:
        sets.append(("body", "Documents by body"))
        sets += [(f"body:{encode_set_value(b)}", f"Body: {b}") for b in sorted(bodies)]
    if types:
        sets.append(("type", "Documents by type"))
        sets += [(f"type:{encode_set_value(t)}", f"Type: {t}") for t in sorted(types)]
    if sessions:
        sets.append(("session", "Documents by session"))
        for b in sorted({b for b, _ in sessions}):
            sets.append((f"session:{encode_set_value(b)}", f"Sessions of {b}"))
        sets += [(f"session:{encode_set_value(b)}:{encode_set_value(s)}", f"{b} session {s}")
                 for b, s in sorted(sessions)]
    return sets


# --- request parsing ------------------------------------------------------------------

@dataclass
class OAIRequest:
    verb: str | None = None
    args: dict[str, str] = field(default_factory=dict)


def parse_arguments(pairs: Sequence[tuple[str, str]]) -> OAIRequest:
    """Check verb and arguments against the protocol; raises OAIError (badVerb/badArgument)."""
    verbs = [v for k, v in pairs if k == "verb"]
    if not verbs:
        raise OAIError("badVerb", "the verb argument is missing")
    if len(verbs) > 1:
        raise OAIError("badVerb", "the verb argument is repeated")
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError("badVerb", f"{verb!r} is not an OAI-PMH verb")
    required, optional, exclusive = VERBS[verb]
    allowed = required | optional | ({exclusive} if exclusive else set())
    args: dict[str, str] = {}
    for key, value in pairs:
        if key == "verb":
            continue
        if key not in allowed:
            raise OAIError("badArgument", f"{key!r} is not an argument of {verb}")
        if key in args:
            raise OAIError("badArgument", f"the argument {key!r} is repeated")
        if value == "":
            raise OAIError("badArgument", f"the argument {key!r} is empty")
        if _NOT_XML.search(value):
            raise OAIError("badArgument", f"the argument {key!r} holds characters XML cannot carry")
        args[key] = value
    if exclusive and exclusive in args:
        if len(args) > 1:
            others = ", ".join(sorted(k for k in args if k != exclusive))
            raise OAIError("badArgument", f"{exclusive} is exclusive; also given: {others}")
    else:
        missing = sorted(required - set(args))
        if missing:
            raise OAIError("badArgument", f"{verb} requires {', '.join(missing)}")
    return OAIRequest(verb, args)


# --- response building ----------------------------------------------------------------

def _envelope(settings: Settings, request: OAIRequest | None) -> etree._Element:
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(XSI_LOC, f"{OAI_NS} {OAI_SCHEMA}")
    etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = datestamp(
        dt.datetime.now(dt.UTC).replace(tzinfo=None))
    req = etree.SubElement(root, f"{{{OAI_NS}}}request")
    req.text = settings.base_url.rstrip("/") + "/oai"
    if request is not None:
        if request.verb:
            req.set("verb", request.verb)
        for key, value in request.args.items():
            req.set(key, value)
    return root


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str):
    el = etree.SubElement(parent, f"{{{OAI_NS}}}{name}", **attrs)
    if text is not None:
        el.text = text
    return el


def _header(parent: etree._Element, settings: Settings, row) -> None:
    attrs = {"status": "deleted"} if row.status == "deleted" else {}
    header = _sub(parent, "header", **attrs)
    _sub(header, "identifier", oai_identifier(settings, row.uid))
    _sub(header, "datestamp", datestamp(row.updated_at))
    for spec in _set_specs(row.body, row.doc_type, row.session):
        _sub(header, "setSpec", spec)


def _visible():
    """Harvested: published records, and withdrawn ones as deleted headers; never drafts
    nor drafts turned down at review (they were never published)."""
    return Document.status.not_in(UNPUBLISHED)


def _load_documents(db: Session, ids: list[int]) -> dict[int, Document]:
    if not ids:
        return {}
    docs = db.scalars(
        select(Document).where(Document.id.in_(ids)).options(
            selectinload(Document.symbols), selectinload(Document.versions),
            selectinload(Document.subjects), selectinload(Document.agenda_items),
            selectinload(Document.related), selectinload(Document.files))
    ).all()
    return {d.id: d for d in docs}


def _metadata_format(prefix: str, formats: dict[str, MetadataFormat]) -> MetadataFormat:
    fmt = formats.get(prefix)
    if fmt is None:
        raise OAIError("cannotDisseminateFormat",
                       f"metadataPrefix {prefix!r} is not offered (offered: {', '.join(formats)})")
    return fmt


def _earliest(db: Session) -> dt.datetime:
    value = db.scalar(select(func.min(Document.updated_at)).where(_visible()))
    return value or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _identify(root, settings: Settings, db: Session, req: OAIRequest, formats) -> None:
    ident = _sub(root, "Identify")
    _sub(ident, "repositoryName", "Hemicycle")
    _sub(ident, "baseURL", settings.base_url.rstrip("/") + "/oai")
    _sub(ident, "protocolVersion", "2.0")
    repo = repository_identifier(settings)
    _sub(ident, "adminEmail", settings.admin_email or f"admin@{repo}")
    _sub(ident, "earliestDatestamp", datestamp(_earliest(db)))
    _sub(ident, "deletedRecord", "persistent")
    _sub(ident, "granularity", GRANULARITY)
    description = _sub(ident, "description")
    oid = etree.SubElement(description, f"{{{OAI_ID_NS}}}oai-identifier",
                           nsmap={None: OAI_ID_NS})
    oid.set(XSI_LOC, f"{OAI_ID_NS} {OAI_ID_SCHEMA}")
    for name, text in (("scheme", "oai"), ("repositoryIdentifier", repo), ("delimiter", ":"),
                       ("sampleIdentifier", f"oai:{repo}:{'0' * 32}")):
        etree.SubElement(oid, f"{{{OAI_ID_NS}}}{name}").text = text


def _find(db: Session, settings: Settings, identifier: str) -> Document:
    uid = _uid_from_identifier(settings, identifier)
    doc = db.scalar(select(Document).where(Document.uid == uid, _visible()))
    if doc is None:
        raise OAIError("idDoesNotExist", f"no record {identifier!r} in this repository")
    return doc


def _list_metadata_formats(root, settings, db, req: OAIRequest, formats) -> None:
    offered = list(formats.values())
    if "identifier" in req.args:
        doc = _find(db, settings, req.args["identifier"])
        offered = [f for f in offered if f.supports(doc)]
        if not offered:
            raise OAIError("noMetadataFormats", f"no metadata format for {req.args['identifier']}")
    el = _sub(root, "ListMetadataFormats")
    for fmt in offered:
        mf = _sub(el, "metadataFormat")
        _sub(mf, "metadataPrefix", fmt.prefix)
        _sub(mf, "schema", fmt.schema)
        _sub(mf, "metadataNamespace", fmt.namespace)


def _list_sets(root, settings, db, req: OAIRequest, formats) -> None:
    sets = list_sets(db)
    if "resumptionToken" in req.args:
        # the whole list is always sent at once, so no token can be ours
        raise OAIError("badResumptionToken", "ListSets is never split; this token is not ours")
    if not sets:
        raise OAIError("noSetHierarchy", "this repository holds no sets yet")
    el = _sub(root, "ListSets")
    for spec, name in sets:
        s = _sub(el, "set")
        _sub(s, "setSpec", spec)
        _sub(s, "setName", name)


def _record(parent, settings, row, document, fmt: MetadataFormat) -> None:
    rec = _sub(parent, "record")
    _header(rec, settings, row)
    if row.status != "deleted":
        metadata = _sub(rec, "metadata")
        metadata.append(fmt.render(document, settings))


def _get_record(root, settings, db, req: OAIRequest, formats) -> None:
    fmt = _metadata_format(req.args["metadataPrefix"], formats)
    doc = _find(db, settings, req.args["identifier"])
    if not fmt.supports(doc):
        raise OAIError("cannotDisseminateFormat",
                       f"{req.args['identifier']} is not available as {fmt.prefix}")
    docs = _load_documents(db, [doc.id])
    _record(_sub(root, "GetRecord"), settings, doc, docs[doc.id], fmt)


def _list(root, settings: Settings, db: Session, req: OAIRequest, formats) -> None:
    verb = req.verb
    if "resumptionToken" in req.args:
        try:
            token = decode_token(settings.secret_key, req.args["resumptionToken"])
        except TokenError as exc:
            raise OAIError("badResumptionToken", str(exc)) from None
        if token.verb != verb:
            raise OAIError("badResumptionToken", f"this token continues {token.verb}, not {verb}")
        prefix, set_spec, from_, until = token.prefix, token.set_spec, token.from_, token.until
    else:
        token = None
        prefix = req.args["metadataPrefix"]
        set_spec, from_, until = req.args.get("set"), req.args.get("from"), req.args.get("until")
    fmt = _metadata_format(prefix, formats)
    conds = [_visible()]
    granularities = []
    if from_:
        start, g = _parse_datestamp("from", from_, end=False)
        conds.append(Document.updated_at >= start)
        granularities.append(g)
    if until:
        end, g = _parse_datestamp("until", until, end=True)
        conds.append(Document.updated_at <= end)
        granularities.append(g)
    if len(set(granularities)) > 1:
        raise OAIError("badArgument", "from and until must have the same granularity")
    if from_ and until and start > end:
        raise OAIError("badArgument", f"from ({from_}) is later than until ({until})")
    if set_spec:
        if token is None and not _has_sets(db):
            raise OAIError("noSetHierarchy", "this repository holds no sets yet")
        condition = _set_condition(set_spec)
        if condition is None:
            raise OAIError("noRecordsMatch", f"there is no set {set_spec!r}")
        conds.append(condition)
    page_size = RECORDS_PER_PAGE if verb == "ListRecords" else IDENTIFIERS_PER_PAGE
    query = select(Document.id, Document.uid, Document.updated_at, Document.status,
                   Document.body, Document.doc_type, Document.session).where(*conds)
    if token is not None:
        try:
            last = dt.datetime.strptime(token.last_datestamp, "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            raise OAIError("badResumptionToken", "resumption token is malformed") from None
        query = query.where(tuple_(Document.updated_at, Document.id) > tuple_(last, token.last_id))
        cursor, complete = token.cursor, token.complete_size
    else:
        cursor = 0
        complete = db.scalar(select(func.count()).select_from(Document).where(*conds)) or 0
    rows = db.execute(query.order_by(Document.updated_at, Document.id).limit(page_size + 1)).all()
    if not rows:
        if token is not None:
            raise OAIError("badResumptionToken", "this resumption token points past the list")
        raise OAIError("noRecordsMatch", "no records match the request")
    more = len(rows) > page_size
    rows = rows[:page_size]
    el = _sub(root, verb)
    if verb == "ListRecords":
        docs = _load_documents(db, [r.id for r in rows if r.status != "deleted"])
        for row in rows:
            _record(el, settings, row, docs.get(row.id), fmt)
    else:
        for row in rows:
            _header(el, settings, row)
    if more:
        last_row = rows[-1]
        next_token = PageToken(verb, prefix, set_spec, from_, until,
                               last_row.updated_at.strftime("%Y-%m-%dT%H:%M:%S"), last_row.id,
                               cursor + len(rows), complete)
        _sub(el, "resumptionToken", encode_token(settings.secret_key, next_token),
             completeListSize=str(complete), cursor=str(cursor))
    elif token is not None:
        # the last page of a list that was split: an empty token says "complete"
        _sub(el, "resumptionToken", completeListSize=str(complete), cursor=str(cursor))


HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list,
    "ListRecords": _list,
}


def handle_request(settings: Settings, pairs: Sequence[tuple[str, str]],
                   formats: dict[str, MetadataFormat] | None = None) -> bytes:
    """The OAI-PMH XML response (UTF-8 bytes) to a request given as argument pairs."""
    formats = formats if formats is not None else FORMATS
    try:
        request = parse_arguments(pairs)
    except OAIError as exc:
        # badVerb/badArgument: the request element carries the base URL only
        root = _envelope(settings, None)
        _sub(root, "error", exc.message, code=exc.code)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    root = _envelope(settings, request)
    try:
        with session_scope(settings.database_url) as db:
            HANDLERS[request.verb](root, settings, db, request, formats)
    except OAIError as exc:
        root = _envelope(settings, None if exc.code == "badArgument" else request)
        _sub(root, "error", exc.message, code=exc.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
