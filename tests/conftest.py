"""The test harness: a throwaway PostgreSQL cluster with TimescaleDB and a Tansu broker, each
started once per session on a free port and stopped at the end; a fresh database per test."""

import asyncio
import importlib
import os
import pkgutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import anyio
import psycopg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from psycopg import sql

from chiso_core import db, topics
from chiso_core.access import agencies
from chiso_core.access.agencies import Permission
from chiso_core.catalog import Catalog, load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from tests.smtp_server import Mailbox, smtp_server

# Every module of anyio is imported here on the main thread: pytest rewrites anyio's modules (it has
# a pytest plugin), and anyio imports many lazily on first use, from a test client's thread. There,
# while another thread parses too, CPython 3.11.7 can fail to compile one ("AST constructor
# recursion depth mismatch", fixed upstream in 3.11.8). Naming some of them missed the next one.
_NOT_INSTALLED = ("anyio._backends._trio", "anyio.pytest_plugin")  # need trio, and a blocked plugin
for _module in pkgutil.walk_packages(anyio.__path__, "anyio."):
    if not _module.name.startswith(_NOT_INSTALLED):
        importlib.import_module(_module.name)

ROOT = Path(__file__).resolve().parents[1]
CATALOG_DIR = ROOT / "catalog"
_TEMPLATE = "chiso_template"


@pytest.fixture(scope="session")
def stack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stack")


@pytest.fixture(scope="session")
def postgres(stack_dir: Path) -> Iterator[EmbeddedPostgres]:
    cluster = EmbeddedPostgres(
        stack_dir / "pgdata", free_port(), stack_dir / "postgres.log", durable=False, jobs=False
    )
    with cluster:
        template = cluster.url.rsplit("/", 1)[0] + f"/{_TEMPLATE}"
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(_TEMPLATE)))
        db.migrate(template)
        with psycopg.connect(template) as conn, conn.transaction():
            catalog_store.load(conn, load_catalog(CATALOG_DIR))
        yield cluster
    cluster.destroy()


@pytest.fixture
def database_url(postgres: EmbeddedPostgres) -> str:
    """A fresh, migrated database for each test (cloned from the migrated template)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(_TEMPLATE)
            )
        )
    return postgres.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def kafka(stack_dir: Path) -> Iterator[EmbeddedBroker]:
    with EmbeddedBroker(free_port(), stack_dir / "tansu.log") as broker:
        yield broker


@pytest.fixture
async def bootstrap_servers(kafka: EmbeddedBroker) -> str:
    """The session broker with the chiso topics emptied: each test starts from nothing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap_servers)
    await admin.start()
    try:
        existing = [t for t in await admin.list_topics() if t in topics.ALL]
        if existing:
            await admin.delete_topics(existing)
            await asyncio.sleep(0.05)
    finally:
        await admin.close()
    return kafka.bootstrap_servers


@pytest.fixture
def service_env(bootstrap_servers: str, database_url: str) -> dict[str, str]:
    """Environment for running a service against this test's broker and database."""
    return {
        **os.environ,
        "CHISO_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "CHISO_DATABASE_URL": database_url,
        "CHISO_GROUP_ID": f"g-{uuid.uuid4().hex[:8]}",
        "CHISO_LOG_JSON": "false",
        "CHISO_BATCH_TIMEOUT_MS": "50",
        # One member of the group a process: the members of one join one after another (each
        # waits for its assignment), and the second's rebalance adds ~8 s to a start. Two a
        # process are tested where that is the point (tests/integration/test_consumers.py,
        # tests/e2e/test_one_writer.py).
        "CHISO_CONSUMERS": "1",
    }


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


AGENCY = "test_agency"


@pytest.fixture
async def agency_key(database_url: str) -> str:
    """An API key allowed every indicator in the whole country (`vn` and everything below), to
    report figures and to use the alerts API."""
    async with await psycopg.AsyncConnection.connect(database_url) as conn, conn.transaction():
        catalog = await catalog_store.read(conn)
        return await agencies.create(
            conn, catalog, AGENCY, ["vn"], sorted(catalog.indicators), list(Permission)
        )


@pytest.fixture
def auth(agency_key: str) -> dict[str, str]:
    """The headers that authenticate as the test agency."""
    return {"Authorization": f"Bearer {agency_key}"}


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A mail relay on loopback: what it accepted, and its port."""
    with smtp_server() as server:
        yield server
