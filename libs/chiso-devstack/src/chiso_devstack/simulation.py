"""Realistic monthly figures for the seed jurisdictions, as their agencies would report them.

Pure and deterministic for a seed. Each series tells one story the pipeline must recognise:
on track, drifting off track, going stale (reports stop), or revised (a provisional figure
corrected months later). Counts are of the right order for each place: a province handles tens
of thousands of dossiers a month, a mountain district a couple of thousand.
"""

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chiso_core.periods import Grain, Period

FIRST_MONTH = Period.parse("2024-01")
ONLINE = "online_public_service_usage"
CASHLESS = "cashless_transaction_share"


class Story(StrEnum):
    ON_TRACK = "on_track"
    DRIFTING = "drifting"  # grows too slowly, or stalls and slips back
    STALE = "stale"  # the agency stopped reporting
    REVISED = "revised"  # on track, with one month first reported short and corrected later


@dataclass(frozen=True)
class Scenario:
    jurisdiction: str
    indicator: str
    story: Story
    share: float  # percent in the first month
    slope: float  # percentage points per month
    volume: int  # denominator in the first month
    volume_growth: float = 0.005  # per month
    slips_after: int | None = None  # months after which the share falls back (drifting)
    silent_months: int = 0  # trailing months with no report (stale)
    revised_back: int = 0  # months before the last whose figure gets revised


SCENARIOS = (
    Scenario("khanh_hoa", ONLINE, Story.ON_TRACK, 58.0, 0.45, 46_000),
    Scenario("khanh_hoa", CASHLESS, Story.ON_TRACK, 52.0, 0.42, 9_200_000, 0.009),
    Scenario("tien_giang", ONLINE, Story.REVISED, 50.0, 0.44, 61_000, revised_back=6),
    Scenario("tien_giang", CASHLESS, Story.DRIFTING, 45.0, 0.35, 7_100_000, 0.008, slips_after=18),
    Scenario("tam_duong", ONLINE, Story.DRIFTING, 38.0, 0.05, 1_800),
    Scenario("tam_duong", CASHLESS, Story.STALE, 30.0, 0.7, 120_000, 0.01, silent_months=5),
)

# Fewer dossiers and payments around Tết (late January / February), more before the year ends.
_SEASON = {1: 0.97, 2: 0.78, 3: 1.02, 12: 1.08}
_SHARE_NOISE = 0.6  # percentage points, one standard deviation
_VOLUME_NOISE = 0.04
_PROVISIONAL_SHORTFALL = 0.12  # share of online dossiers missing from a provisional count


@dataclass(frozen=True)
class Simulation:
    since: Period
    until: Period
    reports: list[dict[str, Any]]  # POST /v1/observations items, in month order
    revisions: list[dict[str, Any]]  # corrections, sent after every report

    @property
    def series(self) -> set[tuple[str, str]]:
        return {(r["jurisdiction"], r["indicator"]) for r in self.reports}

    def missing(self, stored: set[tuple[str, str, str]]) -> "Simulation":
        """Only the figures whose (jurisdiction, indicator, period) nothing is stored for yet: a
        restarted demo fills gaps and never overwrites what an agency sent in the meantime."""

        def new(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                i for i in items if (i["jurisdiction"], i["indicator"], i["period"]) not in stored
            ]

        return Simulation(self.since, self.until, new(self.reports), new(self.revisions))


def months(since: Period, until: Period) -> list[Period]:
    first = since.year * 12 + since.month - 1
    last = until.year * 12 + until.month - 1
    return [Period(m // 12, m % 12 + 1, since.grain) for m in range(first, last + 1)]


def _item(scenario: Scenario, period: Period, numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "indicator": scenario.indicator,
        "jurisdiction": scenario.jurisdiction,
        "period": str(period),
        "value": round(100 * numerator / denominator, 2),
        "numerator": float(numerator),
        "denominator": float(denominator),
    }


def _series(
    scenario: Scenario, span: list[Period], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reports: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    reported = span[: len(span) - scenario.silent_months] if scenario.silent_months else span
    for i, period in enumerate(span):
        grown = i if scenario.slips_after is None else min(i, scenario.slips_after)
        slipped = 0 if scenario.slips_after is None else max(0, i - scenario.slips_after)
        share = scenario.share + scenario.slope * grown - 0.12 * slipped
        share = min(99.5, max(0.5, share + rng.gauss(0, _SHARE_NOISE)))
        volume = scenario.volume * (1 + scenario.volume_growth) ** i
        volume *= _SEASON.get(period.month, 1.0) * (1 + rng.gauss(0, _VOLUME_NOISE))
        denominator = max(1, round(volume))
        numerator = round(denominator * share / 100)
        if period not in reported:
            continue  # drawn all the same, so that the other series do not depend on it
        if scenario.revised_back and i == len(span) - 1 - scenario.revised_back:
            missing = round(numerator * _PROVISIONAL_SHORTFALL)
            reports.append(_item(scenario, period, numerator - missing, denominator - missing))
            revisions.append(_item(scenario, period, numerator, denominator))
        else:
            reports.append(_item(scenario, period, numerator, denominator))
    return reports, revisions


def simulate(
    seed: int,
    until: Period,
    since: Period = FIRST_MONTH,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
) -> Simulation:
    """Every scenario's monthly figures from `since` to `until`, both included."""
    if Grain.MONTH not in (since.grain, until.grain) or since.grain != until.grain:
        raise ValueError(f"since and until are months (YYYY-MM), not {since} and {until}")
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    span = months(since, until)
    reports: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    for n, scenario in enumerate(scenarios):
        # One generator per series: changing one scenario leaves the others' figures as they were.
        series_reports, series_revisions = _series(scenario, span, random.Random(seed * 1000 + n))  # noqa: S311 (not a secret)
        reports.extend(series_reports)
        revisions.extend(series_revisions)
    reports.sort(key=lambda r: r["period"])
    return Simulation(since, until, reports, revisions)
