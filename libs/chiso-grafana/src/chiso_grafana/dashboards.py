"""The five dashboards, built with grafana-foundation-sdk in one language. Every SQL query reads
the dash_* views (migration 0007), the only relations grafana_reader may read."""

from collections.abc import Callable

from grafana_foundation_sdk.builders import (
    bargauge,
    common,
    dashboard,
    prometheus,
    stat,
    table,
    timeseries,
)
from grafana_foundation_sdk.models import common as common_models
from grafana_foundation_sdk.models import dashboard as models

from chiso_core import topics
from chiso_core.words.probability import SURE, UNLIKELY, percent
from chiso_grafana.sql_query import DATASOURCE, Format, Sql, SqlAnnotation
from chiso_grafana.texts import Language, Texts

UID_PREFIX = "chiso-"
PROMETHEUS = models.DataSourceRef(type_val="prometheus", uid="prometheus")
GRAFANA = models.DataSourceRef(type_val="grafana", uid="-- Grafana --")

# Worst to best (docs/scoring.md, "the order of statuses"), with the colour each is shown in.
STATUS_COLOURS = {
    "stale": "text",
    "insufficient_data": "blue",
    "deteriorating": "dark-red",
    "off_track": "red",
    "needs_acceleration": "orange",
    "on_track": "green",
    "achieved": "dark-green",
}


def status_mapping(t: Texts) -> list[models.ValueMapping]:
    return [
        models.ValueMap(
            {
                status: models.ValueMappingResult(text=t.statuses[status], color=colour, index=k)
                for k, (status, colour) in enumerate(STATUS_COLOURS.items())
            }
        )
    ]


def probability_mapping() -> list[models.ValueMapping]:
    """Beyond 1 % and 99 % a projection says only "< 1 %" / "> 99 %" (chiso_core.words)."""
    tiny = 1e-12  # the edges of a Grafana range are inclusive; 1 % itself reads "1 %"
    return [
        models.RangeMap(
            models.DashboardRangeMapOptions(
                from_val=0.0,
                to=UNLIKELY - tiny,
                result=models.ValueMappingResult(text=percent(0.0), index=0),
            )
        ),
        models.RangeMap(
            models.DashboardRangeMapOptions(
                from_val=SURE + tiny,
                to=1.0,
                result=models.ValueMappingResult(text=percent(1.0), index=1),
            )
        ),
    ]


def plan_variable(t: Texts) -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable("plan")
        .label(t.plan)
        .datasource(DATASOURCE)
        .query("SELECT plan_id AS __value, title AS __text FROM dash_plans ORDER BY plan_id")
        .refresh(models.VariableRefresh.ON_DASHBOARD_LOAD)
    )


def jurisdiction_variable(t: Texts) -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable("jurisdiction")
        .label(t.jurisdiction)
        .datasource(DATASOURCE)
        .query(
            "SELECT DISTINCT s.jurisdiction_id AS __value, j.$name AS __text"
            " FROM dash_scores_latest s JOIN dash_jurisdictions j USING (jurisdiction_id)"
            " WHERE s.plan_id = '$plan' ORDER BY 2"
        )
        .refresh(models.VariableRefresh.ON_DASHBOARD_LOAD)
    )


def indicator_variable(t: Texts) -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable("indicator")
        .label(t.indicator)
        .datasource(DATASOURCE)
        .query(
            "SELECT DISTINCT s.indicator_code AS __value, i.$name AS __text"
            " FROM dash_scores_latest s JOIN dash_indicators i USING (indicator_code)"
            " WHERE s.plan_id = '$plan' AND s.jurisdiction_id = '$jurisdiction' ORDER BY 2"
        )
        .refresh(models.VariableRefresh.ON_DASHBOARD_LOAD)
    )


def name_constant(t: Texts) -> dashboard.ConstantVariable:
    """Which catalog name column the queries show; a constant, so the SQL is one text."""
    return dashboard.ConstantVariable("name").value(t.name_column)


