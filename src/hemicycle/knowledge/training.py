"""Training sessions on UN documentation: announced by librarians, registered for by
delegates, staff and the public, attendance marked by staff, counted by audience.

Capacity is enforced inside the registering transaction (the session row is locked on
PostgreSQL; SQLite has one writer at a time): a full session puts people on its waiting
list, or refuses them when it has none. Cancelling a place gives it to the first person
waiting. Names and e-mails are cleared ``training_retention_days`` after the session;
the audience, status and attendance stay for the counts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.models import utcnow
from hemicycle.knowledge.audit import record_change
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.guides import check_language, check_slug
from hemicycle.knowledge.markup import url_scheme
from hemicycle.knowledge.models import TrainingRegistration, TrainingSession
from hemicycle.messages import Message

AUDIENCES = ("mission", "un_staff", "academic", "ngo", "media", "public")
MAX_CAPACITY = 10_000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class TrainingError(KnowledgeError):
    pass


def _text(value: str | None, name: str, limit: int, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise TrainingError("invalid-field", Message("kn.field_missing", "{name}: missing",
                                                     name=name))
    if len(text) > limit:
        raise TrainingError("invalid-field", Message(
            "kn.field_too_long", "{name}: at most {limit} characters", name=name, limit=limit))
    return text


def session_by_slug(db: Session, slug: str, *, lock: bool = False) -> TrainingSession:
    query = select(TrainingSession).where(TrainingSession.slug == slug)
    if lock:
        query = query.with_for_update()
    found = db.scalar(query.options(selectinload(TrainingSession.registrations)))
    if found is None:
        raise TrainingError("not-found", Message("kn.no_training_session",
                                                 "no training session {slug}", slug=repr(slug)))
    return found


def announce(db: Session, slug: str, *, topic: str, language: str, starts_at: dt.datetime,
             capacity: int, who: str, description: str = "", minutes: int = 60,
             place: str = "", online_url: str = "", waitlist: bool = True) -> TrainingSession:
    """Announce a session, or change an announced one (same slug)."""
    slug = check_slug(slug)
    topic = _text(topic, "topic", 300)
    language = check_language(language)
    place = _text(place, "place", 300, required=False)
    online_url = (online_url or "").strip()
    if online_url and url_scheme(online_url) not in ("http", "https"):
        raise TrainingError("invalid-field", Message(
            "kn.online_link", "online link: expected an http or https address"))
    if not place and not online_url:
        raise TrainingError("invalid-field", Message("kn.place_or_link",
                                                     "give a place or an online link"))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise TrainingError("invalid-field", Message("kn.capacity", "capacity: 1 to {limit}",
                                                     limit=MAX_CAPACITY))
    if not 15 <= minutes <= 8 * 60:
        raise TrainingError("invalid-field", Message("kn.minutes", "minutes: 15 to 480"))
    found = db.scalar(select(TrainingSession).where(TrainingSession.slug == slug))
    fields = {"topic": topic, "language": language, "starts_at": starts_at.replace(tzinfo=None),
              "capacity": capacity, "description": (description or "").strip()[:4000],
              "minutes": minutes, "place": place, "online_url": online_url[:500],
              "waitlist": waitlist}
    if found is None:
        found = TrainingSession(slug=slug, created_by=who, **fields)
        db.add(found)
        record_change(db, who, "training", slug, "announced")
    else:
        changed = {k: v for k, v in fields.items() if getattr(found, k) != v}
        for k, v in changed.items():
            setattr(found, k, v)
        if changed:
            record_change(db, who, "training", slug, "changed", fields=sorted(changed))
    db.flush()
    return found


def cancel_session(db: Session, slug: str, who: str) -> None:
    session = session_by_slug(db, slug)
    session.cancelled = True
    record_change(db, who, "training", slug, "cancelled")


@dataclass
class Places:
    capacity: int
    registered: int
    waitlisted: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.registered)


def places(session: TrainingSession) -> Places:
    regs = session.registrations
    return Places(session.capacity, sum(r.status == "registered" for r in regs),
                  sum(r.status == "waitlisted" for r in regs))


def upcoming(db: Session, *, language: str | None = None,
             now: dt.datetime | None = None) -> list[TrainingSession]:
    query = select(TrainingSession).where(TrainingSession.starts_at >= (now or utcnow()),
                                          TrainingSession.cancelled.is_(False))
    if language:
        query = query.where(TrainingSession.language == language)
    return list(db.scalars(query.options(selectinload(TrainingSession.registrations))
                           .order_by(TrainingSession.starts_at)))


def all_sessions(db: Session) -> list[TrainingSession]:
    return list(db.scalars(select(TrainingSession)
                           .options(selectinload(TrainingSession.registrations))
                           .order_by(TrainingSession.starts_at.desc())))


def register(db: Session, slug: str, *, name: str, email: str, audience: str,
             now: dt.datetime | None = None) -> TrainingRegistration:
    """Register one person: a place, the waiting list, or a refusal (TrainingError
    ``full``). The same e-mail twice gets the first registration back."""
    name = _text(name, "name", 200)
    email = (email or "").strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise TrainingError("invalid-field", Message("kn.email",
                                                     "e-mail: not an e-mail address"))
    if audience not in AUDIENCES:
        raise TrainingError("invalid-field", Message(
            "kn.audience", "audience {value}: expected one of {allowed}", value=repr(audience),
            allowed=", ".join(AUDIENCES)))
    session = session_by_slug(db, slug, lock=True)
    if session.cancelled:
        raise TrainingError("cancelled", Message("kn.session_cancelled",
                                                 "session {slug} was cancelled", slug=slug))
    if session.starts_at <= (now or utcnow()):
        raise TrainingError("past", Message("kn.session_started",
                                            "session {slug} has already started", slug=slug))
    same = next((r for r in session.registrations
                 if r.email == email and r.status != "cancelled"), None)
    if same is not None:
        return same
    taken = places(session)
    if taken.left:
        status = "registered"
    elif session.waitlist:
        status = "waitlisted"
    else:
        raise TrainingError("full", Message("kn.session_full", "session {slug} is full",
                                            slug=slug))
    registration = TrainingRegistration(session=session, name=name, email=email,
                                        audience=audience, status=status)
    db.add(registration)
    db.flush()
    return registration


def cancel_registration(db: Session, slug: str, registration_id: int, who: str) -> None:
    session = session_by_slug(db, slug, lock=True)
    reg = next((r for r in session.registrations if r.id == registration_id), None)
    if reg is None:
        raise TrainingError("not-found", Message(
            "kn.no_registration", "no registration {number} in {slug}",
            number=registration_id, slug=slug))
    was = reg.status
    reg.status = "cancelled"
    if was == "registered":
        waiting = [r for r in session.registrations if r.status == "waitlisted"]
        if waiting:
            waiting[0].status = "registered"
    record_change(db, who, "training", slug, "registration-cancelled", registration=reg.id)


def mark_attendance(db: Session, slug: str, attended: dict[int, bool], who: str) -> int:
    """Set who came (registration id -> came); returns how many changed."""
    session = session_by_slug(db, slug)
    changed = 0
    for reg in session.registrations:
        if reg.id in attended and reg.attended != attended[reg.id]:
            reg.attended = attended[reg.id]
            changed += 1
    unknown = set(attended) - {r.id for r in session.registrations}
    if unknown:
        raise TrainingError("not-found", Message(
            "kn.no_registration", "no registration {number} in {slug}", number=min(unknown),
            slug=slug))
    if changed:
        record_change(db, who, "training", slug, "attendance", changed=changed)
    return changed


def counts_by_audience(db: Session, *, since: dt.date | None = None,
                       until: dt.date | None = None) -> list[dict]:
    """Per audience: registered, waitlisted and attended, over sessions in the period."""
    query = (select(TrainingRegistration.audience, TrainingRegistration.status,
                    TrainingRegistration.attended, func.count())
             .join(TrainingSession, TrainingSession.id == TrainingRegistration.session_id)
             .where(TrainingSession.cancelled.is_(False)))
    if since:
        query = query.where(TrainingSession.starts_at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(TrainingSession.starts_at
                            < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    table = {a: {"audience": a, "registered": 0, "waitlisted": 0, "attended": 0}
             for a in AUDIENCES}
    for audience, status, attended, n in db.execute(
            query.group_by(TrainingRegistration.audience, TrainingRegistration.status,
                           TrainingRegistration.attended)):
        row = table.setdefault(audience, {"audience": audience, "registered": 0,
                                          "waitlisted": 0, "attended": 0})
        if status in ("registered", "waitlisted"):
            row[status] += n
        if attended:
            row["attended"] += n
    return list(table.values())


def purge_personal(db: Session, retention_days: int, now: dt.datetime | None = None) -> int:
    """Clear names and e-mails of sessions that ended ``retention_days`` ago."""
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    regs = list(db.scalars(select(TrainingRegistration).join(TrainingSession)
                           .where(TrainingSession.starts_at < cutoff,
                                  TrainingRegistration.email != "")))
    for reg in regs:
        reg.name, reg.email = "", ""
    if regs:
        record_change(db, "purge", "training", "*", "personal-data-cleared", count=len(regs))
    return len(regs)


_FILE_FIELDS = {"slug", "topic", "language", "starts_at", "capacity", "place", "online_url",
                "minutes", "waitlist", "description"}


def read_sessions(path) -> list[dict]:
    """The sessions of a YAML file, as keyword arguments of ``announce`` (checked for
    shape here; ``announce`` checks the values). Errors name the file and the session."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingError("invalid-field", f"{path}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TrainingError("invalid-field", f"{path}:{mark.line + 1 if mark else 1}: not "
                                             "readable as YAML") from None
    if not isinstance(data, list):
        raise TrainingError("invalid-field", f"{path}: expected a list of sessions")
    out = []
    for i, item in enumerate(data, 1):
        where = f"{path}: session {i}"
        if not isinstance(item, dict):
            raise TrainingError("invalid-field", f"{where}: expected field: value lines")
        unknown = sorted(set(item) - _FILE_FIELDS)
        if unknown:
            raise TrainingError("invalid-field", f"{where}: unknown field {unknown[0]!r}")
        missing = [k for k in ("slug", "topic", "language", "starts_at", "capacity")
                   if item.get(k) in (None, "")]
        if missing:
            raise TrainingError("invalid-field", f"{where}: {missing[0]}: missing")
        when = item["starts_at"]
        if isinstance(when, str):
            try:
                when = dt.datetime.fromisoformat(when)
            except ValueError:
                raise TrainingError("invalid-field", f"{where}: starts_at: expected "
                                                     "YYYY-MM-DDTHH:MM (UTC)") from None
        if not isinstance(when, dt.datetime):
            raise TrainingError("invalid-field", f"{where}: starts_at: expected a date and "
                                                 "a time (UTC)")
        for name in ("capacity", "minutes"):
            if name in item and (isinstance(item[name], bool)
                                 or not isinstance(item[name], int)):
                raise TrainingError("invalid-field", f"{where}: {name}: a whole number")
        fields = {k: v for k, v in item.items() if k in _FILE_FIELDS}
        fields["starts_at"] = when.astimezone(dt.UTC).replace(tzinfo=None) \
            if when.tzinfo else when
        fields["slug"] = str(fields["slug"])
        out.append(fields)
    return out
