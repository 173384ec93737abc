"""The reporting calendar as the database computes it for dashboards (0012.owners.sql) is the
one chiso_core.timeliness computes: the same due dates and the same verdicts."""

import json
from datetime import UTC, date, datetime, timedelta

import psycopg

from chiso_core.catalog import Catalog
from chiso_core.catalog.models import Cadence
from chiso_core.timeliness import calendar, due_date, duties, periods, rates
from chiso_grafana.build import render
from tests.grafana_sql import prepare
from tests.unit.test_timeliness import indicator

VIETNAM = timedelta(hours=7)


def test_the_sql_due_date_is_the_python_one(database_url: str) -> None:
    cases = [
        (p, cadence, lag)
        for cadence in Cadence
        for p in periods(cadence, date(2023, 1, 1), date(2028, 12, 31))
        for lag in (0, 1, 15, 27, 28, 29, 30, 31, 59, 90, 183, 366)
    ]
    with psycopg.connect(database_url) as conn:
        found = conn.execute(
            "SELECT report_due_date(s, c, l) FROM unnest(%s::date[], %s::text[], %s::int[])"
            " WITH ORDINALITY u (s, c, l, n) ORDER BY n",
            (
                [p.start for p, _, _ in cases],
                [str(c) for _, c, _ in cases],
                [lag for _, _, lag in cases],
            ),
        ).fetchall()
    expected = [due_date(p, indicator(c, lag)) for p, c, lag in cases]
    assert [d for (d,) in found] == expected
    assert len(cases) > 1000


def test_the_calendar_view_judges_as_the_python_calendar(
    database_url: str, catalog: Catalog
) -> None:
    today = (datetime.now(UTC) + VIETNAM).date()
    usage = "online_public_service_usage"
    months = list(periods(Cadence.MONTH, date(today.year - 1, 1, 1), today))[:6]
    # on time, late by a day, on the due day, (missing), reported twice (the first counts)
    reported = {
        months[0]: [due_date(months[0], catalog.indicators[usage]) - timedelta(days=3)],
        months[1]: [due_date(months[1], catalog.indicators[usage]) + timedelta(days=1)],
        months[2]: [due_date(months[2], catalog.indicators[usage])],
        months[4]: [
            due_date(months[4], catalog.indicators[usage]) + timedelta(days=9),
            due_date(months[4], catalog.indicators[usage]) - timedelta(days=2),
        ],
    }
    with psycopg.connect(database_url) as conn:
        for period, days in reported.items():
            for revision, day in enumerate(days, 1):
                at = datetime(day.year, day.month, day.day, 23, 30) - VIETNAM  # late evening
                conn.execute(
                    "INSERT INTO observations (period_start, grain, jurisdiction_id,"
                    " indicator_code, revision, value, source, message_id, content_hash,"
                    " reported_at) VALUES (%s, 'month', 'khanh_hoa', %s, %s, 50, 't', %s,"
                    " '\\x00', %s)",
                    (period.start, usage, revision, f"{period}-{revision}", at.replace(tzinfo=UTC)),
                )
        # a figure rolled up from the communes is nobody's report
        conn.execute(
            "INSERT INTO observations (period_start, grain, jurisdiction_id, indicator_code,"
            " revision, value, source, message_id, content_hash, reported_at, derived) VALUES"
            " (%s, 'month', 'khanh_hoa', %s, 1, 50, 't', 'rolled', '\\x00', now(), true)",
            (months[3].start, usage),
        )
        view = conn.execute(
            "SELECT agency, indicator_code, jurisdiction_id, grain, period_start, timeliness"
            " FROM report_calendar"
        ).fetchall()
        dash = conn.execute(
            "SELECT agency_id, jurisdiction_id, due, on_time, late, missing FROM dash_timeliness"
        ).fetchall()

    received = {(usage, "khanh_hoa", p): min(days) for p, days in reported.items()}
    entries = calendar(
        duties(catalog.plans.values()),
        catalog.indicators,
        received,
        date(today.year - 1, 1, 1),
        today,
    )
    assert sorted(view) == sorted(
        (
            e.duty.agency,
            e.duty.indicator,
            e.duty.jurisdiction,
            str(catalog.indicators[e.duty.indicator].cadence),
            e.period.start,
            str(e.timeliness),
        )
        for e in entries
    )
    office = [
        e
        for e in entries
        if (e.duty.agency, e.duty.jurisdiction) == ("vp_ubnd_khanh_hoa", "khanh_hoa")
    ]
    assert [str(e.timeliness) for e in office[:5]] == [
        "on_time",
        "late",
        "on_time",
        "missing",
        "on_time",
    ]
    python_rates = {r.agency: r for r in rates(entries)}
    for agency, _, due, on_time, late, missing in dash:
        r = python_rates[agency]
        assert (due, on_time, late, missing) == (r.due, r.on_time, r.late, r.missing), agency
    assert any(row[0] == "nhnn_khanh_hoa" for row in view)  # every lead's duty is in it


def _queries_reading(views: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file / panel, SQL) of every built dashboard query that reads one of `views`."""
    found = []
    for name, text in render().items():
        for panel in json.loads(text).get("panels", []):
            for target in panel.get("targets", []):
                sql = target.get("rawSql", "")
                if any(v in sql for v in views):
                    found.append((f"{name} / {panel['title']}", sql))
    return found


def test_the_owner_and_timeliness_panels_read_as_grafana_reads(
    database_url: str, catalog: Catalog
) -> None:
    """Their SQL as built, interpolated as Grafana does, run as grafana_reader, in both
    languages: each answers, with rows for a seed plan, and due = on time + late + missing."""
    queries = _queries_reading(("dash_target_owners", "dash_timeliness"))
    assert len(queries) == 6  # scorecard, indicator detail and IOC overview, in two languages
    variables = {
        "plan": "khanh_hoa_nq57",
        "jurisdiction": "khanh_hoa",
        "indicator": "online_public_service_usage",
    }
    with psycopg.connect(database_url) as conn:
        owners = conn.execute(
            "SELECT lead_name_vi FROM dash_target_owners WHERE plan_id = 'khanh_hoa_nq57'"
            " AND target_id = 'online_public_service_usage_2030'"
        ).fetchone()
        conn.execute("SET ROLE grafana_reader")
        for where, raw in queries:
            name = "name_en" if ".en.json" in where else "name_vi"
            sql = prepare(
                raw,
                {**variables, "name": name},
                datetime.now(UTC) - timedelta(days=3650),
                datetime.now(UTC),
            )
            rows = conn.execute(sql).fetchall()
            if "dash_timeliness" in raw:
                assert rows, where
                assert all(r[1] == r[2] + r[3] + r[4] for r in rows), where
            elif "dash_scores_latest" not in raw:  # the scorecard table needs scores first
                assert rows, where
    assert owners == (catalog.agencies["vp_ubnd_khanh_hoa"].name_vi,)
