"""The places readers came from as small integer ids (``usage_places``).

Events and the counts by place carry a place's id instead of its country, region and
city names, so the rows that grow with the events (``usage_events``,
``usage_geo_daily``, ``usage_city_yearly``) stay short and group by one integer. Ids are
given out by ``process`` only, under its lock (``hemicycle.usage.process._exclusive``),
the next above the largest, in the same transaction as the events that use them. Id 0
is the unknown place (``ZZ``, no region, no city), made by the migration.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from hemicycle.usage.geo import UNKNOWN
from hemicycle.usage.models import UsagePlace

UNKNOWN_ID = 0
PlaceKey = tuple[str, str, str]  # country, region, city
UNKNOWN_KEY: PlaceKey = (UNKNOWN, "", "")


class PlaceIds:
    """Every known place's id, read once; new places added as a batch brings them."""

    def __init__(self, db) -> None:
        self.ids: dict[PlaceKey, int] = {
            (country, region, city): id_ for id_, country, region, city in db.execute(
                select(UsagePlace.id, UsagePlace.country, UsagePlace.region,
                       UsagePlace.city))}
        self.ids.setdefault(UNKNOWN_KEY, UNKNOWN_ID)
        self._next = max(self.ids.values()) + 1
        self._new: list[tuple[int, str, str, str]] = []

    def get(self, key: PlaceKey) -> int:
        """The place's id, given now (and written with ``save``) if it is new."""
        id_ = self.ids.get(key)
        if id_ is None:
            id_ = self.ids[key] = self._next
            self._next += 1
            self._new.append((id_, *key))
        return id_

    def save(self, db) -> None:
        """Write the places given an id since the last ``save`` (in the caller's
        transaction, with the rows that use them)."""
        if self._new:
            db.execute(insert(UsagePlace), [
                {"id": id_, "country": country, "region": region, "city": city}
                for id_, country, region, city in self._new])
            self._new = []
