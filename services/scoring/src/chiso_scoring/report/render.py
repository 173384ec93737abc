"""The scorecard as one self-contained HTML page: styles and charts inline, nothing fetched."""

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from chiso_core.catalog import Indicator
from chiso_core.words import labels, vietnamese
from chiso_scoring.report.content import Live, Report

_ENV = Environment(
    loader=PackageLoader("chiso_scoring.report"),
    autoescape=select_autoescape(["html.j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters.update(
    number=vietnamese.number,
    percent=vietnamese.percent,
    with_unit=vietnamese.with_unit,
    period=vietnamese.period,
    day=vietnamese.day,
    status=vietnamese.STATUS.__getitem__,
)
_ENV.globals["target"] = vietnamese.target
_ENV.globals["target_by"] = vietnamese.target_by
_ENV.globals["explained"] = labels.EXPLANATION[labels.VI]
_ENV.globals["needed_change"] = vietnamese.needed_change


def _within_range(value: float, indicator: Indicator) -> float:
    """An interval's edge held to what the indicator can be (a share above 100 % is not)."""
    if indicator.valid_min is not None:
        value = max(value, indicator.valid_min)
    if indicator.valid_max is not None:
        value = min(value, indicator.valid_max)
    return value


_ENV.filters["within_range"] = _within_range


def html(report: Report, live: Live | None = None) -> str:
    """The printable page, or with `live` the page the IOC keeps open: the same template, plus
    the firing alerts and a link back to the index of plans."""
    return _ENV.get_template("scorecard.html.j2").render(report=report, live=live)
