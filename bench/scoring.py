"""Sustained throughput of the scoring service (published to the broker → scored rows committed
in TimescaleDB), against (a) a raw COPY of the same rows into the hypertable and (b) a naive
consumer doing one INSERT and one commit per message (on a sample), in one run.

The workload: communes that each carry a plan with two targets, reporting monthly, month by
month — the order in which agencies push. Prints one JSON line. Not part of the test run:
`make bench-scoring`.
"""

import argparse
import asyncio
import itertools
import json
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from google.protobuf.message import Message
from psycopg import sql

from chiso_core import db, topics
from chiso_core.catalog import load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from chiso_devstack.processes import ServiceProcess

REPO_CATALOG = Path(__file__).resolve().parents[1] / "catalog"
INDICATORS = ("online_public_service_usage", "cashless_transaction_share")


def write_catalog(folder: Path, communes: int) -> Path:
    """The repository's indicators, one province, `communes` communes with a plan each."""
    (folder / "plans").mkdir(parents=True)
    indicators = yaml.safe_load((REPO_CATALOG / "indicators.yaml").read_text(encoding="utf-8"))
    (folder / "indicators.yaml").write_text(
        yaml.safe_dump([i for i in indicators if i["code"] in INDICATORS], allow_unicode=True)
    )
    units: list[dict[str, Any]] = [
        {
            "id": "vn",
            "name_vi": "Việt Nam",
            "name_en": "Viet Nam",
            "level": "country",
            "source": "bench",
        },
        {
            "id": "p",
            "name_vi": "Tỉnh",
            "name_en": "Province",
            "level": "province",
            "parent": "vn",
            "source": "bench",
        },
    ]
    for c in range(communes):
        units.append(
            {
                "id": f"c{c}",
                "name_vi": f"Xã {c}",
                "name_en": f"Commune {c}",
                "level": "commune",
                "parent": "p",
                "source": "bench",
            }
        )
        plan = {
            "id": f"plan_c{c}",
            "title": "Kế hoạch",
            "issuing_body": "Đảng ủy xã",
            "jurisdiction": f"c{c}",
            "source_file": "bench.txt",
            "targets": [
                {
                    "id": f"{i}_2030",
                    "indicator": i,
                    "comparator": "gte",
                    "value": 80,
                    "unit": "percent",
                    "due_year": 2030,
                    "quote": "80%",
                }
                for i in INDICATORS
            ],
        }
        (folder / "plans" / f"plan_c{c}.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True))
    (folder / "jurisdictions.yaml").write_text(yaml.safe_dump(units, allow_unicode=True))
    return folder


def observations(n: int, communes: int) -> Iterator[tuple[bytes, observation_pb2.Observation]]:
    """Month by month from 2018, every commune and indicator once a month (ratios with parts)."""
    series = [(f"c{c}", i) for c in range(communes) for i in INDICATORS]
    for k in range(n):
        jurisdiction, indicator = series[k % len(series)]
        month = k // len(series)
        denominator = 1000.0
        numerator = float(300 + (month * 7 + k) % 600)
        msg = observation_pb2.Observation(
            meta=new_meta("bench"),
            indicator_code=indicator,
            jurisdiction_id=jurisdiction,
            province_code="p",
            period=Period(
                2018 + month // 12, month % 12 + 1, Period.parse("2018-01").grain
            ).to_proto(),
            value=numerator / denominator * 100,
            numerator=numerator,
            denominator=denominator,
            source="bench",
        )
        msg.reported_at.FromDatetime(datetime.now(UTC))
        yield topics.message_key("p", indicator), msg


async def publish(bootstrap: str, items: Iterable[tuple[bytes, Message]]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=1 << 20
    )
    await producer.start()
    try:
        pending = []
        for key, msg in items:
            pending.append(
                await producer.send(topics.OBSERVATIONS, msg.SerializeToString(), key=key)
            )
            if len(pending) >= 10_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()
        return int(row[0]) if row else 0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def fresh_database(pg: EmbeddedPostgres, name: str) -> str:
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = pg.url.rsplit("/", 1)[0] + f"/{name}"
    db.migrate(url)
    return url


COLUMNS = (
    "period_start", "grain", "jurisdiction_id", "indicator_code", "revision", "value",
    "numerator", "denominator", "source", "message_id", "content_hash", "reported_at",
)  # fmt: skip


def row(m: observation_pb2.Observation) -> tuple[object, ...]:
    """An observation as the hypertable stores it (COLUMNS, in order): first revision."""
    return (
        Period.from_proto(m.period).start,
        "month",
        m.jurisdiction_id,
        m.indicator_code,
        1,
        m.value,
        m.numerator,
        m.denominator,
        m.source,
        m.meta.message_id,
        uuid.uuid4().bytes,
        datetime.now(UTC),
    )


def names(columns: tuple[str, ...]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def copy_rows(url: str, n: int, communes: int) -> float:
    """Raw COPY of the same rows into the hypertable; rows per second."""
    rows = [row(m) for _, m in observations(n, communes)]
    started = time.perf_counter()
    statement = sql.SQL("COPY observations ({}) FROM STDIN").format(names(COLUMNS))
    with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(statement) as copy:
        for values in rows:
            copy.write_row(values)
    return n / (time.perf_counter() - started)


async def naive(bootstrap: str, url: str, sample: int) -> float:
    """One INSERT and one commit per consumed message; messages per second."""
    consumer = AIOKafkaConsumer(
        topics.OBSERVATIONS,
        bootstrap_servers=bootstrap,
        group_id=f"naive-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    insert = sql.SQL("INSERT INTO observations ({}) VALUES ({})").format(
        names(COLUMNS), sql.SQL(", ").join(sql.Placeholder() * len(COLUMNS))
    )
    done = 0
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            while done < sample:
                for records in (await consumer.getmany(timeout_ms=500, max_records=1)).values():
                    for r in records:
                        m = observation_pb2.Observation.FromString(r.value or b"")
                        conn.execute(insert, row(m))
                        await consumer.commit()
                        done += 1
            return done / (time.perf_counter() - started)
    finally:
        await consumer.stop()


def run(n: int, communes: int, sample: int, folder: Path) -> dict[str, Any]:
    with (
        EmbeddedPostgres(folder / "pg", free_port(), folder / "pg.log", jobs=False) as pg,
        EmbeddedBroker(free_port(), folder / "tansu.log") as broker,
    ):
        url = fresh_database(pg, "scoring")
        with psycopg.connect(url) as conn, conn.transaction():
            catalog_store.load(conn, load_catalog(write_catalog(folder / "catalog", communes)))

        service = ServiceProcess(
            "scoring",
            free_port(),
            {
                "CHISO_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
                "CHISO_DATABASE_URL": url,
                "CHISO_LOG_LEVEL": "WARNING",
                "CHISO_BATCH_MAX_RECORDS": "5000",
            },
            folder / "scoring.log",
        )
        service.start()
        try:
            service.wait_ready()
            assert service.proc is not None
            # One message first, so that the clock starts with the consumer group joined.
            stream = observations(n, communes)
            asyncio.run(publish(broker.bootstrap_servers, itertools.islice(stream, 1)))
            while count(url, "observation_receipts") == 0:
                time.sleep(0.05)
            started, rss_start = time.perf_counter(), rss_mb(service.proc.pid)
            asyncio.run(publish(broker.bootstrap_servers, stream))
            while (stored := count(url, "observation_receipts")) < n:
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            rss_end = rss_mb(service.proc.pid)
        finally:
            service.stop()
        scores = count(url, "scores")
        copy_per_s = copy_rows(fresh_database(pg, "copy"), n, communes)
        naive_per_s = asyncio.run(
            naive(broker.bootstrap_servers, fresh_database(pg, "naive"), sample)
        )
    obs_per_s = (stored - 1) / elapsed
    return {
        "benchmark": "scoring",
        "observations": n,
        "scores": scores,
        "obs_per_s": round(obs_per_s),
        "copy_obs_per_s": round(copy_per_s),
        "naive_obs_per_s": round(naive_per_s),
        "copy_ratio": round(obs_per_s / copy_per_s, 3),
        "naive_ratio": round(obs_per_s / naive_per_s, 1),
        "rss_growth_mb": round(rss_end - rss_start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observations", type=int, default=1_000_000)
    # 10,000 communes × 2 indicators: 1,000,000 figures are 50 months (2018-2022) of each series.
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument(
        "--sample", type=int, default=20_000, help="messages for the naive consumer"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(args.observations, args.communes, args.sample, Path(folder))))


if __name__ == "__main__":
    main()
