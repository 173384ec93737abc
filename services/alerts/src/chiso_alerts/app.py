"""Wiring of the alerts service: chiso.scores.v1 → alert lifecycle → chiso.alerts.v1, and the
alerts API."""

from fastapi import APIRouter, FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.api.routes import routers
from chiso_alerts.pipeline import AlertsPipeline
from chiso_core import topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.messaging import BatchHandler
from chiso_core.problems import add_problem_handlers
from chiso_core.publisher import Publisher
from chiso_core.service import consumer_app
from chiso_core.settings import AlertsSettings


def create_app(settings: AlertsSettings | None = None) -> FastAPI:
    settings = settings or AlertsSettings()

    def build(
        pool: AsyncConnectionPool, publisher: Publisher
    ) -> tuple[BatchHandler, list[APIRouter]]:
        catalog = CatalogCache(pool, settings.catalog_ttl_s)
        return AlertsPipeline(pool, publisher).handle, routers(pool, settings, catalog)

    app = consumer_app("alerts", topics.SCORES, settings, build)
    add_problem_handlers(app)
    return app
