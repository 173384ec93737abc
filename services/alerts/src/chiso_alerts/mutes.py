"""What mutes an alert's notifications at a moment: the active silences and the inhibiting
alerts, read together once (Alertmanager's `Muter`). The dispatcher leaves muted alerts out of
notifications; the API shows the same answer on each alert."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from chiso_alerts.inhibit.inhibit import inhibited
from chiso_alerts.inhibit.store import inhibiting
from chiso_alerts.silence.silence import Silence, silenced_by
from chiso_alerts.silence.store import active_silences


@dataclass(frozen=True)
class Mutes:
    silences: Sequence[Silence]
    inhibitors: Sequence[Mapping[str, str]]  # the labels of the firing inhibiting alerts
    now: datetime

    def silenced_by(self, labels: Mapping[str, str]) -> list[UUID]:
        return silenced_by(labels, self.silences, self.now)

    def inhibited(self, labels: Mapping[str, str]) -> bool:
        return inhibited(labels, self.inhibitors)

    def muted(self, labels: Mapping[str, str]) -> bool:
        """Is an alert with these labels silenced or inhibited?"""
        return bool(self.silenced_by(labels)) or self.inhibited(labels)

    @classmethod
    async def read(cls, conn: AsyncConnection, now: datetime) -> "Mutes":
        """The silences active at `now` and the alerts inhibiting now."""
        return cls(await active_silences(conn, now), await inhibiting(conn), now)
