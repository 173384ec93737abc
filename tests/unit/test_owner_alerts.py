"""Alerts addressed to a target's owner (pure): who hears them (the audience), the reporting
calendar's reminders (ReportDue, ReportOverdue), the requests for explanations
(ExplanationRequested, ExplanationOverdue), and what a ReportOverdue inhibits."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_alerts.dispatch.audience import OWNER, addressed_to, hears
from chiso_alerts.dispatch.route import memberships
from chiso_alerts.dispatch.subscription import matches
from chiso_alerts.inhibit.inhibit import inhibited
from chiso_alerts.rules.calendar import calendar
from chiso_alerts.rules.evaluate import evaluate
from chiso_alerts.rules.explanation import Asked, explanation
from chiso_alerts.rules.lifecycle import advance, fingerprint
from chiso_alerts.rules.model import Severity, Verdict
from chiso_alerts.rules.params import SeverityParams
from chiso_core.catalog.models import Cadence
from chiso_core.periods import Period
from chiso_core.status import Status
from chiso_core.timeliness import due_date
from tests.unit.test_alert_routing import ALERT, in_subtree, sub
from tests.unit.test_alert_rules import DEFAULTS, KEY, NAMES, SUBJECT, months
from tests.unit.test_timeliness import indicator

LEAD = "vp_ubnd_tam_duong"
SEVERITY = SeverityParams()
WEEK = timedelta(days=7)
agencies = st.sampled_from(["ag", LEAD, "nhnn_lai_chau", "ioc_khanh_hoa"])


# --- the audience ---------------------------------------------------------------------------


@given(subscriber=agencies, owner=st.none() | agencies)
def test_an_owners_alert_reaches_only_that_owners_subscriptions(
    subscriber: str, owner: str | None
) -> None:
    labels = ALERT | addressed_to(owner)
    assert hears(subscriber, labels) is (owner is None or owner == subscriber)
    # through the filters too: a catch-all subscription of another agency hears nothing of it
    assert matches(replace(sub(), owner=subscriber), labels, in_subtree) is hears(
        subscriber, labels
    )


def test_routing_puts_an_owners_alert_in_its_owners_groups_only() -> None:
    leader = replace(sub(), owner="ioc_khanh_hoa")
    owner = replace(sub(), id=UUID(int=2), owner=LEAD)
    off_track = advance(None, _verdict(None), datetime(2026, 1, 1, tzinfo=UTC))[0]
    asked = advance(None, _verdict(LEAD), datetime(2026, 1, 1, tzinfo=UTC))[0]
    assert off_track is not None
    assert asked is not None
    groups = memberships([off_track, asked], [leader, owner], in_subtree)
    heard = {s: fps for (s, _), (_, fps) in groups.items()}
    assert heard == {
        leader.id: {off_track.fingerprint},
        owner.id: {off_track.fingerprint, asked.fingerprint},
    }


def _verdict(owner: str | None) -> Verdict:
    """A firing verdict about KEY, addressed to `owner` (an explanation request), or to
    everyone (TargetOffTrack)."""
    asked = Asked(owner or LEAD, Period.parse("2025-06"), (), None)
    request, _ = explanation(KEY, asked, datetime(2026, 1, 1, tzinfo=UTC), WEEK, SEVERITY, NAMES)
    if owner is not None:
        return request
    return replace(
        request,
        labels={**request.labels, "alertname": "TargetOffTrack", "rule": "status"},
        audience=None,
    )


def test_the_owner_is_a_label_but_not_part_of_the_alerts_identity() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    first, _ = advance(None, _verdict(LEAD), now)
    assert first is not None
    assert first.labels[OWNER] == LEAD
    handed_over = replace(_verdict(LEAD), audience="phong_vhkhtt_tam_duong")
    after, changed = advance(first, handed_over, now)
    assert after is not None
    assert not changed
    assert after.fingerprint == first.fingerprint == fingerprint(handed_over.labels)
    assert after.labels[OWNER] == "phong_vhkhtt_tam_duong"


# --- the reporting calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "lag", "last", "owed", "due"),
    [
        # June's figure scored: July's is owed, due 31/08 (docs/catalog.md's calendar)
        (Cadence.MONTH, 0, "2025-06", "2025-07", date(2025, 8, 31)),
        (Cadence.MONTH, 30, "2024-12", "2025-01", date(2025, 4, 2)),
        (Cadence.QUARTER, 15, "2025-Q3", "2025-Q4", date(2026, 3, 15)),
        (Cadence.YEAR, 90, "2023", "2024", date(2025, 9, 30)),
    ],
)
def test_the_reminder_before_the_due_date_and_the_overdue_alert_after_it(
    cadence: Cadence, lag: int, last: str, owed: str, due: date
) -> None:
    ind = indicator(cadence, lag)
    end = Period.parse(last).end
    assert due_date(Period.parse(owed), ind) == due

    def judged(today: date) -> tuple[bool, bool]:
        soon, late = calendar(KEY, LEAD, end, ind, today, WEEK, SEVERITY, NAMES)
        assert soon.period == late.period == Period.parse(owed)
        assert soon.audience == late.audience == LEAD
        return soon.active[-1], late.active[-1]

    day = timedelta(days=1)
    assert judged(due - WEEK - day) == (False, False)
    assert judged(due - WEEK) == (True, False)
    assert judged(due) == (True, False)
    assert judged(due + day) == (False, True)
    assert judged(due + 400 * day) == (False, True)


def test_no_reminder_before_the_figure_can_exist() -> None:
    """A lead time longer than the window: the reminder waits for the window to open."""
    ind = indicator(Cadence.MONTH, 10)  # July's figure can exist from 11/08, due 10/09
    end = Period.parse("2025-06").end
    month = timedelta(days=60)
    soon, _ = calendar(KEY, LEAD, end, ind, date(2025, 8, 10), month, SEVERITY, NAMES)
    assert not soon.active[-1]
    soon, _ = calendar(KEY, LEAD, end, ind, date(2025, 8, 11), month, SEVERITY, NAMES)
    assert soon.active[-1]


@given(
    today=st.dates(date(2024, 1, 1), date(2031, 12, 31)),
    cadence=st.sampled_from(Cadence),
    lag=st.integers(0, 120),
    lead=st.integers(0, 60),
    owner=st.none() | agencies,
)
def test_never_both_and_nothing_without_an_owner(
    today: date, cadence: Cadence, lag: int, lead: int, owner: str | None
) -> None:
    soon, late = calendar(
        KEY,
        owner,
        date(2025, 1, 1),  # the end of a month, a quarter and a year alike
        indicator(cadence, lag),
        today,
        timedelta(days=lead),
        SEVERITY,
        NAMES,
    )
    assert not (soon.active[-1] and late.active[-1])
    if owner is None:
        assert not soon.active[-1]
        assert not late.active[-1]
    assert (soon.severity, late.severity) == (
        Severity.INFO,
        Severity.CRITICAL if today.year >= KEY.due_year - 1 else Severity.WARNING,
    )


@pytest.mark.parametrize(
    ("cadence", "last", "reminded"),
    [
        # the due year's last period (2030 for KEY) is still owed; the one after it is not
        (Cadence.MONTH, "2030-11", True),
        (Cadence.MONTH, "2030-12", False),
        (Cadence.QUARTER, "2030-Q3", True),
        (Cadence.QUARTER, "2030-Q4", False),
        (Cadence.YEAR, "2029", True),
        (Cadence.YEAR, "2030", False),
        (Cadence.YEAR, "2032", False),
    ],
)
@pytest.mark.parametrize("lag", [0, 45])
def test_nothing_after_the_targets_due_year_is_owed(
    cadence: Cadence, last: str, reminded: bool, lag: int
) -> None:
    """A target is judged on its figures up to its due year (scoring settles it there): the
    period after them owes it nothing, before its due date or after it, and a reminder open
    for it resolves."""
    ind = indicator(cadence, lag)
    end = Period.parse(last).end
    due = due_date(Period.of(cadence.value, end), ind)
    for today in (due - WEEK, due, due + timedelta(days=1), due + timedelta(days=400)):
        soon, late = calendar(KEY, LEAD, end, ind, today, WEEK, SEVERITY, NAMES)
        assert (soon.active[-1] or late.active[-1]) is reminded, (today, soon.period)


def test_a_series_whose_last_period_is_not_of_the_cadence_has_no_calendar() -> None:
    """A catalog that made a monthly indicator quarterly since: February starts no quarter."""
    end = Period.parse("2025-01").end
    assert (
        calendar(
            KEY, LEAD, end, indicator(Cadence.QUARTER), date(2026, 1, 1), WEEK, SEVERITY, NAMES
        )
        == ()
    )


def test_the_overdue_alert_says_which_figure_by_when() -> None:
    end = Period.parse("2025-06").end
    _, late = calendar(
        KEY, LEAD, end, indicator(Cadence.MONTH), date(2025, 9, 2), WEEK, SEVERITY, NAMES
    )
    assert late.labels == {
        "alertname": "ReportOverdue",
        "plan": KEY.plan_id,
        "target": KEY.target_id,
        "jurisdiction": KEY.jurisdiction,
        "indicator": KEY.indicator,
        "rule": "calendar",
    }
    assert late.annotations["summary"] == (
        f"Quá hạn báo cáo: {SUBJECT}, số liệu tháng 7/2025 (hạn ngày 31/08/2025)"
    )
    assert "POST /v1/observations" in late.annotations["description"]


# --- explanations ---------------------------------------------------------------------------

ASKED_AT = datetime(2025, 8, 1, 2, 0, tzinfo=UTC)
JUNE, JULY, MAY = (Period.parse(p) for p in ("2025-06", "2025-07", "2025-05"))
DUE = timedelta(days=3)


def asked(**changes: object) -> Asked:
    return replace(Asked(LEAD, JUNE, (), ASKED_AT), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "now", "open_", "late"),
    [
        (asked(asked_at=None), ASKED_AT, True, False),  # asked now
        (asked(), ASKED_AT + DUE - timedelta(seconds=1), True, False),
        (asked(), ASKED_AT + DUE, True, True),  # due: the reminder
        (asked(explained=(MAY,)), ASKED_AT + DUE, True, True),  # an older period answers not
        (asked(explained=(MAY, JUNE)), ASKED_AT + DUE, False, False),  # the period judged
        (asked(explained=(JULY,)), ASKED_AT + DUE, False, False),  # a later one
        (asked(explained=(Period.parse("2025-Q2"),)), ASKED_AT, False, False),  # ends with June
        (asked(explained=(Period.parse("2025-Q3"),)), ASKED_AT, False, False),
        (asked(off_track=None), ASKED_AT + DUE, False, False),  # back on track
        (asked(owner=None), ASKED_AT + DUE, False, False),  # nobody to ask
    ],
)
def test_a_request_is_open_until_the_period_is_explained_and_overdue_after_due(
    facts: Asked, now: datetime, open_: bool, late: bool
) -> None:
    request, overdue = explanation(KEY, facts, now, DUE, SEVERITY, NAMES)
    assert (request.active, overdue.active) == ((open_,), (late,))
    assert request.labels["alertname"] == "ExplanationRequested"
    assert overdue.labels["alertname"] == "ExplanationOverdue"
    assert request.labels["rule"] == overdue.labels["rule"] == "explanation"
    assert request.audience == overdue.audience == facts.owner
    assert (request.severity, overdue.severity) == (Severity.INFO, Severity.WARNING)


def test_a_request_says_which_period_and_how_to_answer_by_when() -> None:
    request, overdue = explanation(KEY, asked(), ASKED_AT + DUE, DUE, SEVERITY, NAMES)
    assert request.annotations["summary"] == (
        f"Đề nghị giải trình: {SUBJECT} chậm tiến độ (tháng 6/2025)"
    )
    description = request.annotations["description"]
    for said in (
        "Kết quả thực hiện",
        "POST /v1/explanations",
        "period 2025-06",
        f"target {KEY.target_id}",
        "/v1/explanations/file",
        "hạn ngày 04/08/2025",
    ):
        assert said in description
    assert overdue.annotations["summary"].startswith("Quá hạn giải trình: ")
    answered, _ = explanation(KEY, asked(explained=(JUNE,)), ASKED_AT, DUE, SEVERITY, NAMES)
    assert answered.annotations["summary"].startswith("Đã có giải trình: ")


# --- inhibition -----------------------------------------------------------------------------

OVERDUE = {
    "alertname": "ReportOverdue",
    "plan": ALERT["plan"],
    "target": ALERT["target"],
    "jurisdiction": ALERT["jurisdiction"],
    "indicator": ALERT["indicator"],
    "rule": "calendar",
    OWNER: LEAD,
}


@pytest.mark.parametrize(
    ("alertname", "rule"),
    [
        ("TargetOffTrack", "status"),
        ("TargetDrifting", "drift"),
        ("TargetProjectionMiss", "projection"),
        ("IndicatorStale", "stale"),
    ],
)
def test_an_overdue_figure_inhibits_its_targets_alerts_to_leaders(
    alertname: str, rule: str
) -> None:
    labels = {**ALERT, "alertname": alertname, "rule": rule}
    assert inhibited(labels, [OVERDUE])
    assert not inhibited(labels, [{**OVERDUE, "target": "another"}])
    assert not inhibited(labels, [{**OVERDUE, "jurisdiction": "lai_chau"}])
    assert not inhibited(labels, [{**OVERDUE, "alertname": "ReportDue"}])  # due is not late


def test_what_is_addressed_to_an_owner_is_never_inhibited() -> None:
    request = {**ALERT, "alertname": "ExplanationRequested", "rule": "explanation", OWNER: LEAD}
    jurisdiction_stale = {"alertname": "JurisdictionStale", "jurisdiction": ALERT["jurisdiction"]}
    assert not inhibited(request, [OVERDUE, jurisdiction_stale])
    assert not inhibited(OVERDUE, [OVERDUE, jurisdiction_stale])
    assert inhibited(ALERT, [jurisdiction_stale])


# --- a series' first batch --------------------------------------------------------------------


def test_a_batchs_rules_and_the_owners_alerts_never_share_a_fingerprint() -> None:
    """A series' first batch judges the owners' alerts after the batch's own rules, in the same
    transaction, each apply keyed by fingerprint: one verdict must not advance another's alert
    of the same series."""
    now = datetime(2025, 6, 10, tzinfo=UTC)
    batch = evaluate(KEY, months(Status.OFF_TRACK), DEFAULTS, Cadence.MONTH, now.date(), NAMES)
    asked = Asked(LEAD, None, (), None)
    owners = [
        *explanation(KEY, asked, now, WEEK, SEVERITY, NAMES),
        *calendar(
            KEY, LEAD, date(2025, 5, 1), indicator(Cadence.MONTH), now.date(), WEEK, SEVERITY, NAMES
        ),
    ]
    prints = [fingerprint(v.labels) for v in (*batch, *owners)]
    assert len(set(prints)) == len(prints) == 8
