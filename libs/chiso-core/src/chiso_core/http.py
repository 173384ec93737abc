"""What every service serves besides its own API: liveness, readiness, Prometheus metrics."""

from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from chiso_core import collector
from chiso_core.guards import BodySizeLimit
from chiso_core.settings import HttpSettings


def ops_router(ready: Callable[[], Awaitable[bool]]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: the broker (and database) answer",
        responses={503: {"description": "not ready: the broker or the database does not answer"}},
    )
    async def readyz(response: Response) -> dict[str, str]:
        if await ready():
            return {"status": "ready"}
        response.status_code = 503
        return {"status": "not ready"}

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router


def service_app(settings: HttpSettings, **kwargs: Any) -> FastAPI:
    """A FastAPI app whose /docs and /redoc pages load their scripts and styles from the service
    itself (agencies' networks often have no internet access, so no CDN), and whose every
    request body is limited to `max_body_bytes` before anything reads it."""
    app: FastAPI = FastAPIOffline(**kwargs)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def serve(app: FastAPI, settings: HttpSettings) -> None:
    """Runs the app until SIGINT/SIGTERM; the app's lifespan drains and closes its connections."""
    collector.tune()
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
