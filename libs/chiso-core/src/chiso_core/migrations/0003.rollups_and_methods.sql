-- depends: 0002.catalog
-- Figures derived by rolling children up into a parent, and every method's figures on a score.

ALTER TABLE observations ADD COLUMN derived boolean NOT NULL DEFAULT false;

-- Not every target is judged on a path (growth, counts per year, milestones).
ALTER TABLE scores ALTER COLUMN expected DROP NOT NULL,
                   ALTER COLUMN gap DROP NOT NULL,
                   ALTER COLUMN progress DROP NOT NULL,
                   ALTER COLUMN target_value DROP NOT NULL;

ALTER TABLE scores
    ADD COLUMN derived              boolean NOT NULL DEFAULT false,
    ADD COLUMN statcan_ratio        double precision,
    ADD COLUMN statcan_category     text,
    ADD COLUMN statcan_score        double precision,
    ADD COLUMN unsd_ratio           double precision,
    ADD COLUMN unsd_category        text,
    ADD COLUMN projected            double precision,
    ADD COLUMN projected_low        double precision,
    ADD COLUMN projected_high       double precision,
    ADD COLUMN probability          double precision,
    ADD COLUMN needed_annual_change double precision;

-- A new plan revision re-scores history without erasing the scores of the revision before.
ALTER TABLE scores DROP CONSTRAINT scores_pkey;
ALTER TABLE scores ADD PRIMARY KEY
    (plan_id, plan_revision, target_id, jurisdiction_id, grain, period_start, method);

CREATE OR REPLACE VIEW observations_latest AS
SELECT DISTINCT ON (jurisdiction_id, indicator_code, grain, period_start)
       period_start, grain, jurisdiction_id, indicator_code, revision, value,
       numerator, denominator, source, reported_at, recorded_at, derived
  FROM observations
 ORDER BY jurisdiction_id, indicator_code, grain, period_start, revision DESC;
