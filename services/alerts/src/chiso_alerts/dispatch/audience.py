"""Who an alert is for (pure). Most alerts are for everyone whose subscription matches them,
leaders' catch-all subscriptions included. An alert addressed to a target's owner carries the
label `owner`, the agency's id in catalog/agencies.yaml, which is also the name its API keys are
made under and so the `owner` of every subscription its keys made; such an alert is for that
agency's subscriptions only: a reminder of the owner's task is not the leaders' to hear."""

from collections.abc import Mapping

OWNER = "owner"


def addressed_to(agency: str | None) -> dict[str, str]:
    """The label that addresses an alert to `agency`; none for an alert to everyone."""
    return {} if agency is None else {OWNER: agency}


def owner_of(labels: Mapping[str, str]) -> str | None:
    """The agency an alert is addressed to; None when it is for everyone."""
    return labels.get(OWNER)


def hears(subscriber: str, labels: Mapping[str, str]) -> bool:
    """Does a subscription made by agency `subscriber` hear of an alert with these labels?"""
    owner = owner_of(labels)
    return owner is None or owner == subscriber
