"""What judging a batch needs beside the scores: the catalog (names, cadences, the jurisdiction
tree), the rule parameters, the subscriptions, and today's date in Việt Nam."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from psycopg_pool import AsyncConnectionPool

from chiso_alerts.dispatch.store import load_subscriptions
from chiso_alerts.dispatch.timing import VIETNAM
from chiso_alerts.lifecycle import transitions
from chiso_alerts.rules.model import Names, SeriesKey
from chiso_alerts.rules.params import ParamsBook
from chiso_core.catalog.models import Cadence, Catalog, Target
from chiso_core.catalog.store import CatalogCache
from chiso_core.words import vietnamese

# The service's clock, the batches' and the sweep's alike: a test sets one for both.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BatchContext:
    catalog: Catalog
    params: ParamsBook
    today: date
    lifecycle: transitions.Context

    # A code the catalog no longer knows (a plan edited since it was scored) is judged monthly
    # and called by its code rather than stopping the partition.
    def cadence(self, indicator: str) -> Cadence:
        known = self.catalog.indicators.get(indicator)
        return Cadence.MONTH if known is None else known.cadence

    def rule_names(self, key: SeriesKey) -> Names:
        known = self.catalog.indicators.get(key.indicator)
        target = self._target(key)
        return Names(
            indicator=key.indicator if known is None else known.name_vi,
            jurisdiction=self.jurisdiction_name(key.jurisdiction),
            unit="" if known is None else known.unit,
            # a target the catalog no longer knows by its code, and the due year the score gave
            target=f"{key.target_id} vào năm {key.due_year}"
            if target is None
            else vietnamese.target_by(
                target.comparator, target.value, target.values, target.unit, target.due_year
            ),
        )

    def _target(self, key: SeriesKey) -> Target | None:
        plan = self.catalog.plans.get(key.plan_id)
        return (
            None if plan is None else next((t for t in plan.targets if t.id == key.target_id), None)
        )

    def owner(self, key: SeriesKey) -> str | None:
        """The target's lead agency (its own owners, else its plan's); None when the catalog no
        longer knows the target."""
        plan, target = self.catalog.plans.get(key.plan_id), self._target(key)
        owners = None if plan is None or target is None else plan.owners_of(target)
        return None if owners is None else owners.lead

    def jurisdiction_name(self, jurisdiction: str) -> str:
        unit = self.catalog.jurisdictions.get(jurisdiction)
        return jurisdiction if unit is None else unit.name_vi


class Judging:
    def __init__(
        self,
        pool: AsyncConnectionPool,
        catalog: CatalogCache,
        params: ParamsBook,
        external_url: str,
        annotate_grafana: bool,
    ) -> None:
        self.pool, self.catalog, self.params = pool, catalog, params
        self.external_url, self.annotate_grafana = external_url, annotate_grafana

    async def context(self, now: datetime) -> BatchContext:
        catalog = await self.catalog.get()
        async with self.pool.connection() as conn:
            subscriptions = await load_subscriptions(conn)
        return BatchContext(
            catalog,
            self.params,
            now.astimezone(VIETNAM).date(),
            transitions.Context(
                subscriptions,
                lambda child, ancestor: child in catalog.subtree(ancestor),
                self.external_url,
                self.annotate_grafana,
            ),
        )
