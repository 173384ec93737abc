"""Kafka topic names and message keys: part of the wire contract."""

OBSERVATIONS = "chiso.observations.v1"
OBSERVATIONS_REJECTED = "chiso.observations.rejected.v1"
SCORES = "chiso.scores.v1"
ALERTS = "chiso.alerts.v1"

ALL = (OBSERVATIONS, OBSERVATIONS_REJECTED, SCORES, ALERTS)


def message_key(province_code: str, indicator_code: str) -> bytes:
    """Everything one province/indicator roll-up needs lands, in order, on one partition."""
    return f"{province_code}/{indicator_code}".encode()
