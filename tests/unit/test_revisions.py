"""Which figures of a batch become new revisions: a correction is kept, a replay is not."""

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from chiso_core.periods import Period
from chiso_scoring.intake import ObservationRow, PointKey, content_hash
from chiso_scoring.revisions import Current, assign_revisions

JUNE = Period.parse("2025-06")
KEY: PointKey = ("tam_duong", "online_public_service_usage", JUNE)


def row(message_id: str, value: float, period: Period = JUNE, hour: int = 0) -> ObservationRow:
    return ObservationRow(
        jurisdiction="tam_duong",
        indicator="online_public_service_usage",
        period=period,
        value=value,
        numerator=None,
        denominator=None,
        source="test",
        message_id=message_id,
        reported_at=datetime(2025, 7, 1, hour, tzinfo=UTC),
        content_hash=content_hash(value, None, None),
    )


def stored(revision: int, value: float, message_id: str = "m0", hour: int = 0) -> Current:
    at = datetime(2025, 7, 1, hour, tzinfo=UTC)
    return Current(revision, content_hash(value, None, None), False, at, message_id)


def test_a_first_figure_is_revision_one() -> None:
    new, points = assign_revisions([row("m1", 41.0)], set(), {})
    assert [(r.message_id, rev) for r, rev in new] == [("m1", 1)]
    assert points == {KEY: stored(1, 41.0, "m1")}


def test_a_replayed_message_id_is_skipped_but_its_point_is_still_reported() -> None:
    """After a crash the batch is delivered again: nothing is stored twice, but the point is
    still handed on (with its stored revision) so scores are recomputed idempotently."""
    new, points = assign_revisions([row("m1", 41.0)], {"m1"}, {KEY: stored(1, 41.0)})
    assert new == []
    assert points == {KEY: stored(1, 41.0)}


def test_an_unchanged_resend_under_a_new_id_is_not_a_revision() -> None:
    """An agency sending the same figure again (new message id, same content) changes nothing."""
    new, points = assign_revisions([row("m2", 41.0)], set(), {KEY: stored(1, 41.0)})
    assert new == []
    assert points[KEY].revision == 1


def test_a_correction_is_the_next_revision() -> None:
    new, points = assign_revisions([row("m2", 45.0)], set(), {KEY: stored(1, 41.0)})
    assert [(r.value, rev) for r, rev in new] == [(45.0, 2)]
    assert points == {KEY: stored(2, 45.0, "m2")}


def test_a_to_b_and_back_to_a_is_three_revisions() -> None:
    """Reverting a correction is itself a correction: history keeps all three, the latest is A."""
    new, points = assign_revisions([row("m1", 41.0), row("m2", 45.0), row("m3", 41.0)], set(), {})
    assert [(r.message_id, r.value, rev) for r, rev in new] == [
        ("m1", 41.0, 1),
        ("m2", 45.0, 2),
        ("m3", 41.0, 3),
    ]
    assert points == {KEY: stored(3, 41.0, "m3")}


def test_a_to_b_to_a_across_batches_is_also_three_revisions() -> None:
    """The comparison is with the latest revision, not with any earlier one."""
    new, _ = assign_revisions([row("m3", 41.0)], {"m1", "m2"}, {KEY: stored(2, 45.0)})
    assert [(r.message_id, rev) for r, rev in new] == [("m3", 3)]


def test_a_message_twice_in_one_batch_is_stored_once() -> None:
    """A producer retry can put one message on the topic twice, even into one batch."""
    new, points = assign_revisions([row("m1", 41.0), row("m1", 41.0)], set(), {})
    assert [(r.message_id, rev) for r, rev in new] == [("m1", 1)]
    assert points == {KEY: stored(1, 41.0, "m1")}


def test_points_are_kept_apart() -> None:
    """Each (jurisdiction, indicator, period) has its own revision counter."""
    may = Period.parse("2025-05")
    new, points = assign_revisions(
        [row("m1", 40.0, may), row("m2", 41.0)], set(), {KEY: stored(4, 39.0)}
    )
    assert [(str(r.period), rev) for r, rev in new] == [("2025-05", 1), ("2025-06", 5)]
    assert set(points) == {KEY, ("tam_duong", "online_public_service_usage", may)}


