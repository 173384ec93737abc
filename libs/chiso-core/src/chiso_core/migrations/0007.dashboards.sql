-- depends: 0006.alerting
-- What Grafana reads: views only (the dashboards' contract, docs/dashboards.md), through
-- grafana_reader, a role that may select from these views and nothing else. A view runs with
-- its owner's rights, so the role needs no grant on the tables behind it.

CREATE VIEW dash_plans AS
SELECT plan_id, revision, body ->> 'title' AS title, body ->> 'jurisdiction' AS jurisdiction_id
  FROM plans_current;

CREATE VIEW dash_jurisdictions AS
SELECT id AS jurisdiction_id, code, body ->> 'name_vi' AS name_vi, body ->> 'name_en' AS name_en,
       body ->> 'level' AS level, body ->> 'parent' AS parent_id
  FROM catalog_jurisdictions;

CREATE VIEW dash_indicators AS
SELECT code AS indicator_code, body ->> 'name_vi' AS name_vi, body ->> 'name_en' AS name_en,
       body ->> 'unit' AS unit
  FROM catalog_indicators;

-- Scores of each plan's current revision, with what the target says.
CREATE VIEW dash_scores AS
SELECT s.period_start, s.grain, s.plan_id, s.plan_revision, s.target_id, s.jurisdiction_id,
       s.indicator_code, s.method, s.actual, s.expected, s.target_value, s.due_year, s.gap,
       s.progress, s.status, s.projected, s.projected_low, s.projected_high, s.probability,
       s.needed_annual_change, s.derived, s.observation_revision, s.computed_at,
       t.comparator, t.unit, t.quote
  FROM scores s
  JOIN plans_current p ON p.plan_id = s.plan_id AND p.revision = s.plan_revision
  JOIN plan_targets t
    ON t.plan_id = s.plan_id AND t.revision = s.plan_revision AND t.target_id = s.target_id;

-- The latest period judged of every target in every jurisdiction.
CREATE VIEW dash_scores_latest AS
SELECT DISTINCT ON (plan_id, target_id, jurisdiction_id, method) *
  FROM dash_scores
 ORDER BY plan_id, target_id, jurisdiction_id, method, period_start DESC, grain;

-- Every revision of every figure: a revision above 1 is a correction, marked on the charts.
CREATE VIEW dash_observations AS
SELECT period_start, grain, jurisdiction_id, indicator_code, revision, value, derived, source,
       recorded_at
  FROM observations;

CREATE VIEW dash_alerts AS
SELECT fingerprint, labels ->> 'alertname' AS alertname, labels ->> 'plan' AS plan_id,
       labels ->> 'target' AS target_id, labels ->> 'jurisdiction' AS jurisdiction_id,
       labels ->> 'indicator' AS indicator_code, labels ->> 'severity' AS severity, state,
       starts_at, fired_at, ends_at, last_period, annotations ->> 'summary' AS summary
  FROM alerts;

CREATE VIEW dash_alert_events AS
SELECT e.at, e.state, e.period_start, a.fingerprint, a.alertname, a.plan_id, a.target_id,
       a.jurisdiction_id, a.indicator_code, a.severity, a.summary
  FROM alert_events e
  JOIN dash_alerts a ON a.fingerprint = e.fingerprint;

-- Cluster-wide: created once, whichever database migrates first. Its password is the
-- operator's (docs/dashboards.md); a role without one cannot log in over password auth.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grafana_reader') THEN
        CREATE ROLE grafana_reader LOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA public TO grafana_reader;
GRANT SELECT ON dash_plans, dash_jurisdictions, dash_indicators, dash_scores, dash_scores_latest,
                dash_observations, dash_alerts, dash_alert_events
   TO grafana_reader;
