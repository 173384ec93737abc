"""The probability of meeting a target as a person reads it (pure).

The API and the score messages keep the number; every page, dashboard and message shows it
through `chance`: "< 1 %" and "> 99 %" beyond that range (a projection is never that sure),
the whole percentage otherwise, and nothing where it would mislead: for a target already met
or past its due date. A stale target's probability is shown only with the figure it rests on
("as of 2025-06"), or not at all.
"""

from enum import StrEnum

from chiso_core.status import Status

# below UNLIKELY and above SURE only "< 1 %" and "> 99 %" are said
UNLIKELY, SURE = 0.01, 0.99


class Language(StrEnum):
    VI = "vi"
    EN = "en"


AS_OF = {Language.VI: "tính đến", Language.EN: "as of"}


def percent(probability: float) -> str:
    """0.4237 → "42 %"; 0.003 → "< 1 %"; 0.996 → "> 99 %" (the same in both languages)."""
    if probability < UNLIKELY:
        return "< 1 %"
    if probability > SURE:
        return "> 99 %"
    return f"{round(probability * 100)} %"


def chance(
    probability: float | None,
    status: str,
    *,
    past_due: bool = False,
    as_of: str | None = None,
    language: Language = Language.VI,
) -> str | None:
    """What to show for a target's probability; None: show nothing.

    `status`: the target's status (chiso_core.status.Status's value); `past_due`: its due
    date has passed; `as_of`: the last figure's period, said beside a stale target's
    probability (without it a stale target shows nothing)."""
    if probability is None or past_due or status == Status.ACHIEVED:
        return None
    if status == Status.STALE:
        return None if as_of is None else f"{percent(probability)} ({AS_OF[language]} {as_of})"
    return percent(probability)
