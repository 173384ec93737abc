"""`chiso simulate` against the real ingest service: every simulated figure lands on the
observations topic, the correction after the report it corrects."""

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from chiso_core import topics
from chiso_core.contracts.v1 import observation_pb2
from chiso_core.periods import Period
from chiso_devstack.simulate import Pushed, summary
from chiso_devstack.simulation import simulate
from tests.e2e.conftest import StartService
from tests.kafka_io import read_topic

SEED = 7
UNTIL = "2024-09"


def test_a_simulation_run_lands_every_figure_on_the_topic(
    start_service: StartService,
    service_env: dict[str, str],
    bootstrap_servers: str,
    agency_key: str,
) -> None:
    ingest = start_service("ingest")
    run = subprocess.run(
        [
            *(sys.executable, "-m", "chiso_core", "simulate"),
            *("--url", ingest.url, "--seed", str(SEED), "--until", UNTIL, "--batch-size", "40"),
        ],
        env={**service_env, "CHISO_API_KEY": agency_key},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    expected = simulate(SEED, Period.parse(UNTIL))
    # the whole line, Vietnamese first, the counts in both halves
    pushed = Pushed(len(expected.reports), len(expected.revisions))
    assert summary(pushed, expected, SEED) in run.stdout.splitlines(), run.stdout

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the session loop is left alone
        records = pool.submit(
            asyncio.run, read_topic(bootstrap_servers, topics.OBSERVATIONS)
        ).result()
    on_topic = [observation_pb2.Observation.FromString(r.value or b"") for r in records]
    sent = expected.reports + expected.revisions
    assert sorted(
        (o.jurisdiction_id, o.indicator_code, str(Period.from_proto(o.period)), o.value)
        for o in on_topic
    ) == sorted((s["jurisdiction"], s["indicator"], s["period"], s["value"]) for s in sent)

    # One key, one partition, in order: the correction comes after the report it corrects.
    [revision] = expected.revisions
    [report] = [
        s
        for s in expected.reports
        if [s[k] for k in ("jurisdiction", "indicator", "period")]
        == [revision[k] for k in ("jurisdiction", "indicator", "period")]
    ]
    same_month = [
        o.value
        for o in on_topic
        if (o.jurisdiction_id, o.indicator_code, str(Period.from_proto(o.period)))
        == (revision["jurisdiction"], revision["indicator"], revision["period"])
    ]
    assert same_month == [report["value"], revision["value"]]
