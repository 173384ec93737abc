"""The catalog in the database: loading it (versioned, in one transaction) and reading it back."""

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg
import structlog
from psycopg import AsyncConnection, Connection, Cursor
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from chiso_core.catalog.models import Agency, Catalog, Indicator, Jurisdiction, Owners, Plan
from chiso_core.db import within

log = structlog.get_logger(__name__)


# Owners live in their own table (0012.owners.sql): a plan's content, and so its revision, is
# what it promises, not who answers for it.
_NOT_CONTENT: dict[str, object] = {
    "revision": True,
    "owners": True,
    "targets": {"__all__": {"owners"}},
}


def _body(model: Indicator | Jurisdiction | Plan | Agency) -> dict[str, object]:
    return model.model_dump(mode="json", exclude_none=True, exclude=_NOT_CONTENT)  # type: ignore[arg-type]


def _owner_rows(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    """(plan, target or '' for the plan's default, lead, supporting), as the file says."""
    named = [("", plan.owners)] + [(t.id, t.owners) for t in plan.targets]
    return [(plan.id, t, o.lead, list(o.supporting)) for t, o in named if o is not None]


def content_hash(plan: Plan) -> str:
    return hashlib.sha256(json.dumps(_body(plan), sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class LoadReport:
    indicators: int
    jurisdictions: int
    plans: dict[str, tuple[int, str]] = field(
        default_factory=dict
    )  # id → (revision, what happened)


def load(conn: Connection, catalog: Catalog) -> LoadReport:
    """Writes the catalog in the caller's transaction. Indicators and jurisdictions are replaced;
    a plan gets a new revision only when its content changed."""
    with conn.cursor() as cur:
        # first: a load waits here for another to commit, and services see a new version
        cur.execute("UPDATE catalog_version SET version = version + 1")
        _replace_reference(cur, catalog)
        plans = _revise_plans(cur, catalog.plans.values())
    return LoadReport(len(catalog.indicators), len(catalog.jurisdictions), plans)


def _replace_reference(cur: Cursor[Any], catalog: Catalog) -> None:
    """Indicators, jurisdictions, agencies and owners: the catalog's, in place of the stored."""
    cur.execute("DELETE FROM catalog_indicators")
    cur.executemany(
        "INSERT INTO catalog_indicators (code, body) VALUES (%s, %s)",
        [(i.code, Jsonb(_body(i))) for i in catalog.indicators.values()],
    )
    cur.execute("DELETE FROM catalog_jurisdictions")
    cur.executemany(
        "INSERT INTO catalog_jurisdictions (id, code, body) VALUES (%s, %s, %s)",
        [(j.id, j.code, Jsonb(_body(j))) for j in catalog.jurisdictions.values()],
    )
    cur.execute("DELETE FROM catalog_owners")
    cur.execute("DELETE FROM catalog_agencies")
    cur.executemany(
        "INSERT INTO catalog_agencies (id, body) VALUES (%s, %s)",
        [(a.id, Jsonb(_body(a))) for a in catalog.agencies.values()],
    )
    cur.executemany(
        "INSERT INTO catalog_owners (plan_id, target_id, lead, supporting) VALUES (%s, %s, %s, %s)",
        [row for plan in catalog.plans.values() for row in _owner_rows(plan)],
    )


def _revise_plans(cur: Cursor[Any], plans: Iterable[Plan]) -> dict[str, tuple[int, str]]:
    """Each plan's revision and what happened: a new revision only for changed content."""
    current = {
        plan_id: (revision, digest)
        for plan_id, revision, digest in cur.execute(
            "SELECT plan_id, revision, content_hash FROM plans_current"
        ).fetchall()
    }
    outcome: dict[str, tuple[int, str]] = {}
    for plan in plans:
        digest = content_hash(plan)
        revision, known = current.get(plan.id, (0, None))
        if digest == known:
            outcome[plan.id] = (revision, "unchanged")
            continue
        revision += 1
        cur.execute(
            "INSERT INTO catalog_plans (plan_id, revision, content_hash, body)"
            " VALUES (%s, %s, %s, %s)",
            (plan.id, revision, digest, Jsonb(_body(plan))),
        )
        cur.executemany(
            "INSERT INTO plan_targets (plan_id, revision, target_id, indicator_code,"
            " comparator, value, value_high, unit, due_year, quote)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            _target_rows(plan, revision),
        )
        outcome[plan.id] = (revision, "new" if revision == 1 else "revised")
    return outcome


def _target_rows(plan: Plan, revision: int) -> list[tuple[object, ...]]:
    """The plan's targets as plan_targets rows of that revision; a range's bounds in two columns."""
    return [
        (
            plan.id,
            revision,
            t.id,
            t.indicator,
            str(t.comparator),
            t.values[0] if t.values else t.value,
            t.values[1] if t.values else None,
            t.unit,
            t.due_year,
            t.quote,
        )
        for t in plan.targets
    ]


async def version(conn: AsyncConnection) -> int:
    """The catalog's version: raised by every load (see CatalogCache)."""
    row = await (await conn.execute("SELECT version FROM catalog_version")).fetchone()
    assert row is not None  # the migration writes the one row
    return int(row[0])


async def read(conn: AsyncConnection) -> Catalog:
    """The catalog as last loaded, each plan at its current revision."""
    indicators = await (await conn.execute("SELECT body FROM catalog_indicators")).fetchall()
    jurisdictions = await (await conn.execute("SELECT body FROM catalog_jurisdictions")).fetchall()
    plans = await (await conn.execute("SELECT revision, body FROM plans_current")).fetchall()
    agencies = await (await conn.execute("SELECT body FROM catalog_agencies")).fetchall()
    owners: dict[str, dict[str, Owners]] = {}
    for plan_id, target_id, lead, supporting in await (
        await conn.execute("SELECT plan_id, target_id, lead, supporting FROM catalog_owners")
    ).fetchall():
        owners.setdefault(plan_id, {})[target_id] = Owners(lead=lead, supporting=supporting)
    return Catalog(
        indicators={b["code"]: Indicator.model_validate(b) for (b,) in indicators},
        jurisdictions={b["id"]: Jurisdiction.model_validate(b) for (b,) in jurisdictions},
        plans={b["id"]: _with_owners(b, r, owners.get(b["id"], {})) for r, b in plans},
        agencies={b["id"]: Agency.model_validate(b) for (b,) in agencies},
    )


def _with_owners(body: dict[str, Any], revision: int, owners: dict[str, Owners]) -> Plan:
    targets = [{**t, "owners": owners.get(t["id"])} for t in body["targets"]]
    return Plan.model_validate(
        {**body, "revision": revision, "owners": owners.get(""), "targets": targets}
    )


class CatalogCache:
    """The catalog for a running service, so that a newly loaded plan revision is picked up
    without a restart: at most every `ttl` seconds, it asks the catalog's version and reads the
    catalog again only when a load raised it (reading ten thousand plans costs seconds of the
    event loop; asking, one round trip)."""

    def __init__(self, pool: AsyncConnectionPool, ttl: float = 30) -> None:
        self.pool = pool
        self.ttl = ttl
        self._catalog: Catalog | None = None
        self._version: int | None = None
        self._read_at = 0.0

    async def get(self) -> Catalog:
        """The catalog; while the database is away, the last one read (if any)."""
        if self._catalog is None or time.monotonic() - self._read_at > self.ttl:
            try:
                self._catalog, self._version = await within(self.pool, self._current)
            except (psycopg.Error, PoolTimeout):
                if self._catalog is None:
                    raise
                log.warning("catalog not refreshed; serving the last one read", exc_info=True)
            self._read_at = time.monotonic()
        assert self._catalog is not None  # read above, or its error raised
        return self._catalog

    async def _current(self, conn: AsyncConnection) -> tuple[Catalog, int]:
        # the version before the catalog: a load committed between the two reads is read
        # again next time, never kept under its own version unread
        now = await version(conn)
        if self._catalog is not None and now == self._version:
            return self._catalog, now
        return await read(conn), now
