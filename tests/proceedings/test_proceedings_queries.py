"""The read side on both catalogues: every query over the session-70 sample agrees with
the others and with the source file (SQL differs between SQLite and PostgreSQL)."""

from __future__ import annotations

import collections

from proceedings_helpers import VOTES70, read_csv

from hemicycle.catalogue.db import session_scope
from hemicycle.proceedings import exports, queries
from hemicycle.proceedings.importers.ga import import_ga


def test_queries_agree_with_each_other_and_the_file(catalogue_settings, ga70):
    import_ga(catalogue_settings, ga70)
    source = collections.defaultdict(dict)
    for v in read_csv(VOTES70):
        source[v["country_code"]][v["rcid"]] = v["vote"]
    with session_scope(catalogue_settings.database_url) as db:
        fra = queries.state(db, "FRA")
        history = queries.state_history(db, fra.id)
        cast = [h for h in history if h["vote"] in ("yes", "no", "abstain")]
        assert len(cast) == len(source["FR"])
        assert all(h["date"].startswith("2015") or h["date"].startswith("2016")
                   for h in history)
        assert [h["record"] for h in history] == sorted(h["record"] for h in history)
        dates = [h["date"] for h in history]
        assert dates == sorted(dates)  # record order is date order
        hr = queries.state_history(db, fra.id, issue="hr")
        assert 0 < len(hr) < len(history)
        gbr = queries.state(db, "GBR")
        over_time = queries.agreement_over_time(db, fra.id, gbr.id)
        both = [r for r in source["FR"] if r in source["GB"]]
        same = sum(1 for r in both if source["FR"][r] == source["GB"][r])
        assert over_time == [{"session": 70, "both_voted": len(both), "same": same,
                              "agreement": round(same / len(both), 4)}]
        matrix = queries.agreement_matrix(db, 70)
        i, j = matrix["states"].index("FRA"), matrix["states"].index("GBR")
        assert matrix["agreement"][i][j] == matrix["agreement"][j][i] == over_time[0][
            "agreement"]
        assert matrix["agreement"][i][i] == 1.0
        grid = queries.session_matrix(db, 70)
        row = next(s for s in grid["states"] if s["state"] == "FRA")
        letters = collections.Counter(v for v in row["votes"] if v in "YNA" and v)
        expected = collections.Counter({"yes": "Y", "no": "N", "abstain": "A"}[v]
                                       for v in source["FR"].values())
        assert letters == expected
        total, records = queries.list_records(db, session_no=70, issue="hr", per_page=500)
        assert total == len(records) > 0 and all(r["session"] == 70 for r in records)
        rows = list(exports.vote_rows(db, session_no=70, state="FRA"))
        assert collections.Counter(r["vote"] for r in rows if r["vote"] != "X") == expected
