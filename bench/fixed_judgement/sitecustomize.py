"""Loaded by the processes `bench/scoring.py --fixed-judgement` starts (this folder is put on
their PYTHONPATH): each target is judged once, on a fixed three-figure state, and that judgement
is given for every figure. Everything else — decoding, storing, the kept states, the score rows,
messages and upserts — runs as it does: the bench then measures what the service costs without
its methods (docs/operations.md, "Capacity")."""

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from chiso_core.catalog import Baseline, Direction, Target
from chiso_core.catalog.models import Cadence
from chiso_scoring import scorer
from chiso_scoring.methods import Assessment, columns
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.state import build, judge_state_as_of

FIXED = build([Point(2020.0, 10.0), Point(2021.0, 20.0), Point(2022.0, 25.0)])


@functools.lru_cache(maxsize=1024)
def _fixed(
    target: Target,
    direction: Direction,
    cadence: Cadence,
    baseline: Baseline | None,
    nows: tuple[date, ...],
) -> tuple[Assessment, ...]:
    return judge_state_as_of(target, direction, cadence, baseline, FIXED, nows)


def _judge_fixed(*arguments: Any) -> tuple[Assessment, ...]:
    """judge_state_as_of's, the series' state (the fifth) set aside."""
    target, direction, cadence, baseline, _, nows = arguments
    return _fixed(target, direction, cadence, baseline, tuple(nows))


def _judge_together(requests: Sequence[columns.Request]) -> list[tuple[Assessment, ...]]:
    """columns.judge's, each request's state set aside."""
    return [_fixed(r.target, r.direction, r.cadence, r.baseline, r.nows) for r in requests]


# what the scorer calls to judge the targets at a batch's points on their series' states,
# together and (those the columns decline) one at a time; a target past its due date is judged
# on the history instead: none is, in the bench's months
setattr(columns, "judge", _judge_together)  # noqa: B010
setattr(scorer, "judge_state_as_of", _judge_fixed)  # noqa: B010
