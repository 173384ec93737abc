"""Wiring of the alerts service: chiso.scores.v1 → alert lifecycle → chiso.alerts.v1."""

from fastapi import FastAPI

from chiso_alerts.pipeline import AlertsPipeline
from chiso_core import topics
from chiso_core.service import consumer_app
from chiso_core.settings import AlertsSettings


def create_app(settings: AlertsSettings | None = None) -> FastAPI:
    return consumer_app(
        "alerts",
        topics.SCORES,
        settings or AlertsSettings(),
        lambda pool, publisher: (AlertsPipeline(pool, publisher).handle, []),
    )
