"""Whether an explanation may be kept (pure): the words within their limits, the link https, the
period begun, the plan and target known, and the key's agency among the target's owners."""

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from chiso_core.catalog import Catalog
from chiso_core.periods import Period
from chiso_core.words import problems as say
from chiso_core.words.problems import Text
from chiso_ingest.explanations.models import NOTE_MAX_CHARS, URL_MAX_CHARS, ExplanationIn

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, line feed, return
_NOTES = ("done", "difficulties", "next_actions")


@dataclass(frozen=True)
class Issue:
    field: str
    text: Text
    ownership: bool = False  # the key may not speak for this target (403, not 422)


def _note(field: str, value: str) -> list[Issue]:
    if not value.strip():
        return [Issue(field, say.empty_text())]
    if len(value) > NOTE_MAX_CHARS:
        return [Issue(field, say.too_long(NOTE_MAX_CHARS))]
    if _CONTROL.search(value):
        return [Issue(field, say.control_characters())]
    return []


def _link(value: str) -> list[Issue]:
    if len(value) > URL_MAX_CHARS:
        return [Issue("evidence_url", say.too_long(URL_MAX_CHARS))]
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or re.search(r"[\s\x00-\x1f\x7f]", value):
        return [Issue("evidence_url", say.not_https(value))]
    return []


def _period(value: str, today: date) -> list[Issue]:
    try:
        period = Period.parse(value)
    except ValueError as e:
        return [Issue("period", say.bad_period(value, str(e)))]
    if period.start > today:
        return [Issue("period", say.period_not_begun(value, period.start))]
    return []


def _target(e: ExplanationIn, catalog: Catalog, agency: str) -> list[Issue]:
    plan = catalog.plans.get(e.plan)
    if plan is None:
        return [Issue("plan", say.unknown_plan(e.plan))]
    target = next((t for t in plan.targets if t.id == e.target), None)
    if target is None:
        return [Issue("target", say.unknown_target(e.plan, e.target))]
    owners = plan.owners_of(target)
    named = owners.agencies if owners is not None else ()
    if agency not in named:
        return [Issue("target", say.not_an_owner(agency, named), ownership=True)]
    return []


def issues(e: ExplanationIn, catalog: Catalog, agency: str, today: date) -> list[Issue]:
    """Every reason the explanation cannot be kept; none when it can."""
    found = [i for name in _NOTES for i in _note(name, getattr(e, name))]
    if e.evidence_url is not None:
        found += _link(e.evidence_url)
    return found + _period(e.period, today) + _target(e, catalog, agency)
