"""`chiso simulate`: the seed jurisdictions' agencies reporting, through the real HTTP API.

Reports go first, in month order and in batches; the corrections after them, as an agency sends
a correction once it has noticed. Authenticates like an agency: `Authorization: Bearer <key>`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import httpx
import stamina
import typer

from chiso_core.periods import Grain, Period
from chiso_core.words import commands as said
from chiso_core.words import problems as say
from chiso_core.words import refusals
from chiso_devstack.simulation import FIRST_MONTH, Simulation, simulate

app = typer.Typer(help="Push simulated monthly figures for the seed plans through the ingest API.")

DEFAULT_SEED = 57  # Resolution 57


class Busy(Exception):
    """429 or 503: the API asks to come back later; nothing of the batch was accepted."""

    def __init__(self, status: int, retry_after_s: float) -> None:
        super().__init__(f"HTTP {status}")
        self.retry_after_s = retry_after_s


class Refused(Exception):
    """The API refused a batch (4xx): the simulation and the catalog or the key disagree."""


@dataclass(frozen=True)
class Pushed:
    reports: int
    revisions: int


def _backoff(error: Exception) -> bool | float:
    if isinstance(error, Busy):
        return error.retry_after_s
    return isinstance(error, httpx.TransportError)


def _post(client: httpx.Client, items: list[dict[str, Any]]) -> int:
    for attempt in stamina.retry_context(on=_backoff, attempts=10, timeout=120):
        with attempt:
            answer = client.post("/v1/observations", json={"observations": items})
            if answer.status_code in (429, 503):
                retry_after = answer.headers.get("Retry-After", "")
                raise Busy(answer.status_code, float(retry_after) if retry_after.isdigit() else 1)
    if not answer.is_success:
        raise Refused(f"the API answered {answer.status_code}: {answer.text}")
    result = answer.json()
    if result["rejected"]:
        # The API takes the good items of a batch and refuses the rest, item by item.
        refused = [i for i in result["items"] if i["status"] == "rejected"]
        raise Refused(f"the API rejected {result['rejected']} figures: {refused[:3]}")
    accepted: int = result["accepted"]
    return accepted


def push(
    url: str, simulation: Simulation, api_key: str | None = None, batch_size: int = 500
) -> Pushed:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        counts = [
            sum(_post(client, items[i : i + batch_size]) for i in range(0, len(items), batch_size))
            for items in (simulation.reports, simulation.revisions)
        ]
    return Pushed(*counts)


def summary(pushed: Pushed, simulation: Simulation, seed: int) -> str:
    return said.simulated(
        pushed.reports,
        pushed.revisions,
        len(simulation.series),
        str(simulation.since),
        str(simulation.until),
        seed,
    )


def last_full_month(today: date) -> Period:
    """A month's figures exist once it is over."""
    return Period.month_of(today, back=1)


def _month(option: str, text: str) -> Period:
    # typer frames it ("Invalid value for '--since': …"); what follows is ours, Vietnamese first
    try:
        period = Period.parse(text)
    except ValueError as e:
        raise typer.BadParameter(
            say.bad_period(text, str(e)).both(), param_hint=f"'{option}'"
        ) from e
    if period.grain != Grain.MONTH:
        raise typer.BadParameter(refusals.not_a_month(text), param_hint=f"'{option}'")
    return period


@app.callback(invoke_without_command=True)
def main(
    url: Annotated[str, typer.Option(help="the ingest API")] = "http://127.0.0.1:8001",
    api_key: Annotated[
        str | None,
        typer.Option(envvar="CHISO_API_KEY", help="agency key, sent as Authorization: Bearer"),
    ] = None,
    seed: Annotated[int, typer.Option(help="the same seed gives the same figures")] = DEFAULT_SEED,
    since: Annotated[str, typer.Option(help="first month, YYYY-MM")] = str(FIRST_MONTH),
    until: Annotated[
        str | None, typer.Option(help="last month, YYYY-MM (default: the last full month)")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="figures per request")] = 500,
) -> None:
    first = _month("--since", since)
    last = _month("--until", until) if until else last_full_month(date.today())
    if last < first:
        raise typer.BadParameter(
            refusals.until_before_since(str(first), str(last)), param_hint="'--until'"
        )
    simulation = simulate(seed, last, first)
    try:
        pushed = push(url, simulation, api_key, batch_size)
    except (Refused, Busy, httpx.TransportError) as e:
        typer.echo(refusals.not_pushed(url, str(e)), err=True)
        raise typer.Exit(1) from e
    typer.echo(summary(pushed, simulation, seed))
