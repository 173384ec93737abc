"""`chiso scoring rescore`: score the whole history again, e.g. after a new plan revision or
method version.

The scores of the revision before stay; the new ones are written beside them and published.
A score that comes out as stored is neither rewritten nor published again.
"""

from datetime import date

from chiso_core import topics
from chiso_core.catalog.store import read as read_catalog
from chiso_core.db import make_pool
from chiso_core.publisher import Publisher
from chiso_core.settings import ScoringSettings
from chiso_scoring import store
from chiso_scoring.scorer import score_points, to_message


async def rescore(settings: ScoringSettings, plan_id: str | None = None) -> int:
    """Re-scores every period of every series a plan (or every plan) targets; returns how
    many scores changed (written and published)."""
    async with make_pool(settings) as pool, Publisher(settings, "chiso-rescore") as publisher:
        async with pool.connection() as conn, conn.transaction():
            catalog = await read_catalog(conn)
            if plan_id is not None and plan_id not in catalog.plans:
                raise LookupError(f"no plan {plan_id!r} in the loaded catalog")
            plans = [catalog.plans[plan_id]] if plan_id else list(catalog.plans.values())
            every_series = {(p.jurisdiction, t.indicator) for p in plans for t in p.targets}
            wanted = {p.id for p in plans}
            await store.lock_series(conn, every_series)
            judged = [
                s
                async for chunk in store.read_series(conn, every_series)
                for s in score_points(chunk, catalog, date.today())[0]
                if s.plan_id in wanted
            ]
            scores = await store.upsert_scores(conn, judged)
        await publisher.publish(topics.SCORES, (to_message(s, catalog) for s in scores))
    return len(scores)
