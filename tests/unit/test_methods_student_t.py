"""Student's t distribution without scipy: checked against closed forms and printed tables."""

import math
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chiso_scoring.methods import student_t


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_one_degree_of_freedom_is_cauchy(t: float) -> None:
    """F(t) = 1/2 + atan(t) / π."""
    assert student_t.cdf(t, 1) == pytest.approx(0.5 + math.atan(t) / math.pi, abs=1e-12)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_two_degrees_of_freedom_closed_form(t: float) -> None:
    """F(t) = 1/2 + t / (2 √(2 + t²))."""
    assert student_t.cdf(t, 2) == pytest.approx(0.5 + t / (2 * math.sqrt(2 + t * t)), abs=1e-12)


@pytest.mark.parametrize(
    ("p", "df", "quantile"),
    [  # two-sided 95 % and one-sided 95 % critical values from the usual printed tables
        (0.975, 1, 12.7062),
        (0.975, 2, 4.3027),
        (0.975, 3, 3.1824),
        (0.975, 5, 2.5706),
        (0.975, 10, 2.2281),
        (0.975, 30, 2.0423),
        (0.975, 120, 1.9799),
        (0.95, 3, 2.3534),
        (0.95, 20, 1.7247),
        (0.90, 7, 1.4149),
    ],
)
def test_quantiles_match_the_tables(p: float, df: int, quantile: float) -> None:
    assert student_t.ppf(p, df) == pytest.approx(quantile, abs=1e-4)
    assert student_t.ppf(1 - p, df) == pytest.approx(-quantile, abs=1e-4)


def test_the_cdf_matches_a_table_value() -> None:
    """P(T ≤ 2) with 3 degrees of freedom = 0.930337."""
    assert student_t.cdf(2.0, 3) == pytest.approx(0.930337, abs=1e-6)


@given(
    p=st.floats(min_value=1e-6, max_value=1 - 1e-6),
    df=st.integers(min_value=1, max_value=500),
)
def test_the_quantile_inverts_the_cdf(p: float, df: int) -> None:
    assert student_t.cdf(student_t.ppf(p, df), df) == pytest.approx(p, abs=1e-10)


@given(t=st.floats(min_value=-50, max_value=50), df=st.integers(min_value=1, max_value=200))
def test_symmetric(t: float, df: int) -> None:
    assert student_t.cdf(-t, df) == pytest.approx(1 - student_t.cdf(t, df), abs=1e-12)


def test_many_degrees_of_freedom_approach_the_normal() -> None:
    normal = NormalDist()
    assert student_t.ppf(0.975, 100_000) == pytest.approx(normal.inv_cdf(0.975), abs=1e-4)
    assert student_t.cdf(1.5, 2_000_000) == pytest.approx(normal.cdf(1.5), abs=1e-9)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="strictly between"):
        student_t.ppf(1.0, 3)
    with pytest.raises(ValueError, match="degrees of freedom"):
        student_t.cdf(1.0, 0)
