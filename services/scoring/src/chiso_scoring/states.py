"""The series' states a scoring process keeps between batches (in memory, per process).

A batch that appends figures after a series' latest point judges them on the state alone
(scorer.score_appended): nothing of the history is read. The state is trusted only when it is
the series' current one: each entry carries the series' version (migration 0011), which every
batch that stores figures in a series bumps under the series' lock. An entry one version behind
the bumped one was left by this process's previous write; any other (a rebalance handed the
partition to this process, another process wrote the series meanwhile, the process restarted)
is not used, and the series is read and its state built again from the history.

An entry keeps the lookback window's figures packed in an array of floats (16 bytes a figure)
rather than as objects (about 110 bytes a figure): a process holds tens of thousands of series.
The years' summaries stay objects (one a year, shared from batch to batch).
"""

import itertools
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from chiso_scoring.intake import SeriesKey
from chiso_scoring.methods.kinds import YearSummary
from chiso_scoring.methods.series import Point
from chiso_scoring.methods.state import SeriesState
from chiso_scoring.scorer import ScoreRow
from chiso_scoring.series import Due


@dataclass(frozen=True, slots=True)
class Entry:
    version: int
    packed: array  # type: ignore[type-arg]  # array('d'): see pack
    # as objects: a batch replaces the current year's summary only, the others are shared
    years: tuple[YearSummary, ...]
    latest: tuple[Due, ...]  # the points at the series' last position
    # the latest points' scores as of their own end where they differ from the stored ones
    # (scorer.Scored.ended), and what they read of the catalog (scorer.judged_for)
    ended: tuple[ScoreRow, ...] | None = None
    judged_for: tuple[object, ...] = ()
    steps: int | None = None  # SeriesState.steps

    @property
    def state(self) -> SeriesState:
        return unpack(self.packed, self.years, self.steps)

    @property
    def latest_end(self) -> int:
        return self.latest[0].period.end_month


def pack(state: SeriesState) -> array:  # type: ignore[type-arg]
    """The state's figures: [lookback, first.at, first.value, n × (at, value)]."""
    # one array from one list: extending an array from an iterator converts float by float
    return array("d", [state.lookback, *state.first, *itertools.chain.from_iterable(state.recent)])


# tuple.__new__, not Point._make: a namedtuple's constructors are Python, called per figure of
# the window each time a state is unpacked
_point = tuple.__new__


def unpack(
    packed: array,  # type: ignore[type-arg]
    years: tuple[YearSummary, ...],
    steps: int | None,
) -> SeriesState:
    lookback, first_at, first_value = packed[:3]
    pairs = zip(packed[3::2], packed[4::2], strict=True)
    recent = tuple(map(_point, itertools.repeat(Point), pairs))
    return SeriesState(Point(first_at, first_value), recent, years, lookback, steps)


class StateCache:
    """The states of the series this process wrote last, the least recently used dropped
    beyond `capacity` (a dropped series is built again from the history when it comes back)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[SeriesKey, Entry] = OrderedDict()

    def current(self, key: SeriesKey, version: int) -> Entry | None:
        """The entry, if it is the series' state before the write that bumped it to
        `version`."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version - 1:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(
        self,
        key: SeriesKey,
        version: int,
        state: SeriesState | None,
        latest: tuple[Due, ...],
        ended: tuple[ScoreRow, ...] | None = None,
        judged_for: tuple[object, ...] = (),
    ) -> None:
        """Keeps a series' state at `version` (None: nothing to keep, the entry is dropped)."""
        if state is None:
            self._entries.pop(key, None)
            return
        self._entries[key] = Entry(
            version, pack(state), state.years, latest, ended, judged_for, state.steps
        )
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
