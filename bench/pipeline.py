"""Throughput of the whole path: HTTP → broker (acks=all) → scoring → rows committed in
TimescaleDB, on the embedded stack with the services as separate processes.

Prints one JSON line. Not part of the test run: `make bench`.
"""

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg

from chiso_core import db
from chiso_core.catalog import load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from chiso_devstack.processes import ServiceProcess, agency_key

CATALOG = Path(__file__).resolve().parents[1] / "catalog"
SERIES = [
    (jurisdiction, indicator)
    for jurisdiction in ("khanh_hoa", "tien_giang", "tam_duong")
    for indicator in ("online_public_service_usage", "cashless_transaction_share")
]


def figures(n: int) -> list[dict[str, Any]]:
    """n figures over the seed series, a month each of 2020-2025; then the months come round
    again with other values, as corrections (every figure is stored)."""
    months = 6 * 12
    return [
        {
            "indicator": SERIES[i % len(SERIES)][1],
            "jurisdiction": SERIES[i % len(SERIES)][0],
            "period": f"{2020 + month // 12}-{month % 12 + 1:02d}",
            "value": 10 + (i % 797) / 10,
        }
        for i in range(n)
        for month in [(i // len(SERIES)) % months]
    ]


def stored(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT count(*) FROM observation_receipts").fetchone()
        return int(row[0]) if row else 0


def run(n: int, batch: int, folder: Path) -> dict[str, Any]:
    with (
        EmbeddedPostgres(folder / "pg", free_port(), folder / "pg.log") as pg,
        EmbeddedBroker(free_port(), folder / "tansu.log") as broker,
    ):
        db.migrate(pg.url)
        with psycopg.connect(pg.url) as conn, conn.transaction():
            catalog_store.load(conn, load_catalog(CATALOG))
        env = {
            "CHISO_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "CHISO_DATABASE_URL": pg.url,
            "CHISO_LOG_LEVEL": "INFO",
            "CHISO_LOG_JSON": "false",
            "CHISO_RATE_LIMIT_PER_S": "100000",
            "CHISO_RATE_LIMIT_BURST": "100000",
        }
        key = agency_key(
            pg.url, "bench", sorted({j for j, _ in SERIES}), sorted({i for _, i in SERIES})
        )
        services = [
            ServiceProcess(name, free_port(), env, folder / f"{name}.log")
            for name in ("ingest", "scoring")
        ]
        for s in services:
            s.start()
        try:
            for s in services:
                s.wait_ready()
            items = figures(n)
            latencies = []
            accepted = 0
            started = time.perf_counter()
            with httpx.Client(
                base_url=services[0].url,
                timeout=60,
                headers={"Authorization": f"Bearer {key}"},
            ) as client:
                for i in range(0, n, batch):
                    sent = time.perf_counter()
                    answer = client.post(
                        "/v1/observations", json={"observations": items[i : i + batch]}
                    )
                    if answer.status_code != 202:
                        raise RuntimeError(f"{answer.status_code}: {answer.text}")
                    latencies.append((time.perf_counter() - sent) * 1000)
                    accepted += answer.json()["accepted"]
            acknowledged = time.perf_counter() - started
            while stored(pg.url) < accepted:
                time.sleep(0.05)
            committed = time.perf_counter() - started
        finally:
            for s in services:
                s.stop()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "benchmark": "pipeline",
        "observations": n,
        "batch": batch,
        "http_acknowledged_obs_per_s": round(n / acknowledged),
        "committed_obs_per_s": round(n / committed),
        "http_p50_ms": round(cuts[49], 1),
        "http_p99_ms": round(cuts[98], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observations", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(args.observations, args.batch, Path(folder))))


if __name__ == "__main__":
    main()
