"""The reporting calendar's reminders for the series that never had a figure: a plan target of
the catalog with no series scored (none by its plan, target and jurisdiction) owes from the
start (rules/calendar.first_owed), to its lead agency as any series does. Without them the
agency that never sent anything would be the one never reminded. Pure: the series scored are
the ones the sweep has already read; the explanation rules need a scored period and do not
judge these."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from chiso_alerts.lifecycle.context import BatchContext
from chiso_alerts.lifecycle.transitions import Judged
from chiso_alerts.rules.calendar import calendar, first_owed
from chiso_alerts.rules.model import SeriesKey
from chiso_core.catalog.models import Catalog, Plan, Target


def unreported(
    catalog: Catalog, scored: Iterable[SeriesKey]
) -> list[tuple[SeriesKey, Plan, Target]]:
    """Every plan target whose series (its indicator in its plan's jurisdiction, as scoring
    names it) is not among `scored`, with the plan and the target."""
    seen = {(k.plan_id, k.target_id, k.jurisdiction) for k in scored}
    return [
        (SeriesKey.of(catalog, plan, target), plan, target)
        for plan in catalog.plans.values()
        for target in plan.targets
        if (plan.id, target.id, plan.jurisdiction) not in seen
    ]


def unreported_verdicts(
    series: Sequence[tuple[SeriesKey, date]], context: BatchContext, lead: timedelta
) -> list[Judged]:
    """ReportDue and ReportOverdue of every series the catalog expects and `series` lacks."""
    judged = []
    for key, plan, target in unreported(context.catalog, (key for key, _ in series)):
        indicator = context.catalog.indicators.get(target.indicator)
        if indicator is None:  # `chiso catalog load` refuses it; one bad row must not stop all
            continue
        owners = plan.owners_of(target)
        verdicts = calendar(
            key,
            None if owners is None else owners.lead,
            first_owed(plan, target, indicator, context.today),
            indicator,
            context.today,
            lead,
            context.params.for_indicator(key.indicator).severity,
            context.rule_names(key),
            never_reported=True,
        )
        judged += [Judged(v, key.province) for v in verdicts]
    return judged
