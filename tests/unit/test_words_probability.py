"""The probability as a person reads it: never "0 %" or "100 %" for a projection, nothing for a
target that is met or past due, a stale one only with the figure it rests on."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_core.status import Status
from chiso_core.words.probability import Language, chance, percent


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.0, "< 1 %"),
        (0.0099, "< 1 %"),
        (0.01, "1 %"),
        (0.037, "4 %"),
        (0.4237, "42 %"),
        (0.5, "50 %"),
        (0.99, "99 %"),
        (0.9901, "> 99 %"),
        (1.0, "> 99 %"),
    ],
)
def test_percent(p: float, text: str) -> None:
    assert percent(p) == text


@given(st.floats(min_value=0, max_value=1))
def test_never_certain_and_never_hopeless(p: float) -> None:
    """Whatever the number, the words are one of "< 1 %", "> 99 %" or 1 to 99 %."""
    text = percent(p)
    if text not in ("< 1 %", "> 99 %"):
        assert 1 <= int(text.removesuffix(" %")) <= 99


@pytest.mark.parametrize("status", list(Status))
def test_what_each_status_shows(status: Status) -> None:
    """Met: nothing; stale: only with the last figure's period; the others: the percentage."""
    shown = chance(0.42, status)
    if status in (Status.ACHIEVED, Status.STALE):
        assert shown is None
    else:
        assert shown == "42 %"
    assert chance(None, status) is None
    assert chance(0.42, status, past_due=True) is None


def test_a_stale_target_says_as_of_when() -> None:
    assert chance(0.42, Status.STALE, as_of="tháng 6/2025") == "42 % (tính đến tháng 6/2025)"
    assert (
        chance(0.42, Status.STALE, as_of="2025-06", language=Language.EN) == "42 % (as of 2025-06)"
    )
    assert chance(0.42, Status.ON_TRACK, as_of="2025-06") == "42 %"
