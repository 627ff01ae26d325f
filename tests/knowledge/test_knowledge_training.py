"""Training sessions: capacity, waiting list or refusal, attendance, counts by audience,
and names forgotten after the retention period."""

from __future__ import annotations

import datetime as dt

import pytest

from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import training
from hemicycle.knowledge.training import TrainingError

SOON = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=7)


def _announce(db, slug="un-docs-101", capacity=2, waitlist=True, **extra):
    return training.announce(db, slug, topic="UN documentation: an introduction",
                             language="fr", starts_at=SOON, capacity=capacity, who="trainer",
                             place="Library, room L-201", waitlist=waitlist, **extra)


def test_capacity_waitlist_and_attendance(catalogue_settings):
    s = catalogue_settings
    with session_scope(s.database_url) as db:
        _announce(db)
    people = [("Ana", "ana@mission.example", "mission"), ("Li", "li@un.example", "un_staff"),
              ("Sam", "sam@uni.example", "academic")]
    with session_scope(s.database_url) as db:
        regs = [training.register(db, "un-docs-101", name=n, email=e, audience=a)
                for n, e, a in people]
        assert [r.status for r in regs] == ["registered", "registered", "waitlisted"]
        again = training.register(db, "un-docs-101", name="Ana", email="ANA@mission.example",
                                  audience="mission")
        assert again.id == regs[0].id  # the same person twice keeps one place
        ids = [r.id for r in regs]
    with session_scope(s.database_url) as db:
        training.cancel_registration(db, "un-docs-101", ids[1], "trainer")
    with session_scope(s.database_url) as db:
        session = training.session_by_slug(db, "un-docs-101")
        assert [r.status for r in session.registrations] == ["registered", "cancelled",
                                                             "registered"]
        assert training.places(session).left == 0
        training.mark_attendance(db, "un-docs-101", {ids[0]: True, ids[2]: False}, "trainer")
    with session_scope(s.database_url) as db:
        counts = {r["audience"]: r for r in training.counts_by_audience(db)}
        assert counts["mission"] == {"audience": "mission", "registered": 1, "waitlisted": 0,
                                     "attended": 1}
        assert counts["academic"]["registered"] == 1 and counts["academic"]["attended"] == 0
        assert counts["public"]["registered"] == 0


def test_full_session_without_waitlist_refuses(settings):
    with session_scope(settings.database_url) as db:
        _announce(db, capacity=1, waitlist=False)
        training.register(db, "un-docs-101", name="A", email="a@x.example", audience="public")
    with session_scope(settings.database_url) as db, pytest.raises(TrainingError) as full:
        training.register(db, "un-docs-101", name="B", email="b@x.example", audience="public")
    assert full.value.code == "full"


@pytest.mark.parametrize(("fields", "words"), [
    ({"email": "not-an-address"}, "e-mail"),
    ({"audience": "vip"}, "audience"),
    ({"name": ""}, "name"),
])
def test_bad_registrations(settings, fields, words):
    with session_scope(settings.database_url) as db:
        _announce(db)
    args = {"name": "A", "email": "a@x.example", "audience": "public"} | fields
    with session_scope(settings.database_url) as db, pytest.raises(TrainingError) as bad:
        training.register(db, "un-docs-101", **args)
    assert words in str(bad.value)


def test_bad_announcements(settings):
    with session_scope(settings.database_url) as db:
        for extra, words in (({"online_url": "javascript:alert(1)"}, "online link"),
                             ({"capacity": 0}, "capacity"), ({"place": ""}, "place or an")):
            args = {"capacity": 2} | extra
            with pytest.raises(TrainingError) as bad:
                training.announce(db, "x", topic="T", language="en", starts_at=SOON,
                                  who="t", place=args.get("place", "Room"),
                                  capacity=args["capacity"],
                                  online_url=args.get("online_url", ""))
            assert words in str(bad.value)


def test_personal_data_is_cleared_after_the_session(settings):
    with session_scope(settings.database_url) as db:
        _announce(db)
        training.register(db, "un-docs-101", name="Ana", email="ana@x.example",
                          audience="mission")
    later = SOON + dt.timedelta(days=settings.training_retention_days + 1)
    with session_scope(settings.database_url) as db:
        assert training.purge_personal(db, settings.training_retention_days, now=later) == 1
    with session_scope(settings.database_url) as db:
        reg = training.session_by_slug(db, "un-docs-101").registrations[0]
        assert (reg.name, reg.email, reg.audience) == ("", "", "mission")
        assert training.counts_by_audience(db)[0]["registered"] == 1