def test_the_numerator_is_part_of_the_content() -> None:
    """Same value, different parts: a different figure, so a new revision."""
    changed = replace(
        row("m2", 41.0),
        numerator=410.0,
        denominator=1000.0,
        content_hash=content_hash(41.0, 410.0, 1000.0),
    )
    new, _ = assign_revisions([changed], set(), {KEY: stored(1, 41.0)})
    assert [rev for _, rev in new] == [2]


def test_replaying_a_batch_with_an_unchanged_resend_adds_nothing() -> None:
    """Regression: 41 (stored), 41 again (unchanged: not stored, but its receipt is), then 40
    (stored). Replayed, the middle row must not be compared with the newer 40 and stored as a
    third revision reverting the figure to 41."""
    rows = [row("m1", 41.0), row("m2", 41.0), row("m3", 40.0)]
    first, points = assign_revisions(rows, set(), {})
    assert [(r.message_id, rev) for r, rev in first] == [("m1", 1), ("m3", 2)]

    again, points_again = assign_revisions(rows, {"m1", "m2", "m3"}, points)
    assert again == []
    assert points_again == {KEY: stored(2, 40.0, "m3")}


@given(st.lists(st.sampled_from([40.0, 41.0, 45.0]), max_size=20))
def test_replaying_a_whole_batch_adds_nothing(values: list[float]) -> None:
    """Property: once a batch is processed (every message's receipt recorded), handing it over
    again yields no new revision and the same latest state (at-least-once delivery is safe)."""
    rows = [row(f"m{i}", value) for i, value in enumerate(values)]
    first, points = assign_revisions(rows, set(), {})
    again, points_again = assign_revisions(rows, {r.message_id for r in rows}, points)
    assert again == []
    assert points_again == points
    assert [rev for _, rev in first] == list(range(1, len(first) + 1))


def test_a_figure_reported_before_the_current_one_is_kept_but_does_not_replace_it() -> None:
    """45 reported at 10:00 is stored; 41, reported at 09:00, arrives after it (another
    partition, a slower consumer): it is revision 2 in the history, but 45 stays the latest. A
    later figure then takes revision 3."""
    new, points = assign_revisions(
        [row("m1", 41.0, hour=9)], set(), {KEY: stored(1, 45.0, hour=10)}
    )
    assert [(r.value, rev) for r, rev in new] == [(41.0, 2)]
    assert points[KEY].content_hash == content_hash(45.0, None, None)
    assert points[KEY].next_revision() == 3


@given(st.permutations([(f"m{k}", 40.0 + k, k) for k in range(6)]), st.integers(1, 6))
def test_the_latest_is_the_figure_reported_last_whatever_the_arrival(
    figures: list[tuple[str, float, int]], cut: int
) -> None:
    """Property: however the figures arrive and are batched, the latest is the one reported
    last, and the revisions number them in arrival order without a gap."""
    rows = [row(m, v, hour=h) for m, v, h in figures]
    new, points = assign_revisions(rows[:cut], set(), {})
    more, touched = assign_revisions(rows[cut:], {r.message_id for r in rows[:cut]}, points)
    points |= touched
    assert points[KEY].content_hash == content_hash(45.0, None, None)
    assert [rev for _, rev in new + more] == list(range(1, 7))


def test_a_reported_figure_outranks_a_derived_one_reported_later() -> None:
    """A roll-up made at 11:00 gives way to the province's own figure reported at 10:00."""
    derived = Current(1, content_hash(60.0, None, None), True, datetime(2025, 7, 1, 11, tzinfo=UTC))
    new, points = assign_revisions([row("m1", 58.0, hour=10)], set(), {KEY: derived})
    assert [rev for _, rev in new] == [2]
    assert points[KEY] == stored(2, 58.0, "m1", hour=10)
