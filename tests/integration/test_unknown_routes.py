"""The framework's own refusals, no route at a path (404) and a method a path does not take
(405), answered by each of the three services as every other refusal: in the one error shape,
Vietnamese first, the 405 with its `Allow` header. Each service is its app as `create_app` wires
it, served by uvicorn on a port of its own and asked over HTTP."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from chiso_alerts.app import create_app as alerts_app
from chiso_core.settings import AlertsSettings, ScoringSettings
from chiso_devstack.embedded import free_port
from chiso_scoring.app import create_app as scoring_app
from tests.integration.conftest import make_app
from tests.integration.test_refusals_vietnamese_first import (
    LANGUAGES,
    texts,
    vietnamese_first,
)


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on a free port of loopback, its lifespan run, until the block ends."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the app stopped while starting"
        assert time.monotonic() < deadline, "the app did not start within 30 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


# A path each service serves, a method it does not take there, and the methods it does.
_NOT_TAKEN = {
    "ingest": ("PUT", "/v1/observations", "POST"),
    "scoring": ("POST", "/v1/scorecard", "GET"),
    "alerts": ("DELETE", "/v1/alerts", "GET"),
}


def _app(service: str, bootstrap_servers: str, database_url: str) -> FastAPI:
    if service == "ingest":
        return make_app(bootstrap_servers, database_url)
    settings: dict[str, Any] = {
        "kafka_bootstrap_servers": bootstrap_servers,
        "database_url": database_url,
        "http_port": free_port(),
        "group_id": f"unknown-routes-{service}",
        "log_json": False,
    }
    if service == "scoring":
        return scoring_app(ScoringSettings(**settings))
    return alerts_app(AlertsSettings(**settings))


@pytest.mark.parametrize("service", list(_NOT_TAKEN))
def test_an_unknown_path_and_a_method_not_taken_are_refused_vietnamese_first(
    bootstrap_servers: str, database_url: str, auth: dict[str, str], service: str
) -> None:
    method, path, allowed = _NOT_TAKEN[service]
    app = _app(service, bootstrap_servers, database_url)
    with served(app) as url, httpx.Client(base_url=url, headers=auth) as client:
        for language in LANGUAGES:
            unknown = client.get("/v1/no/such/path", headers=language)
            not_taken = client.request(method, path, headers=language)

            assert unknown.status_code == 404, unknown.text
            assert unknown.headers["content-type"] == "application/json"
            assert all(vietnamese_first(t) for t in texts(unknown)), unknown.text
            [problem] = unknown.json()["problems"]
            assert problem == {
                "field": "path",
                "problem": "API này không có đường dẫn '/v1/no/such/path' / this API has no path "
                "'/v1/no/such/path'",
            }

            assert not_taken.status_code == 405, not_taken.text
            assert not_taken.headers["allow"] == allowed
            assert all(vietnamese_first(t) for t in texts(not_taken)), not_taken.text
            [problem] = not_taken.json()["problems"]
            assert problem["field"] == "method"
            assert problem["problem"].startswith(
                f"'{path}' không nhận phương thức {method}, chỉ nhận {allowed} / "
            ), problem


def test_a_long_unknown_path_is_echoed_in_part(bootstrap_servers: str, database_url: str) -> None:
    """The refusal names the path, not the whole of a hostile one."""
    long = "/v1/" + "x" * 5000
    with served(make_app(bootstrap_servers, database_url)) as url:
        unknown = httpx.get(url + long)
    assert unknown.status_code == 404
    [problem] = unknown.json()["problems"]
    assert long[:200] in problem["problem"]
    assert len(problem["problem"]) < 500