def base(uid: str, title: str, t: Texts) -> dashboard.Dashboard:
    suffix = "" if t.lang is Language.VI else f"-{t.lang}"
    return (
        dashboard.Dashboard(title)
        .uid(f"{UID_PREFIX}{uid}{suffix}")
        .tags(["chiso", str(t.lang)])
        .timezone("Asia/Ho_Chi_Minh")
        .refresh("1m")
        .time("now-5y", "now")
    )


def firing_alerts_table(t: Texts) -> table.Panel:
    return (
        table.Panel()
        .title(t.firing_alerts)
        .span(24)
        .height(8)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT a.fired_at, a.alertname, a.severity, a.target_id,"
                " coalesce(j.$name, a.jurisdiction_id) AS jurisdiction, a.indicator_code,"
                " a.summary FROM dash_alerts a"
                " LEFT JOIN dash_jurisdictions j USING (jurisdiction_id)"
                " WHERE a.state = 'firing' AND (a.plan_id = '$plan' OR a.plan_id IS NULL)"
                " ORDER BY a.fired_at DESC"
            )
        )
    )


def status_matrix(t: Texts) -> table.Panel:
    """The plan's targets by jurisdiction, each cell its latest status in its colour."""
    return (
        table.Panel()
        .title(t.status_matrix)
        .span(16)
        .height(12)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT s.target_id, j.$name AS jurisdiction, s.status"
                " FROM dash_scores_latest s JOIN dash_jurisdictions j USING (jurisdiction_id)"
                " WHERE s.plan_id = '$plan' ORDER BY s.target_id, jurisdiction"
            )
        )
        # One row per target, one column per jurisdiction, each cell its status.
        .with_transformation(
            models.DataTransformerConfig(
                id_val="groupingToMatrix",
                options={
                    "rowField": "target_id",
                    "columnField": "jurisdiction",
                    "valueField": "status",
                },
            )
        )
        .mappings(status_mapping(t))
        # Every column but the first ("target_id\\jurisdiction" after the grouping) is a
        # jurisdiction: coloured by its status.
        .with_override(
            models.MatcherConfig(id_val="byRegexp", options="^(?!target_id).*"),
            [
                models.DynamicConfigValue(
                    id_val="custom.cellOptions", value={"type": "color-background"}
                )
            ],
        )
    )


def counts_by_status(t: Texts) -> bargauge.Panel:
    """How many of the plan's targets stand at each status."""
    return (
        bargauge.Panel()
        .title(t.counts_by_status)
        .span(8)
        .height(12)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT status, count(*) AS targets FROM dash_scores_latest"
                " WHERE plan_id = '$plan' GROUP BY status ORDER BY status"
            )
        )
        .reduce_options(common.ReduceDataOptions().values(True).calcs([]))
        .display_mode(common_models.BarGaugeDisplayMode.BASIC)
        .orientation(common_models.VizOrientation.HORIZONTAL)
    )


def ioc_overview(t: Texts) -> dashboard.Dashboard:
    return (
        base("ioc-overview", t.ioc_overview, t)
        .with_variable(name_constant(t))
        .with_variable(plan_variable(t))
        .with_panel(status_matrix(t))
        .with_panel(counts_by_status(t))
        .with_panel(firing_alerts_table(t))
        .with_panel(timeliness_table(t))
    )


def timeliness_table(t: Texts) -> table.Panel:
    """Each lead agency of the plan's jurisdiction: periods due, on time, late, missing, and its
    on-time and reporting rates (the reporting calendar, docs/catalog.md)."""
    return (
        table.Panel()
        .title(t.timeliness)
        .span(24)
        .height(8)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT $name AS agency, due, on_time, late, missing, on_time_rate,"
                " reporting_rate FROM dash_timeliness WHERE jurisdiction_id ="
                " (SELECT jurisdiction_id FROM dash_plans WHERE plan_id = '$plan')"
                " ORDER BY on_time_rate NULLS LAST, agency"
            )
        )
        .with_override(
            models.MatcherConfig(id_val="byRegexp", options="_rate$"),
            [
                models.DynamicConfigValue(id_val="unit", value="percentunit"),
                models.DynamicConfigValue(id_val="decimals", value=0),
            ],
        )
    )


