"""Wiring of the scoring service: chiso.observations.v1 → TimescaleDB → chiso.scores.v1."""

from fastapi import FastAPI

from chiso_core import topics
from chiso_core.catalog.store import CatalogCache
from chiso_core.service import consumer_app
from chiso_core.settings import ScoringSettings
from chiso_scoring.pipeline import ScoringPipeline


def create_app(settings: ScoringSettings | None = None) -> FastAPI:
    settings = settings or ScoringSettings()
    return consumer_app(
        "scoring",
        topics.OBSERVATIONS,
        settings,
        lambda pool, broker: (
            ScoringPipeline(pool, broker, CatalogCache(pool, settings.catalog_ttl_s)).handle
        ),
    )
