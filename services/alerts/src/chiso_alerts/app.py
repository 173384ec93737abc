"""Wiring of the alerts service: chiso.scores.v1 → alert lifecycle → chiso.alerts.v1; beside it
the stale sweep, the group dispatcher and the outbox sender, and the alerts API."""

import httpx
from fastapi import FastAPI
from psycopg_pool import AsyncConnectionPool

from chiso_alerts.acknowledge.link import ack_links
from chiso_alerts.api import ROUTERS
from chiso_alerts.api.wiring import Wiring
from chiso_alerts.dispatch.dispatcher import Dispatcher
from chiso_alerts.dispatch.escalate import Escalator
from chiso_alerts.lifecycle.context import Judging
from chiso_alerts.lifecycle.owners import Deadlines
from chiso_alerts.lifecycle.pipeline import AlertsPipeline
from chiso_alerts.lifecycle.sweep import Sweeper
from chiso_alerts.notify.delivery import Sender, outbox_backlog
from chiso_alerts.notify.owners import read_owners
from chiso_alerts.rules.params import load_params
from chiso_core import topics
from chiso_core.access.agencies import Permission
from chiso_core.access.auth import Authenticator
from chiso_core.catalog.store import CatalogCache
from chiso_core.problems import add_problem_handlers
from chiso_core.publisher import Publisher
from chiso_core.service import Loop, Parts, consumer_app
from chiso_core.settings import AlertsSettings


def create_app(settings: AlertsSettings | None = None) -> FastAPI:
    settings = settings or AlertsSettings()
    params = load_params(settings.alert_rules_file)  # a broken file stops the start, loudly

    def build(pool: AsyncConnectionPool, publisher: Publisher) -> Parts:
        catalog = CatalogCache(pool, settings.catalog_ttl_s)
        judging = Judging(
            pool, catalog, params, settings.external_url, settings.grafana_url is not None
        )
        # No redirects: a webhook must not be bounced to an address the check did not see.
        client = httpx.AsyncClient(
            timeout=settings.delivery_timeout_s, follow_redirects=False, trust_env=False
        )
        every = settings.dispatch_interval_s
        links = ack_links(settings)
        deadlines = Deadlines.of(settings)
        authenticate = Authenticator(pool, settings, Permission.ALERTS)
        return Parts(
            AlertsPipeline(pool, publisher, judging, deadlines).handle,
            ROUTERS,
            [
                Loop(
                    "stale-sweep",
                    settings.sweep_interval_s,
                    Sweeper(pool, publisher, judging, deadlines).run_once,
                ),
                Loop(
                    "dispatch",
                    every,
                    Dispatcher(pool, settings.external_url, links, read_owners).run_once,
                ),
                Loop("escalate", settings.escalate_interval_s, Escalator(pool, catalog).run_once),
                Loop("deliver", every, Sender(pool, settings, client).run_once),
                Loop("outbox-backlog", settings.lag_interval_s, outbox_backlog(pool)),
            ],
            key_check=authenticate.check,
            wiring=Wiring(pool, settings, catalog, authenticate),
        )

    app = consumer_app("alerts", topics.SCORES, settings, build)
    add_problem_handlers(app)
    return app