def projection_path(t: Texts) -> timeseries.Panel:
    """The indicator's figures, expected path and target, then its projection to the due year."""
    return (
        timeseries.Panel()
        .title(t.path)
        .span(24)
        .height(12)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT period_start AS time, target_id AS metric, actual, expected,"
                " target_value AS target FROM dash_scores"
                " WHERE plan_id = '$plan' AND jurisdiction_id = '$jurisdiction'"
                " AND indicator_code = '$indicator' AND $__timeFilter(period_start) ORDER BY 1",
                Format.TIME_SERIES,
            )
        )
        # From the latest figure to the due year: the projection and its interval.
        .with_target(
            Sql(
                "SELECT time, metric, projected, projected_low, projected_high FROM ("
                " SELECT period_start::timestamptz AS time, target_id AS metric,"
                " actual AS projected, actual AS projected_low, actual AS projected_high"
                " FROM dash_scores_latest WHERE plan_id = '$plan'"
                " AND jurisdiction_id = '$jurisdiction' AND indicator_code = '$indicator'"
                " AND projected IS NOT NULL"
                " UNION ALL"
                " SELECT make_date(due_year, 12, 31)::timestamptz, target_id, projected,"
                " projected_low, projected_high"
                " FROM dash_scores_latest WHERE plan_id = '$plan'"
                " AND jurisdiction_id = '$jurisdiction' AND indicator_code = '$indicator'"
                " AND projected IS NOT NULL"
                ") p ORDER BY 1",
                Format.TIME_SERIES,
            ).ref_id("B")
        )
        .show_points(common_models.VisibilityMode.ALWAYS)
        .span_nulls(True)
    )


def revisions_table(t: Texts) -> table.Panel:
    """Every revised figure of the indicator in the jurisdiction, newest period first."""
    return (
        table.Panel()
        .title(t.revisions)
        .span(24)
        .height(8)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT period_start, grain, revision, value, source, recorded_at"
                " FROM dash_observations WHERE jurisdiction_id = '$jurisdiction'"
                " AND indicator_code = '$indicator' AND revision > 1"
                " ORDER BY period_start DESC, revision DESC"
            )
        )
    )


def owners_table(t: Texts) -> table.Panel:
    """Who answers for the indicator's targets, and what they last said (docs/catalog.md)."""
    return (
        table.Panel()
        .title(t.owners)
        .span(24)
        .height(8)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT target_id, lead_$name AS lead, supporting_$name AS supporting,"
                " explained_period, done, difficulties, next_actions, evidence_url, explained_at"
                " FROM dash_target_owners WHERE plan_id = '$plan'"
                " AND indicator_code = '$indicator' ORDER BY target_id"
            )
        )
    )


def revision_marks(t: Texts) -> dashboard.AnnotationQuery:
    """A mark on the time axis at each revised figure's period, saying its revision and value."""
    return (
        dashboard.AnnotationQuery()
        .name(t.revisions)
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color("purple")
        .target(
            SqlAnnotation(
                "SELECT period_start::timestamptz AS time,"
                " 'r' || revision || ': ' || value AS text, 'revision' AS tags"
                " FROM dash_observations"
                " WHERE jurisdiction_id = '$jurisdiction' AND indicator_code = '$indicator'"
                " AND revision > 1 AND $__timeFilter(period_start) ORDER BY 1"
            )
        )
    )


