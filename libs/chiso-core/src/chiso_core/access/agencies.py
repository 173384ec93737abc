"""Agencies and their keys in the database: created, rotated and revoked by `chiso agency`,
looked up by the services' APIs on every request."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from psycopg import AsyncConnection

from chiso_core.access import keys
from chiso_core.catalog import Catalog
from chiso_core.problems import Problem
from chiso_core.words import problems as say
from chiso_core.words import refusals


class Permission(StrEnum):
    """What an agency's keys may do."""

    REPORT = "report"  # send figures to ingest
    ALERTS = "alerts"  # read alerts, silence them, subscribe to notifications
    READ = "read"  # read scores and scorecards (unless they are published: see docs)


@dataclass(frozen=True)
class Agency:
    """Who sent a request, and what it may do, for which jurisdictions and indicators."""

    name: str
    key_id: str
    jurisdictions: tuple[str, ...]  # each with every unit below it
    indicators: tuple[str, ...]
    permissions: frozenset[Permission]

    def subtree(self, catalog: Catalog) -> frozenset[str]:
        """Every jurisdiction id the agency's scope covers."""
        return frozenset().union(*(catalog.subtree(j) for j in self.jurisdictions))

    def outside_jurisdictions(self, field: str, sent: str) -> Problem:
        """The refusal of a jurisdiction outside the scope, in every API's words."""
        text = say.outside_jurisdictions(sent, self.jurisdictions, None)
        return Problem(field=field, problem=text.both())

    def outside_indicators(self, field: str, sent: str) -> Problem:
        return Problem(field=field, problem=say.outside_indicators(sent, self.indicators).both())


class AgencyError(ValueError):
    """Why `chiso agency` refuses, in words.refusals' "<tiếng Việt> / <English>"."""


EVERY_INDICATOR = "*"


def check_scope(catalog: Catalog, jurisdictions: list[str], indicators: list[str]) -> None:
    unknown_jurisdictions = [j for j in jurisdictions if j not in catalog.jurisdictions]
    unknown_indicators = [i for i in indicators if i not in catalog.indicators]
    if unknown_jurisdictions or unknown_indicators:
        raise AgencyError(refusals.scope_not_loaded(unknown_jurisdictions, unknown_indicators))
    if not jurisdictions or not indicators:
        raise AgencyError(refusals.AGENCY_WITHOUT_SCOPE)


async def _issue(conn: AsyncConnection, agency: str) -> str:
    key = keys.new_key()
    await conn.execute(
        "INSERT INTO agency_keys (key_id, agency, secret_hash) VALUES (%s, %s, %s)",
        (key.key_id, agency, key.secret_hash),
    )
    return key.token


async def create(
    conn: AsyncConnection,
    catalog: Catalog,
    name: str,
    jurisdictions: list[str],
    indicators: list[str],
    permissions: Sequence[Permission] = (Permission.REPORT,),
) -> str:
    """A new agency and its first key; returns the key, which is not stored anywhere. The
    indicator `*` stands for every indicator of the loaded catalog (an IOC-wide key)."""
    if EVERY_INDICATOR in indicators:
        indicators = sorted(catalog.indicators)
    check_scope(catalog, jurisdictions, indicators)
    if not permissions:
        raise AgencyError(refusals.AGENCY_WITHOUT_PERMISSION)
    cur = await conn.execute(
        "INSERT INTO agencies (name, jurisdictions, indicators, permissions)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (name) DO NOTHING",
        (name, jurisdictions, indicators, sorted(set(permissions))),
    )
    if cur.rowcount == 0:
        raise AgencyError(refusals.agency_exists(name))
    return await _issue(conn, name)


async def revoke(conn: AsyncConnection, name: str) -> list[str]:
    """Revokes every key of the agency; returns their ids."""
    if not await (await conn.execute("SELECT 1 FROM agencies WHERE name = %s", (name,))).fetchone():
        raise AgencyError(refusals.no_agency(name))
    cur = await conn.execute(
        "UPDATE agency_keys SET revoked_at = now() WHERE agency = %s AND revoked_at IS NULL"
        " RETURNING key_id",
        (name,),
    )
    return [r[0] for r in await cur.fetchall()]


async def rotate(conn: AsyncConnection, name: str) -> tuple[str, list[str]]:
    """A new key for the agency, its old keys revoked: (new key, revoked ids)."""
    revoked = await revoke(conn, name)
    return await _issue(conn, name), revoked


async def find(conn: AsyncConnection, key_id: str) -> tuple[bytes, Agency] | None:
    """(secret hash, agency) of a key that is not revoked."""
    cur = await conn.execute(
        "SELECT k.secret_hash, a.name, a.jurisdictions, a.indicators, a.permissions"
        "  FROM agency_keys k JOIN agencies a ON a.name = k.agency"
        " WHERE k.key_id = %s AND k.revoked_at IS NULL",
        (key_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    secret_hash, name, jurisdictions, indicators, permissions = row
    agency = Agency(
        name,
        key_id,
        tuple(jurisdictions),
        tuple(indicators),
        frozenset(Permission(p) for p in permissions),
    )
    return bytes(secret_hash), agency
