"""Inhibition (pure), Alertmanager's inhibit rule fixed for chiso: a firing JurisdictionStale
alert for a jurisdiction inhibits every other alert of that jurisdiction. When nothing at all
arrives from a unit, one notice says so instead of one per indicator."""

from collections.abc import Iterable, Mapping

SOURCE = "JurisdictionStale"


def inhibited(labels: Mapping[str, str], firing: Iterable[Mapping[str, str]]) -> bool:
    """`firing`: the labels of the firing alerts. An alert never inhibits itself."""
    jurisdiction = labels.get("jurisdiction")
    if jurisdiction is None or labels.get("alertname") == SOURCE:
        return False
    return any(
        f.get("alertname") == SOURCE and f.get("jurisdiction") == jurisdiction for f in firing
    )