def indicator_detail(t: Texts) -> dashboard.Dashboard:
    """One indicator of one jurisdiction: its path, who answers for it, its revisions."""
    return (
        base("indicator-detail", t.indicator_detail, t)
        .time("now-5y", "now+6y")
        .with_variable(name_constant(t))
        .with_variable(plan_variable(t))
        .with_variable(jurisdiction_variable(t))
        .with_variable(indicator_variable(t))
        .annotation(revision_marks(t))
        .with_panel(projection_path(t))
        .with_panel(owners_table(t))
        .with_panel(revisions_table(t))
    )


def progress_bars(t: Texts) -> bargauge.Panel:
    """Each target's progress in the jurisdiction, from 0 to 100 %."""
    return (
        bargauge.Panel()
        .title(t.progress)
        .span(24)
        .height(14)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT target_id, greatest(least(progress, 1), 0) AS progress"
                " FROM dash_scores_latest WHERE plan_id = '$plan'"
                " AND jurisdiction_id = '$jurisdiction' AND progress IS NOT NULL"
                " ORDER BY target_id"
            )
        )
        .reduce_options(common.ReduceDataOptions().values(True).calcs([]))
        .display_mode(common_models.BarGaugeDisplayMode.GRADIENT)
        .orientation(common_models.VizOrientation.HORIZONTAL)
        .unit("percentunit")
        .min(0)
        .max(1)
        .show_unfilled(True)
    )


def summary_table(t: Texts) -> table.Panel:
    """Each target in the jurisdiction: its latest figure, projection, status and lead."""
    return (
        table.Panel()
        .title(t.summary)
        .span(24)
        .height(12)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT s.target_id, i.$name AS indicator, s.period_start, s.actual,"
                " s.expected, s.target_value, s.due_year, s.progress, s.projected,"
                # nothing for a target met, stale or past due (chiso_core.words.probability)
                " CASE WHEN s.status IN ('achieved', 'stale')"
                " OR s.due_year < extract(year FROM now()) THEN NULL"
                " ELSE s.probability END AS probability, s.status, o.lead_$name AS lead"
                " FROM dash_scores_latest s JOIN dash_indicators i USING (indicator_code)"
                " LEFT JOIN dash_target_owners o USING (plan_id, target_id)"
                " WHERE s.plan_id = '$plan' AND s.jurisdiction_id = '$jurisdiction'"
                " ORDER BY s.target_id"
            )
        )
        .mappings(status_mapping(t))
        .with_override(
            models.MatcherConfig(id_val="byName", options="probability"),
            [
                models.DynamicConfigValue(id_val="unit", value="percentunit"),
                models.DynamicConfigValue(id_val="decimals", value=0),
                models.DynamicConfigValue(id_val="mappings", value=probability_mapping()),
            ],
        )
    )


def scorecard(t: Texts) -> dashboard.Dashboard:
    return (
        base("scorecard", t.scorecard, t)
        .with_variable(name_constant(t))
        .with_variable(plan_variable(t))
        .with_variable(jurisdiction_variable(t))
        .with_panel(progress_bars(t))
        .with_panel(summary_table(t))
    )


def alerts(t: Texts) -> dashboard.Dashboard:
    history = (
        table.Panel()
        .title(t.alert_history)
        .span(24)
        .height(10)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT at, state, alertname, target_id, jurisdiction_id, indicator_code,"
                " period_start, summary FROM dash_alert_events"
                " WHERE (plan_id = '$plan' OR plan_id IS NULL) AND $__timeFilter(at)"
                " ORDER BY at DESC"
            )
        )
    )
    per_day = (
        timeseries.Panel()
        .title(t.transitions_per_day)
        .span(24)
        .height(8)
        .datasource(DATASOURCE)
        .with_target(
            Sql(
                "SELECT $__timeGroupAlias(at, '1d'), state AS metric, count(*) AS transitions"
                " FROM dash_alert_events"
                " WHERE (plan_id = '$plan' OR plan_id IS NULL) AND $__timeFilter(at)"
                " GROUP BY 1, 2 ORDER BY 1",
                Format.TIME_SERIES,
            )
        )
        .draw_style(common_models.GraphDrawStyle.BARS)
    )
    # The alerts service posts each firing and resolution to Grafana, tagged "chiso".
    posted = (
        dashboard.AnnotationQuery()
        .name(t.alert_annotations)
        .datasource(GRAFANA)
        .enable(True)
        .icon_color("red")
        .target(dashboard.AnnotationTarget().type("tags").tags(["chiso", "alert"]).limit(500))
    )
    return (
        base("alerts", t.alerts, t)
        .time("now-90d", "now")
        .with_variable(name_constant(t))
        .with_variable(plan_variable(t))
        .annotation(posted)
        .with_panel(firing_alerts_table(t))
        .with_panel(per_day)
        .with_panel(history)
    )


