"""Wiring of the scoring service: chiso.observations.v1 → TimescaleDB → chiso.scores.v1."""

from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_core import topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.publisher import Publisher
from chiso_core.service import Parts, consumer_app
from chiso_core.settings import ScoringSettings
from chiso_scoring.api import scores_router
from chiso_scoring.pipeline import ScoringPipeline
from chiso_scoring.states import StateCache


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    ttl = settings.catalog_ttl_s

    def build(pool: AsyncConnectionPool, publisher: Publisher) -> Parts:
        catalog = CatalogCache(pool, ttl)
        return Parts(
            ScoringPipeline(pool, publisher, catalog, StateCache(settings.state_series)).handle,
            [scores_router(pool, catalog.get)],
        )

    return consumer_app("scoring", topics.OBSERVATIONS, settings, build)
