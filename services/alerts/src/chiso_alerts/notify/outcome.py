"""What one delivery attempt came to, whatever the channel; the delivery worker logs it and
decides from `kind` whether to send again."""

from dataclasses import dataclass
from typing import Literal

Kind = Literal["sent", "retry", "failed"]


@dataclass(frozen=True)
class Outcome:
    """sent: the receiver took it. retry: a passing failure (the worker backs off, no sooner than
    `retry_after_s` when the receiver said so). failed: sending again would fail the same way."""

    kind: Kind
    detail: str = ""
    retry_after_s: float | None = None
