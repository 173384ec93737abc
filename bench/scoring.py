"""Sustained throughput of the scoring service as a process (published to the broker → scored
rows committed in TimescaleDB), against its write floor and a naive consumer, in one run:

- floor: a COPY of the same observation rows, a COPY of as many score rows as the service
  wrote, and producing as many score messages (acks=all), without judging: what storing and
  publishing alone cost;
- naive: one INSERT and one commit per consumed message (on a sample);
- history: the same number of figures arriving after 240 months of history per series, and
  after 24 (the cost of a figure must not grow with its series' history): the rates' ratio, and
  the ratio of the service's CPU a figure;
- memory: how much the service's RSS grew over the stream (RssGrowth);
- rescore: `chiso scoring rescore` over every figure of the main run, timed;
- bare: the same figures through the service's input and output alone, in Python with its own
  code, without scoring them (bench/bare.py): the ceiling of a consumer of its shape here;
- where the time goes: the CPU the service used a figure, and the whole machine (the service,
  the database and the broker) over the main run.

With `--fixed-judgement`, the processes it starts give every figure one fixed judgement per
target (bench/fixed_judgement): the same run without the methods' cost, to see what the rest of
the service costs.

With `--replicas R`, the main run's service is R processes of one consumer group (the province's
two keys, one per indicator, are on two partitions): how the service scales by replicas; with
`--consumers C`, each process holds C members of the group (`CHISO_CONSUMERS`).

The workload: communes that each carry a plan with two targets, reporting monthly, month by
month — the order in which agencies push. Prints one JSON line. Not part of the test run:
`make bench-scoring` (`--observations 100000` for a quick run).
"""

import argparse
import asyncio
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition
from bare import bare
from google.protobuf.message import Message
from psycopg import sql

from chiso_core import db, topics
from chiso_core.catalog import load_catalog
from chiso_core.catalog import store as catalog_store
from chiso_core.contracts.v1 import observation_pb2, score_pb2
from chiso_core.messaging import new_meta
from chiso_core.periods import Period
from chiso_core.publisher import Publisher
from chiso_core.settings import BrokerSettings, ScoringSettings
from chiso_devstack.embedded import EmbeddedBroker, EmbeddedPostgres, free_port
from chiso_devstack.processes import ServiceProcess

CONSUMERS = ScoringSettings.model_fields["consumers"].default
REPO_CATALOG = Path(__file__).resolve().parents[1] / "catalog"
INDICATORS = ("online_public_service_usage", "cashless_transaction_share")


def write_catalog(folder: Path, communes: int) -> Path:
    """The repository's indicators, one province, `communes` communes with a plan each (the
    province's people's committee answering for every target)."""
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
            "owners": {"lead": "ubnd_p"},
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
    agency = {"id": "ubnd_p", "name_vi": "UBND tỉnh", "name_en": "Province", "jurisdiction": "p"}
    (folder / "agencies.yaml").write_text(yaml.safe_dump([agency], allow_unicode=True))
    return folder


T = TypeVar("T")
FIRST_MONTH = 2018 * 12  # 2018-01, as a month count (year × 12 + month − 1)


def period(month: int) -> Period:
    return Period(month // 12, month % 12 + 1, Period.parse("2018-01").grain)


def observations(
    n: int, communes: int, first: int = FIRST_MONTH
) -> Iterator[tuple[bytes, observation_pb2.Observation]]:
    """Month by month from `first`, every commune and indicator once a month (ratios with
    parts)."""
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
            period=period(first + month).to_proto(),
            value=numerator / denominator * 100,
            numerator=numerator,
            denominator=denominator,
            source="bench",
        )
        msg.reported_at.FromDatetime(datetime.now(UTC))
        yield topics.message_key("p", indicator), msg


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


async def publish(bootstrap: str, items: Iterable[tuple[bytes, Message]]) -> None:
    async with Publisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), "bench") as producer:
        for chunk in chunks(items, 10_000):
            await producer.publish(topics.OBSERVATIONS, chunk)