def promql(expr: str, legend: str) -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend)


def prometheus_series(title: str, *queries: prometheus.Dataquery) -> timeseries.Panel:
    """A half-width panel of Prometheus series, one target per query."""
    panel = timeseries.Panel().title(title).span(12).height(8).datasource(PROMETHEUS)
    for query in queries:
        panel = panel.with_target(query)
    return panel


def rejected_items(t: Texts) -> stat.Panel:
    """The items refused over the dashboard's range, by the job that refused them, and in all."""
    # Every stage sends what it refuses to the rejected topic (ingest's API and files, the
    # feeds, scoring's intake, alerts' intake): one counter of that topic, by the job that sent.
    rejected_sent = f'chiso_published_messages_total{{topic="{topics.OBSERVATIONS_REJECTED}"}}'
    return (
        stat.Panel()
        .title(t.rejected_items)
        .span(12)
        .height(8)
        .datasource(PROMETHEUS)
        .with_target(promql(f"sum by (job) (increase({rejected_sent}[$__range]))", "{{job}}"))
        .with_target(promql(f"sum(increase({rejected_sent}[$__range]))", "Σ"))
    )


def pipeline_health(t: Texts) -> dashboard.Dashboard:
    return (
        base("pipeline-health", t.pipeline_health, t)
        .time("now-6h", "now")
        .with_panel(
            prometheus_series(
                t.ingest_rate,
                # The API, files and feeds share one ingestor and its counter; the job tells
                # the API's process from the feed adapters'.
                promql(
                    "sum by (job, outcome) (rate(chiso_ingest_items_total[$__rate_interval]))",
                    "{{job}} {{outcome}}",
                ),
            ).unit(f"suffix: {t.items_per_second}")
        )
        .with_panel(
            prometheus_series(
                t.consumer_lag,
                # Every replica reports its whole group's lag (chiso_core.lag): max, then sum.
                promql(
                    "sum by (group, topic) (max by (group, topic, partition) (chiso_consumer_lag))",
                    "{{group}} {{topic}}",
                ),
            )
        )
        .with_panel(
            prometheus_series(
                t.batch_latency,
                promql(
                    "histogram_quantile(0.95, sum by (le)"
                    " (rate(chiso_scoring_batch_seconds_bucket[$__rate_interval])))",
                    "p95",
                ),
            ).unit("s")
        )
        .with_panel(rejected_items(t))
        .with_panel(
            prometheus_series(
                t.notification_failures,
                promql(
                    "sum by (channel, outcome) (rate(chiso_alerts_notifications_total"
                    '{outcome=~"retry|failed"}[$__rate_interval]))',
                    "{{channel}} {{outcome}}",
                ),
            )
        )
    )


# File stem → builder; `chiso grafana build` writes one file per stem and language.
DASHBOARDS: dict[str, Callable[[Texts], dashboard.Dashboard]] = {
    "ioc-overview": ioc_overview,
    "indicator-detail": indicator_detail,
    "scorecard": scorecard,
    "alerts": alerts,
    "pipeline-health": pipeline_health,
}
