"""The reporting calendar's open reminders that no verdict of the sweep speaks of any more, so
that nothing would ever resolve them: a target never reported that the catalog has since
dropped or renamed (or moved to another jurisdiction or indicator), a series whose indicator
the catalog no longer knows or whose cadence changed. Only the sweep judges the calendar of
every series (a batch of scores, only of some: lifecycle/pipeline.py), so such a reminder
resolves at the sweep that stops judging it, instead of firing at its owner for good. Pure: the
sweep reads the open reminders."""

from collections.abc import Container, Iterable, Iterator

from chiso_alerts.dispatch.audience import OWNER, owner_of
from chiso_alerts.lifecycle.transitions import Judged
from chiso_alerts.rules.lifecycle import AlertState, fingerprint
from chiso_alerts.rules.model import Severity, judged_now
from chiso_core.catalog.models import Catalog

# what advance() adds to a verdict's identity labels
_NOT_IDENTITY = ("severity", OWNER)


def orphaned(
    reminders: Iterable[AlertState], spoken: Container[str], catalog: Catalog
) -> Iterator[Judged]:
    """A verdict resolving each of `reminders` (open alerts) whose fingerprint is not among
    `spoken` (the fingerprints of the sweep's verdicts), one at a time: the sweep gives the
    event loop turns between them (chiso_core.turns)."""
    for alert in reminders:
        identity = {k: v for k, v in alert.labels.items() if k not in _NOT_IDENTITY}
        # labels not as advance() writes them are not taken apart: left as they are
        if alert.fingerprint in spoken or fingerprint(identity) != alert.fingerprint:
            continue
        verdict = judged_now(
            identity,
            Severity(alert.labels["severity"]),
            False,
            alert.annotations,
            alert.last_period,
            owner_of(alert.labels),
        )
        where = identity.get("jurisdiction", "")
        known = where in catalog.jurisdictions
        yield Judged(verdict, catalog.province_code(where) if known else where)
