"""Services as real processes, as they run in production, against the test's broker and database."""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chiso_devstack.embedded import free_port
from chiso_devstack.processes import ServiceProcess

StartService = Callable[..., ServiceProcess]


@pytest.fixture
def start_service(service_env: dict[str, str], tmp_path: Path) -> Iterator[StartService]:
    started: list[ServiceProcess] = []

    def start(name: str, *, wait: bool = True, **env: str) -> ServiceProcess:
        service = ServiceProcess(
            name,
            free_port(),
            {**service_env, "CHISO_GROUP_ID": f"{name}-{uuid.uuid4().hex[:8]}", **env},
            tmp_path / f"{name}-{len(started)}.log",
        )
        service.start()
        started.append(service)
        if wait:
            service.wait_ready()
        return service

    yield start
    for service in started:
        service.stop()
