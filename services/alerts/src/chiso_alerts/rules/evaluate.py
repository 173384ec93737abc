"""Every rule's verdict on one series after its latest scored period."""

from datetime import date

from chiso_alerts.rules.drift import drift
from chiso_alerts.rules.model import Names, SeriesKey, Verdict
from chiso_alerts.rules.params import RuleParams
from chiso_alerts.rules.projection import projection
from chiso_alerts.rules.stale import stale
from chiso_alerts.rules.status import status
from chiso_alerts.rules.window import Window
from chiso_core.catalog.models import Cadence


def evaluate(
    key: SeriesKey,
    window: Window,
    params: RuleParams,
    cadence: Cadence,
    today: date,
    names: Names,
) -> list[Verdict]:
    """Status, drift, projection and stale verdicts, in that order. The stale one is judged
    here too, so that a new score resolves a stale alert without waiting for the sweep."""
    last_end = window[-1].period.end if window else None
    return [
        status(key, window, params, names),
        drift(key, window, params, names),
        projection(key, window, params, names),
        stale(key, last_end, cadence, params, today, names),
    ]
