-- depends: 0007.dashboards
-- The latest revision of a figure is decided by the figure's own order, not by which consumer
-- stored it last: a reported figure before a derived one, then the time it was reported, then
-- its message id (chiso_core.db.LATEST_FIRST orders the same way).

CREATE OR REPLACE VIEW observations_latest AS
SELECT DISTINCT ON (jurisdiction_id, indicator_code, grain, period_start)
       period_start, grain, jurisdiction_id, indicator_code, revision, value,
       numerator, denominator, source, reported_at, recorded_at, derived
  FROM observations o
 ORDER BY jurisdiction_id, indicator_code, grain, period_start,
          o.derived, o.reported_at DESC, o.message_id COLLATE "C" DESC;

-- Every revision of every figure, and which one is the latest (the one scored).
CREATE OR REPLACE VIEW dash_observations AS
SELECT period_start, grain, jurisdiction_id, indicator_code, revision, value, derived, source,
       recorded_at,
       row_number() OVER (
           PARTITION BY jurisdiction_id, indicator_code, grain, period_start
           ORDER BY derived, reported_at DESC, message_id COLLATE "C" DESC
       ) = 1 AS latest
  FROM observations;

-- Why a score's status is what it is (scorer.FIGURES: the same name in score.proto and the API).
ALTER TABLE scores ADD COLUMN reason text;

-- The dashboards show why, too (columns appended: the views' contract keeps its order).
CREATE OR REPLACE VIEW dash_scores AS
SELECT s.period_start, s.grain, s.plan_id, s.plan_revision, s.target_id, s.jurisdiction_id,
       s.indicator_code, s.method, s.actual, s.expected, s.target_value, s.due_year, s.gap,
       s.progress, s.status, s.projected, s.projected_low, s.projected_high, s.probability,
       s.needed_annual_change, s.derived, s.observation_revision, s.computed_at,
       t.comparator, t.unit, t.quote, s.reason
  FROM scores s
  JOIN plans_current p ON p.plan_id = s.plan_id AND p.revision = s.plan_revision
  JOIN plan_targets t
    ON t.plan_id = s.plan_id AND t.revision = s.plan_revision AND t.target_id = s.target_id;

CREATE OR REPLACE VIEW dash_scores_latest AS
SELECT DISTINCT ON (plan_id, target_id, jurisdiction_id, method) *
  FROM dash_scores
 ORDER BY plan_id, target_id, jurisdiction_id, method, period_start DESC, grain;
