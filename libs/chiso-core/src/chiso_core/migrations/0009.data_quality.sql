-- depends: 0008.trust_pipeline
-- Data quality at the door (docs/api.md, "Checks" and "Held figures").

-- The contract through which ingest reads what scoring stored (the latest figure of a point, a
-- series' earlier figures): scoring may reshape its base table as long as this view keeps its
-- columns. A plain projection, so a query on it plans exactly as one on the table would. The
-- latest of a point's revisions is the first in chiso_core.db.LATEST_FIRST's order (derived,
-- reported_at, message_id), as scoring decides it.
CREATE VIEW reported_figures AS
SELECT jurisdiction_id, indicator_code, grain, period_start, revision,
       value, numerator, denominator, derived, reported_at, message_id
  FROM observations;

-- Owned by ingest. A figure that passed every check but is an outlier against its series,
-- kept (not published) until the agency confirms it, corrects it, or it expires. One per
-- point and agency: a newer held figure replaces the older.
CREATE TABLE held_figures (
    agency          text             NOT NULL,
    jurisdiction_id text             NOT NULL,
    indicator_code  text             NOT NULL,
    grain           text             NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    period_start    date             NOT NULL,
    value           double precision NOT NULL,
    numerator       double precision,
    denominator     double precision,
    source          text             NOT NULL,
    reason_vi       text             NOT NULL,
    reason_en       text             NOT NULL,
    held_at         timestamptz      NOT NULL DEFAULT now(),
    expires_at      timestamptz      NOT NULL,
    PRIMARY KEY (agency, jurisdiction_id, indicator_code, grain, period_start)
);
CREATE INDEX held_figures_expiry ON held_figures (expires_at);

-- What operators see on their dashboards: the figures held now.
CREATE VIEW dash_held_figures AS
SELECT agency, jurisdiction_id, indicator_code, grain, period_start, value, numerator,
       denominator, reason_vi, reason_en, held_at, expires_at
  FROM held_figures
 WHERE expires_at > now();
GRANT SELECT ON dash_held_figures TO grafana_reader;
