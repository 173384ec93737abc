"""Wiring of the scoring service: chiso.observations.v1 → TimescaleDB → chiso.scores.v1."""

from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_core import topics
from chiso_core.access.agencies import Permission
from chiso_core.access.auth import Authenticator
from chiso_core.catalog.store import CatalogCache
from chiso_core.problems import add_problem_handlers
from chiso_core.publisher import Publisher
from chiso_core.service import Parts, consumer_app
from chiso_core.settings import ScoringSettings
from chiso_scoring.api import scores_router
from chiso_scoring.live import live_router
from chiso_scoring.pipeline import ScoringPipeline


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    ttl = settings.catalog_ttl_s

    def build(pool: AsyncConnectionPool, publisher: Publisher) -> Parts:
        catalog = CatalogCache(pool, ttl)
        reader = (
            None if settings.public_scorecards else Authenticator(pool, settings, Permission.READ)
        )
        routers = [scores_router(pool, catalog.get, reader), live_router(pool, catalog.get, reader)]
        pipeline = ScoringPipeline(pool, publisher, catalog, settings.scoring_lanes)
        return Parts(pipeline.handle, routers)

    app = consumer_app("scoring", topics.OBSERVATIONS, settings, build)
    add_problem_handlers(app)
    return app
