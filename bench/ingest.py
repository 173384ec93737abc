"""Throughput and latency of the agencies' API: HTTP → checked → broker-acknowledged (acks=all),
the ingest service running as a real process on the embedded stack.

Prints one JSON line per batch size. Not part of the test run: `make bench-ingest`.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg

from chiso_core import db
from chiso_core.catalog import load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from chiso_devstack.processes import ServiceProcess, agency_key

CATALOG = Path(__file__).resolve().parents[1] / "catalog"
INDICATORS = ("online_public_service_usage", "cashless_transaction_share")
JURISDICTIONS = ("khanh_hoa", "tien_giang", "tam_duong", "lai_chau", "nha_trang", "my_tho")
# 1900-1999: every figure of a run is a distinct point, and every period has ended (a figure
# for a period still to come is refused at the door, which would measure refusals instead)
MONTHS = 100 * 12


def figures(n: int, offset: int) -> list[dict[str, Any]]:
    series = [(j, i) for j in JURISDICTIONS for i in INDICATORS]
    out = []
    for k in range(offset, offset + n):
        jurisdiction, indicator = series[k % len(series)]
        month = (k // len(series)) % MONTHS
        out.append(
            {
                "indicator": indicator,
                "jurisdiction": jurisdiction,
                "period": f"{1900 + month // 12}-{month % 12 + 1:02d}",
                "value": round(10 + (k % 797) / 10, 1),
            }
        )
    return out


async def measure(url: str, key: str, batch: int, total: int, concurrency: int) -> dict[str, Any]:
    """`total` observations in batches of `batch`, `concurrency` requests in flight."""
    bodies = [
        orjson.dumps({"observations": figures(batch, start)}) for start in range(0, total, batch)
    ]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    latencies: list[float] = []
    todo = iter(bodies)
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:

        async def worker() -> None:
            for body in todo:
                sent = time.perf_counter()
                answer = await client.post("/v1/observations", content=body)
                latencies.append((time.perf_counter() - sent) * 1000)
                if answer.status_code != 202:
                    raise RuntimeError(f"{answer.status_code}: {answer.text[:500]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "benchmark": "ingest",
        "batch": batch,
        "observations": total,
        "concurrency": concurrency,
        "obs_per_s": round(total / elapsed),
        "p50_ms": round(cuts[49], 2),
        "p99_ms": round(cuts[98], 2),
    }


def run(plan: list[tuple[int, int]], concurrency: int, folder: Path) -> None:
    with (
        EmbeddedPostgres(folder / "pg", free_port(), folder / "pg.log") as pg,
        EmbeddedBroker(free_port(), folder / "tansu.log") as broker,
    ):
        db.migrate(pg.url)
        with psycopg.connect(pg.url) as conn, conn.transaction():
            catalog_store.load(conn, load_catalog(CATALOG))
        key = agency_key(pg.url, "bench", ["vn"], list(INDICATORS))
        env = {
            "CHISO_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
            "CHISO_DATABASE_URL": pg.url,
            "CHISO_LOG_JSON": "false",
            "CHISO_MAX_BODY_BYTES": str(16 << 20),
            "CHISO_RATE_LIMIT_PER_S": "1000000",
            "CHISO_RATE_LIMIT_BURST": "1000000",
        }
        ingest = ServiceProcess("ingest", free_port(), env, folder / "ingest.log")
        ingest.start()
        try:
            ingest.wait_ready()
            asyncio.run(measure(ingest.url, key, 100, 2000, concurrency))  # warm-up
            for batch, total in plan:
                result = asyncio.run(measure(ingest.url, key, batch, total, concurrency))
                print(json.dumps(result), flush=True)
        finally:
            ingest.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies the observations sent per batch size"
    )
    args = parser.parse_args()
    plan = [(1, 3000), (100, 30_000), (1000, 100_000)]
    with tempfile.TemporaryDirectory() as folder:
        run(
            [(b, max(b * 10, int(n * args.scale))) for b, n in plan], args.concurrency, Path(folder)
        )


if __name__ == "__main__":
    main()
