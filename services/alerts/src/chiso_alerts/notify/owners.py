"""Who answers for an alert's target, in its notifications: the target's lead agency and the
owner's latest note (its explanation of the target's progress), carried as the annotations
`owner` and `owner_note` when known.

The dispatcher takes an `OwnerLookup` (none: no owner fields) that answers, for the (plan,
target) pairs of a round, in the round's transaction; `read_owners` reads them from the catalog's
owners (`target_owners`, migration 0012) and the owners' explanations."""

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, replace

from psycopg import AsyncConnection

from chiso_alerts.notify.payload import NotifiedAlert
from chiso_core.words.labels import EXPLANATION, VI
from chiso_core.words.vietnamese import period

OWNER = "owner"
OWNER_NOTE = "owner_note"
Target = tuple[str, str]  # (plan, target)


@dataclass(frozen=True)
class Owner:
    name: str  # the lead agency, as people call it
    note: str | None = None  # the owner's latest note on the target, when there is one


OwnerLookup = Callable[[AsyncConnection, Collection[Target]], Awaitable[Mapping[Target, Owner]]]


_OWNERS = """
    SELECT o.plan_id, o.target_id, coalesce(a.body ->> 'name_vi', o.lead),
           e.period, e.done, e.difficulties, e.next_actions
      FROM target_owners o
      JOIN unnest(%s::text[], %s::text[]) AS k(plan_id, target_id)
        ON k.plan_id = o.plan_id AND k.target_id = o.target_id
      LEFT JOIN catalog_agencies a ON a.id = o.lead
      LEFT JOIN target_explanations_latest e
        ON e.plan_id = o.plan_id AND e.target_id = o.target_id
"""


async def read_owners(conn: AsyncConnection, targets: Collection[Target]) -> dict[Target, Owner]:
    """Each target's lead agency and its latest explanation, or the words saying none was
    given (a leader reads that the owner has not explained, not an empty field)."""
    if not targets:
        return {}
    plans, ids = zip(*targets, strict=True)
    rows = await (await conn.execute(_OWNERS, [list(plans), list(ids)])).fetchall()
    return {(plan, target): Owner(lead, _note(*said)) for plan, target, lead, *said in rows}


def _note(when: str | None, done: str, difficulties: str, next_actions: str) -> str:
    words = EXPLANATION[VI]
    if when is None:
        return words["none"]
    parts = (("done", done), ("difficulties", difficulties), ("next_actions", next_actions))
    return f"{period(when)}: " + "; ".join(f"{words[k]}: {text}" for k, text in parts)


def target_of(alert: NotifiedAlert) -> Target | None:
    plan, target = alert.labels.get("plan"), alert.labels.get("target")
    return None if plan is None or target is None else (plan, target)


def with_owner(alert: NotifiedAlert, owners: Mapping[Target, Owner]) -> NotifiedAlert:
    """The alert with its target's owner (and the owner's latest note) as annotations."""
    target = target_of(alert)
    found = None if target is None else owners.get(target)
    if found is None:
        return alert
    extra = {OWNER: found.name} | ({OWNER_NOTE: found.note} if found.note else {})
    return replace(alert, annotations={**alert.annotations, **extra})
