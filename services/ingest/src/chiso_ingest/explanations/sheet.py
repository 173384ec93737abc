"""The spreadsheet of explanations (pure): one row per explanation, the columns named as the
JSON fields, on a worksheet named explanations (or the first)."""

from collections.abc import Sequence

from chiso_ingest.explanations.models import COLUMNS
from chiso_ingest.files import Layout, cell_of, text
from chiso_ingest.intake import Item


def _explanation(
    row: int, values: Sequence[object], _cells: Sequence[object], columns: dict[str, int]
) -> Item | None:
    """A row as an explanation's fields (a missing one is named when the row is read as one);
    None for a blank row."""
    data = {n: found for n in COLUMNS if (found := text(cell_of(values, columns, n))) is not None}
    return Item(index=row - 2, data=data, row=row) if data else None


EXPLANATIONS = Layout("explanations", COLUMNS[:-1], COLUMNS[-1:], _explanation)
