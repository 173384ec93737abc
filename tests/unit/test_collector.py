"""The collector's pause: no cyclic collection inside, the collector as it was after, in either
order in which overlapping pauses end and whether they end by an error."""

import gc
from collections.abc import Iterator

import pytest

from chiso_core import collector


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection that starts while the test runs."""
    runs: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(seen)
    yield runs
    gc.callbacks.remove(seen)


def allocate() -> list[list[object]]:
    """Enough live containers to pass the young generation's threshold twice."""
    return [[] for _ in range(2 * gc.get_threshold()[0])]


def test_no_collection_runs_inside_a_pause_and_they_run_again_after(
    collections: list[int],
) -> None:
    gc.enable()
    with collector.paused():
        kept = allocate()
        assert collections == []
    kept += allocate()
    assert collections


@pytest.mark.parametrize("enabled", [True, False])
def test_a_pause_leaves_the_collector_as_it_found_it(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled() is enabled


@pytest.mark.parametrize("last", ["first opened", "second opened"])
def test_overlapping_pauses_resume_when_the_last_ends_in_either_order(last: str) -> None:
    gc.enable()
    first, second = collector.paused(), collector.paused()
    first.__enter__()
    second.__enter__()
    ends = (second, first) if last == "first opened" else (first, second)
    ends[0].__exit__(None, None, None)
    assert not gc.isenabled()  # the other still holds
    ends[1].__exit__(None, None, None)
    assert gc.isenabled()


def test_a_pause_ended_by_an_error_resumes_the_collector() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()
