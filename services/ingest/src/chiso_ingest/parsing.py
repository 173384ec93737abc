"""Uploaded files read off the event loop: a pool of worker threads behind a bounded queue,
so that one slow workbook neither stalls other requests (nor /healthz) nor piles up work.

Each read is bounded by `FileLimits` (checked in the reader, row by row, with its own deadline);
the request also stops waiting at that deadline, in case the parser spends it where no row is
counted (opening the workbook)."""

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor

from chiso_core.problems import ApiError, Problem, retry_later
from chiso_core.words import refusals
from chiso_ingest import files
from chiso_ingest.files import OBSERVATIONS, FileLimits, Layout
from chiso_ingest.intake import Item

_READERS = {".csv": files.read_csv, ".xlsx": files.read_xlsx}
# Opening a workbook is not counted row by row: the wait allows it this much on top.
_OPENING_S = 2.0


class FileReader:
    def __init__(self, limits: FileLimits, workers: int, queue: int) -> None:
        self.limits = limits
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="chiso-file")
        self._room = workers + queue
        self._taken = 0

    async def read(self, name: str, content: bytes, layout: Layout = OBSERVATIONS) -> list[Item]:
        """The items of a file named *.csv or *.xlsx laid out as `layout`; ApiError 413/422
        naming the limit or the problem, 503 when every worker and queue place is taken."""
        reader = next((r for ext, r in _READERS.items() if name.lower().endswith(ext)), None)
        if reader is None:
            raise ApiError(
                422,
                refusals.NOT_A_SHEET,
                [Problem(field="file", problem=refusals.EXPECTED_SHEET_NAME)],
            )
        if self._taken >= self._room:
            raise retry_later(refusals.READERS_BUSY)
        self._taken += 1
        loop = asyncio.get_running_loop()
        future = self._pool.submit(functools.partial(reader, layout=layout), content, self.limits)
        # A place is free again when the thread is done, not when the request gave up waiting:
        # the bound is on work actually done.
        future.add_done_callback(lambda _: loop.call_soon_threadsafe(self._release))
        try:
            return await asyncio.wait_for(
                asyncio.wrap_future(future), self.limits.budget_s + _OPENING_S
            )
        except TimeoutError:
            raise ApiError(
                413,
                refusals.TOO_SLOW,
                [Problem(field="file", problem=refusals.not_read_within(self.limits.budget_s))],
            ) from None

    def _release(self) -> None:
        self._taken -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
