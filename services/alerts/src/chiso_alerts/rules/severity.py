"""How near the due year raises an alert's severity."""

from chiso_alerts.rules.model import Severity
from chiso_alerts.rules.params import SeverityParams


def graded(base: Severity, due_year: int, year: int, params: SeverityParams) -> Severity:
    """`base`, one step worse when the due year is at most `critical_within_years` after
    `year` (the judged period's, or today's): a target due next year has no time to recover."""
    return base.raised(due_year - year <= params.critical_within_years)
