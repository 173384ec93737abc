"""Aggregation-group timing: Alertmanager's group_wait / group_interval / repeat_interval, quiet
hours that defer and never drop, and the daily digest."""

from datetime import UTC, datetime, time, timedelta

from chiso_alerts.dispatch.timing import VIETNAM, Group, QuietHours, Timing, flush, on_change

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
TIMING = Timing(
    group_wait=timedelta(seconds=30),
    group_interval=timedelta(minutes=5),
    repeat_interval=timedelta(hours=4),
    send_resolved=True,
)
NONE: frozenset[str] = frozenset()


def test_a_new_group_waits_group_wait_then_tells_its_firing_alerts() -> None:
    assert on_change(None, TIMING, T0) == T0 + timedelta(seconds=30)
    first = flush(Group(flush_at=T0), frozenset({"a", "b"}), NONE, TIMING, T0)
    assert first.notify
    assert first.firing == {"a", "b"}
    # Still firing: the group comes back after the repeat interval.
    assert first.group == Group(T0 + timedelta(hours=4), T0, frozenset({"a", "b"}), NONE)


def test_a_change_after_a_notification_waits_group_interval_from_it() -> None:
    told = Group(last_notified_at=T0, notified_firing=frozenset({"a"}))
    assert on_change(told, TIMING, T0 + timedelta(minutes=1)) == T0 + timedelta(minutes=5)
    # Long after: at once.
    later = T0 + timedelta(hours=1)
    assert on_change(told, TIMING, later) == later
    # An earlier look already planned is kept.
    planned = Group(flush_at=T0 + timedelta(minutes=2), last_notified_at=T0)
    assert on_change(planned, TIMING, T0 + timedelta(minutes=1)) == T0 + timedelta(minutes=2)


def test_nothing_new_before_the_repeat_interval_sends_nothing() -> None:
    told = Group(last_notified_at=T0, notified_firing=frozenset({"a"}))
    soon = flush(told, frozenset({"a"}), NONE, TIMING, T0 + timedelta(hours=1))
    assert not soon.notify
    assert soon.group.flush_at == T0 + timedelta(hours=4)
    due = flush(told, frozenset({"a"}), NONE, TIMING, T0 + timedelta(hours=4))
    assert due.notify
    assert due.group.last_notified_at == T0 + timedelta(hours=4)


def test_a_resolved_alert_is_told_once_and_the_group_goes_quiet() -> None:
    told = Group(last_notified_at=T0, notified_firing=frozenset({"a"}))
    resolved = flush(told, NONE, frozenset({"a"}), TIMING, T0 + timedelta(minutes=5))
    assert resolved.notify
    assert resolved.resolved == {"a"}
    assert resolved.firing == NONE
    assert resolved.group.flush_at is None


def test_without_send_resolved_a_recovery_is_not_told_but_a_new_firing_is() -> None:
    quiet = Timing(TIMING.group_wait, TIMING.group_interval, TIMING.repeat_interval, False)
    told = Group(last_notified_at=T0, notified_firing=frozenset({"a"}))
    gone = flush(told, NONE, frozenset({"a"}), quiet, T0 + timedelta(minutes=5))
    assert not gone.notify
    assert gone.group.notified_firing == NONE
    again = flush(gone.group, frozenset({"a"}), NONE, quiet, T0 + timedelta(minutes=30))
    assert again.notify


def test_muted_members_bring_the_group_back_after_group_interval() -> None:
    told = Group(last_notified_at=T0, notified_firing=frozenset({"a"}))
    muted = flush(told, NONE, NONE, TIMING, T0 + timedelta(minutes=5), muted=True)
    assert not muted.notify
    assert muted.group.flush_at == T0 + timedelta(minutes=10)


def test_quiet_hours_defer_to_the_window_end_across_midnight() -> None:
    night = QuietHours(time(22, 0), time(6, 0), "Asia/Ho_Chi_Minh")
    at_23 = datetime(2026, 3, 2, 23, 0, tzinfo=VIETNAM)
    assert night.defer(at_23) == datetime(2026, 3, 3, 6, 0, tzinfo=VIETNAM)
    at_5 = datetime(2026, 3, 3, 5, 0, tzinfo=VIETNAM)
    assert night.defer(at_5) == datetime(2026, 3, 3, 6, 0, tzinfo=VIETNAM)
    noon = datetime(2026, 3, 3, 12, 0, tzinfo=VIETNAM)
    assert night.defer(noon) == noon
    lunch = QuietHours(time(11, 30), time(13, 30), "Asia/Ho_Chi_Minh")
    assert lunch.defer(noon) == datetime(2026, 3, 3, 13, 30, tzinfo=VIETNAM)
    timing = Timing(TIMING.group_wait, TIMING.group_interval, TIMING.repeat_interval, True, night)
    assert on_change(None, timing, at_23) == datetime(2026, 3, 3, 6, 0, tzinfo=VIETNAM)


def test_a_digest_is_sent_once_a_day_at_its_hour_while_anything_fires() -> None:
    digest = Timing(
        TIMING.group_wait, TIMING.group_interval, TIMING.repeat_interval, True, None, time(7, 0)
    )
    morning = datetime(2026, 3, 3, 7, 0, tzinfo=VIETNAM)
    assert on_change(None, digest, T0) == morning  # T0 is 10:00 the day before
    sent = flush(Group(flush_at=morning), frozenset({"a"}), NONE, digest, morning)
    assert sent.notify
    assert sent.group.flush_at == morning + timedelta(days=1)
    # Unchanged the next day: a digest still tells what is firing.
    again = flush(sent.group, frozenset({"a"}), NONE, digest, morning + timedelta(days=1))
    assert again.notify
    done = flush(again.group, NONE, frozenset({"a"}), digest, morning + timedelta(days=2))
    assert done.notify
    assert done.group.flush_at is None
