"""The alerts service's HTTP API, one router per resource (alerts, silences, subscriptions,
the signed acknowledgement links), its handlers at module level taking their collaborators
from `app.state.wiring`."""

from chiso_alerts.api import alerts, links, silences, subscriptions

ROUTERS = (alerts.router, silences.router, subscriptions.router, links.router)
