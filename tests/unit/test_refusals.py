"""Every phrase a request can be refused with is Vietnamese first, then English: each constant
and each phrase function of `words.refusals` (some are hard to provoke through an API: the
database or the broker away, a host name that does not resolve), and each pydantic error type
`problem_of` has words for."""

import inspect
import re
from collections.abc import Sequence
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from chiso_core.problems import PlainText, problem_of
from chiso_core.words import refusals
from chiso_core.words.problems import Text

BOTH = re.compile(r"^(?P<vi>.+?) / (?P<en>.+)$", re.DOTALL)
_SAMPLES: dict[Any, object] = {
    str: "x",
    int: 3,
    float: 1.5,
    int | None: 7,
    Sequence[str]: ["a"],
    Sequence[tuple[str, Text]]: [("every", Text("phải là một số", "expected a number"))],
}


def _vietnamese_first(text: str) -> bool:
    found = BOTH.match(text)
    return found is not None and not found["vi"].isascii()


def _phrases() -> list[tuple[str, str]]:
    found = []
    for name, value in vars(refusals).items():
        if name.startswith("_") or name == "both" or inspect.ismodule(value):
            continue
        if isinstance(value, str | Text):
            found.append((name, value))
        elif inspect.isfunction(value) and value.__module__ == refusals.__name__:
            hints = inspect.signature(value).parameters.values()
            args = [_SAMPLES.get(p.annotation, "x") for p in hints]
            if name == "may_not":
                args = ["report"]
            elif name == "no_such" or name == "not_in_scope":
                args = ["silence"]
            found.append((name, value(*args)))
    return [(n, v.both() if isinstance(v, Text) else v) for n, v in found]


@pytest.mark.parametrize(("name", "text"), _phrases())
def test_every_refusal_phrase_is_vietnamese_first(name: str, text: str) -> None:
    assert _vietnamese_first(text), text


def test_every_thing_and_permission_has_its_words() -> None:
    for what in ("alert", "silence", "subscription"):
        assert _vietnamese_first(refusals.no_such(what))
        assert _vietnamese_first(refusals.not_in_scope(what))
    for permission in ("report", "alerts", "read"):
        assert _vietnamese_first(refusals.may_not(permission))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=3)
    count: int = Field(ge=1, le=10)
    share: float = Field(gt=0)
    flag: bool
    items: list[int] = Field(min_length=1, max_length=2)
    channel: Literal["webhook", "email"]
    code: str = Field(pattern=r"^[a-z]+$")
    plain: PlainText


_BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"name": ""}, "name", "không được để trống / "),
    ({"name": "abcd"}, "name", "dài quá 3 ký tự / "),
    ({"name": 1}, "name", "phải là một chuỗi ký tự / "),
    ({"count": "x"}, "count", "phải là một số nguyên / "),
    ({"count": 0}, "count", "phải từ 1 trở lên / "),
    ({"count": 11}, "count", "không được lớn hơn 10 / "),
    ({"share": "x"}, "share", "phải là một số / "),
    ({"share": 0}, "share", "phải lớn hơn 0 / "),
    ({"flag": "maybe"}, "flag", "phải là true hoặc false / "),
    ({"items": "x"}, "items", "phải là một danh sách / "),
    ({"items": []}, "items", "cần ít nhất 1 mục / "),
    ({"items": [1, 2, 3]}, "items", "tối đa 2 mục / "),
    ({"channel": "sms"}, "channel", "phải là một trong: 'webhook' hoặc 'email' / "),
    ({"code": "A"}, "code", "không đúng dạng ^[a-z]+$ / "),
    ({"plain": "a\x00"}, "plain", "không được chứa ký tự điều khiển (có U+0000 ở vị trí 1) / "),
    ({"colour": "red"}, "colour", "trường không có trong mẫu / unknown field"),
    ({}, "name", "thiếu trường bắt buộc / Field required"),
]


@pytest.mark.parametrize(("sent", "field", "vietnamese"), _BAD)
def test_a_pydantic_error_says_what_was_expected_in_vietnamese_first(
    sent: dict[str, Any], field: str, vietnamese: str
) -> None:
    valid = {
        "name": "ab",
        "count": 2,
        "share": 0.5,
        "flag": True,
        "items": [1],
        "channel": "email",
        "code": "ab",
        "plain": "ab",
    }
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate({**(valid if sent else {}), **sent})
    problems = {p.field: p.problem for p in map(problem_of, caught.value.errors())}
    assert problems[field].startswith(vietnamese), problems[field]
    assert all(_vietnamese_first(p) for p in problems.values()), problems


def test_malformed_json_and_an_item_that_is_no_object_are_named_in_both() -> None:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate_json("{bad")
    [json] = [problem_of(e) for e in caught.value.errors()]
    assert (json.field, json.problem.split(" / ")[0]) == ("body", "JSON không hợp lệ")
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate("61.5")
    [item] = [problem_of(e) for e in caught.value.errors()]
    assert item.problem == "phải là một đối tượng JSON / expected an object"


def test_an_items_problem_is_in_one_language_when_one_is_asked_for() -> None:
    with pytest.raises(ValidationError) as caught:
        _Model.model_validate({"colour": "red"})
    error = next(e for e in caught.value.errors() if e["type"] == "extra_forbidden")
    assert problem_of(error, "observations[2]", lang="vi").problem == "trường không có trong mẫu"
    assert problem_of(error, "observations[2]", lang="en").problem == "unknown field"
    assert problem_of(error, "observations[2]").field == "observations[2].colour"


def test_one_vietnamese_phrase_is_one_refusal() -> None:
    """Two refusals saying the same in Vietnamese mean the same thing: they are one definition
    (a client matching the English would otherwise see two texts for one refusal)."""
    english: dict[str, set[str]] = {}
    for _, text in _phrases():
        found = BOTH.match(text)
        assert found is not None
        english.setdefault(found["vi"], set()).add(found["en"])
    assert {vi: en for vi, en in english.items() if len(en) > 1} == {}
