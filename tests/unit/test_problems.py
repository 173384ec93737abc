"""Every date or time a request carries is read as ISO 8601 only, and a value in another form is
answered with the form expected, whatever pydantic's parser said."""

from datetime import date

import pytest
from pydantic import AwareDatetime, BaseModel, ValidationError

from chiso_core.problems import EXPECTED_DATE, EXPECTED_DATETIME, problem_of


class _Silence(BaseModel):
    ends_at: AwareDatetime


class _Range(BaseModel):
    since: date


def _problem(model: type[BaseModel], value: object) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate({next(iter(model.model_fields)): value})
    [error] = caught.value.errors()
    problem = problem_of(error)
    return problem.field, problem.problem


@pytest.mark.parametrize(
    "value",
    [
        "08/12/2026",  # day first, as Vietnamese write it
        "12/08/2026 17:00",
        "8-12-2026",
        "2026-12-08 17:00",  # no offset: a time without its zone is ambiguous
        "2026-12-08T17:00:00",
        "2026-13-01T00:00:00Z",
        "ngày mai",
        12.5e30,
        [],
    ],
)
def test_a_date_time_in_another_form_is_answered_with_the_iso_form(value: object) -> None:
    field, problem = _problem(_Silence, value)
    assert field == "ends_at"
    assert problem == EXPECTED_DATETIME
    assert problem.startswith("cần ngày giờ ISO 8601")  # Vietnamese first
    assert "2026-12-08T17:00:00+07:00" in problem  # the form, shown


@pytest.mark.parametrize(
    "value", ["08/12/2026", "2026-02-30", "2026-12-08T17:30:00", "tháng 12", []]
)
def test_a_date_in_another_form_is_answered_with_the_iso_form(value: object) -> None:
    field, problem = _problem(_Range, value)
    assert field == "since"
    assert problem == EXPECTED_DATE
    assert "2026-12-08" in problem


def test_an_iso_date_time_is_read() -> None:
    assert _Silence.model_validate({"ends_at": "2026-12-08T17:00:00+07:00"}).ends_at.day == 8