def stored(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT count(*) FROM observation_receipts").fetchone()
    return int(row[0]) if row else 0


def wait_stored(conn: psycopg.Connection, wanted: int) -> int:
    """Waits until `wanted` figures are stored; how many are then. Asked less often the further
    off it is, at the rate seen so far: a count over a million receipts takes ~100 ms of the
    database's CPU, which the service shares on this machine (asked every 0.1 s, the count took
    a quarter of its two cores by the end of the million)."""
    seen, at = stored(conn), time.perf_counter()
    first = seen, at
    while seen < wanted:
        rate = (seen - first[0]) / (at - first[1]) if at > first[1] else 0.0
        time.sleep(min(10.0, max(0.05, (wanted - seen) / rate / 2)) if rate else 0.1)
        seen, at = stored(conn), time.perf_counter()
    return seen


def wait_met(conn: psycopg.Connection, series: int) -> None:
    """Waits until `series` series have a kept state: each met once, its history read back."""
    while (conn.execute("SELECT count(*) FROM series_states").fetchone() or (0,))[0] < series:
        time.sleep(0.1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssGrowth:
    """How much a process's RSS grew over a stream: its peak over the stream's last quarter
    less its peak over the first, sampled every 0.25 s. A batch in flight holds tens of MB
    (its records, rows, scores, messages) until it ends, so a reading at two moments measures
    where each fell in its batch; the peaks over a quarter each hold several batches in
    flight, and differ by what the process keeps."""

    def __init__(self, pid: int) -> None:
        self.pid, self.samples = pid, [rss_mb(pid)]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.25):
            self.samples.append(rss_mb(self.pid))

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self.samples.append(rss_mb(self.pid))
        quarter = max(1, len(self.samples) // 4)
        return max(self.samples[-quarter:]) - max(self.samples[:quarter])


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """A process's CPU time so far (all its threads, user and system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def machine_cpu_s() -> float:
    """The CPU time every process of the machine has used so far (all cores), in seconds."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / _TICK


@dataclass(frozen=True)
class Run:
    """A stream's figures per second, the largest growth of a replica's RSS (MB), and the CPU
    a figure took (µs): the service's processes', and the whole machine's (the service, the
    database and the broker; the bench itself only waits)."""

    per_s: float
    rss_growth: float
    service_cpu_us: float
    machine_cpu_us: float


def fresh_database(pg: EmbeddedPostgres, name: str, catalog: Path | None = None) -> str:
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = pg.url.rsplit("/", 1)[0] + f"/{name}"
    db.migrate(url)
    if catalog is not None:
        with psycopg.connect(url) as conn, conn.transaction():
            catalog_store.load(conn, load_catalog(catalog))
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


def names(columns: Iterable[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, columns))


def copy_timed(
    url: str, table: str, columns: Iterable[str], rows: Iterable[tuple[object, ...]]
) -> float:
    """COPY of the rows into the table, committed; seconds."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names(columns))
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(statement) as copy:
        for values in rows:
            copy.write_row(values)
    return time.perf_counter() - started


class Scenario:
    """The scoring service as `replicas` processes of one consumer group, on one database and
    broker."""

    def __init__(
        self,
        name: str,
        url: str,
        bootstrap: str,
        folder: Path,
        replicas: int = 1,
        consumers: int = CONSUMERS,
    ) -> None:
        self.url, self.bootstrap = url, bootstrap
        self.env = {
            "CHISO_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "CHISO_DATABASE_URL": url,
            "CHISO_LOG_LEVEL": "WARNING",
            "CHISO_CONSUMERS": str(consumers),
        }
        self.services = [
            ServiceProcess("scoring", free_port(), self.env, folder / f"{name}-{k}.log")
            for k in range(replicas)
        ]

    def stream(self, items: Iterator[tuple[bytes, Message]], n: int, met: int = 0) -> Run:
        """Publishes n figures, starts the service and waits for them all to be stored and
        scored; figures per second, the largest growth of a replica's RSS and the CPU, from when
        the first is (the consumer group joined) and `met` series have a kept state (each met
        once: a process meets a series' history once, and the consumer drains one partition at
        a time, so the series of another partition are met later than the first round's). The
        figures are all published first, as the naive consumer reads them: the bench's producer
        does not share the cores with the service it measures."""
        asyncio.run(publish(self.bootstrap, items))
        for service in self.services:
            service.start()
        try:
            for service in self.services:
                service.wait_ready()
            pids = [service.proc.pid for service in self.services if service.proc]
            with psycopg.connect(self.url, autocommit=True) as conn:
                wait_stored(conn, 1)
                wait_met(conn, met)
                already = stored(conn)
                started, rss = time.perf_counter(), [RssGrowth(pid) for pid in pids]
                cpu_start, machine_start = sum(map(cpu_s, pids)), machine_cpu_s()
                wait_stored(conn, n)
            elapsed = time.perf_counter() - started
            cpu, machine = sum(map(cpu_s, pids)) - cpu_start, machine_cpu_s() - machine_start
            growth = max(each.stop() for each in rss)
            figures = n - already  # none in a run too small to be met before it ends
            us = 1e6 / figures if figures else math.nan
            return Run(figures / elapsed, growth, cpu * us, machine * us)
        finally:
            for service in self.services:
                service.stop()

    def rescore(self) -> float:
        """`chiso scoring rescore`, as an operator runs it; seconds."""
        env = {**os.environ, **self.env}
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "chiso_core", "scoring", "rescore"],
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


async def score_messages(bootstrap: str, wanted: int) -> list[tuple[bytes, score_pb2.Score]]:
    """Up to `wanted` of the score messages the service published."""
    consumer = AIOKafkaConsumer(
        topics.SCORES, bootstrap_servers=bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    got: list[tuple[bytes, score_pb2.Score]] = []
    try:
        while len(got) < wanted:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                got += [(r.key or b"", score_pb2.Score.FromString(r.value or b"")) for r in records]
    finally:
        await consumer.stop()
    return got[:wanted]


async def published(bootstrap: str, topic: str) -> int:
    """How many messages are on the topic (the sum of its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer.topics()  # the cluster's metadata: the topic's partitions
        partitions = consumer.partitions_for_topic(topic) or set()
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def produce_timed(
    bootstrap: str, messages: list[tuple[bytes, score_pb2.Score]], n: int
) -> float:
    """Producing n score messages (acks=all) as the service does; seconds."""
    async with Publisher(BrokerSettings(kafka_bootstrap_servers=bootstrap), "floor") as producer:
        started = time.perf_counter()
        for chunk in chunks(itertools.islice(itertools.cycle(messages), n), 5000):
            await producer.publish(topics.SCORES, chunk)
        return time.perf_counter() - started


def score_rows(url: str, n: int, communes: int) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """n score rows: a stored score with the key of each of n figures (one target each)."""
    with psycopg.connect(url) as conn:
        cur = conn.execute("SELECT * FROM scores LIMIT 1")
        sample = dict(
            zip([c.name for c in cur.description or ()], cur.fetchone() or (), strict=True)
        )
    del sample["computed_at"]

    def rows() -> Iterator[tuple[object, ...]]:
        for _, m in observations(n, communes):
            yield tuple(
                (
                    sample
                    | {
                        "plan_id": f"plan_{m.jurisdiction_id}",
                        "target_id": f"{m.indicator_code}_2030",
                        "jurisdiction_id": m.jurisdiction_id,
                        "indicator_code": m.indicator_code,
                        "period_start": Period.from_proto(m.period).start,
                        "actual": m.value,
                    }
                ).values()
            )

    return list(sample), rows()


def floor(pg: EmbeddedPostgres, scored: Scenario, n: int, communes: int, scores: int) -> float:
    """The write floor: figures per second of storing and publishing alone — the n figures'
    rows, and as many score rows and messages as the service wrote (`scores`: a figure after
    the latest re-judges that point as of its period's end, docs/scoring.md rule 3; in this
    workload, months long past, that score changes from stale, so most figures write two)."""
    url = fresh_database(pg, "floor")
    observations_s = copy_timed(
        url, "observations", COLUMNS, [row(m) for _, m in observations(n, communes)]
    )
    columns, rows = score_rows(scored.url, scores, communes)
    scores_s = copy_timed(url, "scores", columns, list(rows))
    messages = asyncio.run(score_messages(scored.bootstrap, 1000))
    produce_s = asyncio.run(produce_timed(scored.bootstrap, messages, scores))
    return n / (observations_s + scores_s + produce_s)


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


def with_history(
    pg: EmbeddedPostgres, months: int, figures: int, communes: int, folder: Path, consumers: int
) -> Run:
    """The stream of `figures` new figures after `months` of history per series (the
    history stored beforehand, so the service first meets the series at that length). The new
    figures end with last month, the last that has ended (intake refuses a figure for a period
    that has not), before the targets' due date: none is settled. The clock starts once every
    series is met: the service reads a series' history once, when it first meets it (a process
    without a series' kept state reads it: docs/scoring.md), whichever partition it is on."""
    per_series = figures // (communes * len(INDICATORS))
    today = date.today()
    first_new = today.year * 12 + today.month - 1 - per_series
    url = fresh_database(pg, f"history{months}", folder / "catalog")
    history = (
        row(m)
        for _, m in observations(months * communes * len(INDICATORS), communes, first_new - months)
    )
    copy_timed(url, "observations", COLUMNS, history)
    with EmbeddedBroker(free_port(), folder / f"tansu-{months}.log") as broker:
        scenario = Scenario(
            f"history{months}", url, broker.bootstrap_servers, folder, consumers=consumers
        )
        series = communes * len(INDICATORS)
        run = scenario.stream(observations(figures, communes, first_new), figures, series)
    if not run.per_s:
        raise SystemExit(
            f"every figure was stored before the {series} series were met: "
            "--history-figures too few for --history-communes"
        )
    return run


def history_ratio(
    pg: EmbeddedPostgres, figures: int, communes: int, folder: Path, consumers: int
) -> tuple[float, float]:
    """The rate after 240 months of history over the rate after 24; and the same of the service's
    CPU a figure (24 months' over 240's), which the machine's swing moves less: both are 1 where
    a figure's cost does not grow with its series' history."""
    write_catalog(folder / "catalog", communes)
    long = with_history(pg, 240, figures, communes, folder, consumers)
    short = with_history(pg, 24, figures, communes, folder, consumers)
    return long.per_s / short.per_s, short.service_cpu_us / long.service_cpu_us


FIXED_JUDGEMENT = Path(__file__).resolve().parent / "fixed_judgement"


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    n, communes = args.observations, args.communes
    if args.fixed_judgement:  # for the processes it starts: the service, the rescore
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, (str(FIXED_JUDGEMENT), os.environ.get("PYTHONPATH")))
        )
    with (
        EmbeddedPostgres(folder / "pg", free_port(), folder / "pg.log", jobs=False) as pg,
        EmbeddedBroker(free_port(), folder / "tansu.log") as broker,
    ):
        catalog = write_catalog(folder / "catalog", communes)
        url = fresh_database(pg, "scoring", catalog)
        main = Scenario(
            "scoring", url, broker.bootstrap_servers, folder, args.replicas, args.consumers
        )
        # with more than one member, every series met first: the group has shared the partitions
        met = 0 if args.replicas * args.consumers == 1 else communes * len(INDICATORS)
        streamed = main.stream(observations(n, communes), n, met)
        obs_per_s = streamed.per_s
        scores = asyncio.run(published(broker.bootstrap_servers, topics.SCORES))
        rescore_s = main.rescore()
        floor_per_s = floor(pg, main, n, communes, scores)
        naive_per_s = asyncio.run(
            naive(broker.bootstrap_servers, fresh_database(pg, "naive"), args.sample)
        )
        bare_url = fresh_database(pg, "bare")
        bare_run = asyncio.run(
            bare(
                broker.bootstrap_servers,
                bare_url,
                url,
                load_catalog(catalog),
                n,
                scores,
                args.consumers,
            )
        )
        ratio, cpu_ratio = history_ratio(
            pg, args.history_figures, args.history_communes, folder / "history", args.consumers
        )
    return (
        {
            "benchmark": "scoring",
            "observations": n,
            "scores": scores,
            "obs_per_s": round(obs_per_s),
            "floor_obs_per_s": round(floor_per_s),
            "floor_ratio": round(obs_per_s / floor_per_s, 3),
            "naive_obs_per_s": round(naive_per_s),
            "naive_ratio": round(obs_per_s / naive_per_s, 1),
            # the ceiling of a Python consumer of the service's shape, scoring nothing
            "bare_obs_per_s": round(bare_run.per_s),
            "bare_ratio": round(obs_per_s / bare_run.per_s, 3),
            "history_ratio": round(ratio, 3),
            "history_cpu_ratio": round(cpu_ratio, 3),
            "rss_growth_mb": round(streamed.rss_growth, 1),
            "rescore_s": round(rescore_s, 1),
            # where a figure's time goes: the service's CPU, and the machine's (all cores)
            "service_cpu_us_per_obs": round(streamed.service_cpu_us),
            "machine_cpu_us_per_obs": round(streamed.machine_cpu_us),
            "bare_cpu_us_per_obs": round(bare_run.cpu_us),
        }
        | ({"judgement": "fixed"} if args.fixed_judgement else {})
        | ({"replicas": args.replicas} if args.replicas > 1 else {})
        | ({"consumers": args.consumers} if args.consumers != CONSUMERS else {})
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--observations", type=int, default=1_000_000)
    # 10,000 communes × 2 indicators: 1,000,000 figures are 50 months (2018-2022) of each series.
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument(
        "--sample", type=int, default=20_000, help="messages for the naive consumer"
    )
    # 1,000 communes × 2 indicators × 50 new months, after 24 or 240 months of history
    parser.add_argument("--history-communes", type=int, default=1_000)
    parser.add_argument("--history-figures", type=int, default=100_000)
    parser.add_argument(
        "--fixed-judgement",
        action="store_true",
        help="one fixed judgement per target instead of the methods (what the rest costs)",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="scoring processes in the main run, one consumer group (the province's two keys "
        "are on two partitions: a third replica gets none)",
    )
    parser.add_argument(
        "--consumers",
        type=int,
        default=CONSUMERS,
        help="members of the consumer group in each scoring process (CHISO_CONSUMERS)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(run(args, Path(folder))))


if __name__ == "__main__":
    main()
