-- Observations with revision history, scores, and the alert lifecycle.
CREATE EXTENSION IF NOT EXISTS timescaledb;

-- Owned by scoring. A correction adds a revision; nothing is overwritten.
CREATE TABLE observations (
    period_start      date             NOT NULL,
    grain             text             NOT NULL CHECK (grain IN ('month', 'quarter', 'year')),
    jurisdiction_id text             NOT NULL,
    indicator_code    text             NOT NULL,
    revision          integer          NOT NULL CHECK (revision >= 1),
    value             double precision NOT NULL,
    numerator         double precision,
    denominator       double precision,
    source            text             NOT NULL,
    message_id        text             NOT NULL,
    content_hash      bytea            NOT NULL,
    reported_at       timestamptz      NOT NULL,
    recorded_at       timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (jurisdiction_id, indicator_code, grain, period_start, revision)
);
DO $$ BEGIN PERFORM create_hypertable('observations', by_range('period_start', INTERVAL '1 year')); END $$;

-- Owned by scoring. Every observation message processed, whether it made a revision or was an
-- unchanged re-send: a replayed message is recognised by its id. Only needs to outlive the
-- broker's retention of chiso.observations.v1.
CREATE TABLE observation_receipts (
    message_id  text        PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Owned by scoring. One row per target, jurisdiction, period and method: the latest computation.
CREATE TABLE scores (
    period_start         date             NOT NULL,
    grain                text             NOT NULL,
    plan_id              text             NOT NULL,
    plan_revision        integer          NOT NULL,
    target_id            text             NOT NULL,
    jurisdiction_id    text             NOT NULL,
    indicator_code       text             NOT NULL,
    method               text             NOT NULL,
    method_version       text             NOT NULL,
    actual               double precision NOT NULL,
    expected             double precision NOT NULL,
    target_value         double precision NOT NULL,
    due_year             integer          NOT NULL,
    gap                  double precision NOT NULL,
    progress             double precision NOT NULL,
    status               text             NOT NULL,
    observation_revision integer          NOT NULL,
    computed_at          timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, target_id, jurisdiction_id, grain, period_start, method)
);
DO $$ BEGIN PERFORM create_hypertable('scores', by_range('period_start', INTERVAL '1 year')); END $$;

-- Owned by alerts. Prometheus Alertmanager's words: fingerprint, firing, resolved.
CREATE TABLE alerts (
    fingerprint  text        PRIMARY KEY,
    labels       jsonb       NOT NULL,
    annotations  jsonb       NOT NULL DEFAULT '{}',
    state        text        NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz,
    last_period  date        NOT NULL,
    last_grain   text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint  text        NOT NULL REFERENCES alerts (fingerprint),
    state        text        NOT NULL,
    period_start date        NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_events_fingerprint ON alert_events (fingerprint, at);

-- The read contract for other services and Grafana: latest revision of every figure.
CREATE VIEW observations_latest AS
SELECT DISTINCT ON (jurisdiction_id, indicator_code, grain, period_start)
       period_start, grain, jurisdiction_id, indicator_code, revision, value,
       numerator, denominator, source, reported_at, recorded_at
  FROM observations
 ORDER BY jurisdiction_id, indicator_code, grain, period_start, revision DESC;
