"""Who answers for an alert's target, in its notifications: the target's lead agency and the
owner's latest note (its explanation of the target's progress), carried as the annotations
`owner` and `owner_note` when known.

The seam for the owners of plan targets and their explanations, kept outside the alerts
service: the dispatcher takes an `OwnerLookup` (none: no owner fields) that answers, for the
(plan, target) pairs of a round, in the round's transaction."""

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, replace

from psycopg import AsyncConnection

from chiso_alerts.notify.payload import NotifiedAlert

OWNER = "owner"
OWNER_NOTE = "owner_note"
Target = tuple[str, str]  # (plan, target)


@dataclass(frozen=True)
class Owner:
    name: str  # the lead agency, as people call it
    note: str | None = None  # the owner's latest note on the target, when there is one


OwnerLookup = Callable[[AsyncConnection, Collection[Target]], Awaitable[Mapping[Target, Owner]]]


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
