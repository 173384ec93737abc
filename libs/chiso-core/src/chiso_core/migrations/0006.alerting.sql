-- depends: 0005.feeds
-- Alerting in Prometheus Alertmanager's words: the alert lifecycle with hysteresis, silences,
-- subscriptions (Alertmanager's receivers and routes), aggregation groups kept durable, and an
-- outbox with a notification log so that nothing is lost or sent twice by design.
-- Owned by alerts, except `agencies.permissions` (the API keys are shared identity).

-- What an agency's keys may do: 'report' figures (ingest), 'alerts' (read alerts, silence them,
-- subscribe). Keys made before this migration keep reporting only.
ALTER TABLE agencies ADD COLUMN permissions text[] NOT NULL DEFAULT '{report}'
    CHECK (permissions <@ '{report,alerts}' AND cardinality(permissions) > 0);

-- A jurisdiction-wide stale alert has no period; the state 'inactive' is a pending alert whose
-- condition went away before it fired (never notified, kept for its history).
ALTER TABLE alerts ALTER COLUMN last_period DROP NOT NULL,
                   ALTER COLUMN last_grain DROP NOT NULL,
                   ADD COLUMN fired_at timestamptz,
                   DROP CONSTRAINT alerts_state_check,
                   ADD CONSTRAINT alerts_state_check
                       CHECK (state IN ('pending', 'firing', 'resolved', 'inactive'));
CREATE INDEX alerts_firing ON alerts (state) WHERE state IN ('pending', 'firing');
CREATE INDEX alerts_jurisdiction ON alerts ((labels->>'jurisdiction'));

ALTER TABLE alert_events ALTER COLUMN period_start DROP NOT NULL,
                         ADD COLUMN labels jsonb NOT NULL DEFAULT '{}',
                         ADD COLUMN annotations jsonb NOT NULL DEFAULT '{}';

-- The recent scored periods of every series (plan target × jurisdiction) that the rules judge,
-- oldest first; a re-scored period replaces its entry. Also what the stale sweep reads.
CREATE TABLE alert_series (
    plan_id         text        NOT NULL,
    target_id       text        NOT NULL,
    jurisdiction_id text        NOT NULL,
    indicator_code  text        NOT NULL,
    province_code   text        NOT NULL,
    due_year        integer     NOT NULL,
    points          jsonb       NOT NULL,
    last_period_end date        NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, target_id, jurisdiction_id)
);

-- Alertmanager silences: matchers [{name, value, isRegex, isEqual}] muting notifications of the
-- alerts they match between starts_at and ends_at. Expiring a silence sets ends_at.
CREATE TABLE silences (
    id         uuid        PRIMARY KEY,
    matchers   jsonb       NOT NULL CHECK (jsonb_array_length(matchers) > 0),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_by text        NOT NULL,
    comment    text        NOT NULL,
    owner      text        NOT NULL REFERENCES agencies (name),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX silences_active ON silences (ends_at);

-- Who is told what, how and when. filters: {jurisdictions, indicators, plans, severities,
-- rules} (an empty or missing list matches all; jurisdictions match their whole subtree).
-- secret signs webhook bodies (HMAC-SHA256); it is shown once, when the subscription is made.
CREATE TABLE subscriptions (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL,
    owner             text        NOT NULL REFERENCES agencies (name),
    filters           jsonb       NOT NULL DEFAULT '{}',
    channel           text        NOT NULL CHECK (channel IN ('webhook', 'email')),
    address           text        NOT NULL,
    secret            text,
    group_by          text[]      NOT NULL,
    group_wait_s      integer     NOT NULL CHECK (group_wait_s >= 0),
    group_interval_s  integer     NOT NULL CHECK (group_interval_s > 0),
    repeat_interval_s integer     NOT NULL CHECK (repeat_interval_s > 0),
    send_resolved     boolean     NOT NULL DEFAULT true,
    -- {start: "22:00", end: "06:00", timezone: "Asia/Ho_Chi_Minh"}: delivery waits for the end.
    quiet_hours       jsonb,
    -- A daily digest at this local time (quiet_hours' timezone, else Asia/Ho_Chi_Minh) instead
    -- of one notification per change.
    digest_at         time,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz,
    CHECK ((channel = 'webhook') = (secret IS NOT NULL))
);

-- Alertmanager's aggregation groups, one per subscription and value of its group_by labels,
-- kept in the database so a restart forgets no pending notification. flush_at: when the group
-- is next looked at (NULL: nothing due). notified_firing / notified_resolved: what the last
-- notification said (Alertmanager's notification log), to decide whether the next is needed.
CREATE TABLE notification_groups (
    subscription_id   uuid        NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    group_key         text        NOT NULL,
    group_labels      jsonb       NOT NULL,
    flush_at          timestamptz,
    last_notified_at  timestamptz,
    sequence          bigint      NOT NULL DEFAULT 0,
    notified_firing   text[]      NOT NULL DEFAULT '{}',
    notified_resolved text[]      NOT NULL DEFAULT '{}',
    PRIMARY KEY (subscription_id, group_key)
);
CREATE INDEX notification_groups_due ON notification_groups (flush_at)
    WHERE flush_at IS NOT NULL;

-- The alerts that have fired into a group; a resolved member leaves once it was notified.
CREATE TABLE notification_group_alerts (
    subscription_id uuid NOT NULL,
    group_key       text NOT NULL,
    fingerprint     text NOT NULL REFERENCES alerts (fingerprint),
    PRIMARY KEY (subscription_id, group_key, fingerprint),
    FOREIGN KEY (subscription_id, group_key)
        REFERENCES notification_groups (subscription_id, group_key) ON DELETE CASCADE
);

-- Notifications decided but not yet delivered. Written in the transaction that decides them and
-- deleted in the one that records the delivery: a crash before sending loses nothing; a crash
-- after sending sends once more under the same key (the Idempotency-Key header).
-- channel 'grafana' rows are annotations (no subscription).
CREATE TABLE notification_outbox (
    notification_key text        PRIMARY KEY,
    subscription_id  uuid        REFERENCES subscriptions (id) ON DELETE CASCADE,
    channel          text        NOT NULL CHECK (channel IN ('webhook', 'email', 'grafana')),
    payload          jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at);

-- Every delivery attempt and its outcome.
CREATE TABLE notification_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_key text        NOT NULL,
    subscription_id  uuid,
    channel          text        NOT NULL,
    attempt          integer     NOT NULL,
    outcome          text        NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    detail           text,
    at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_log_key ON notification_log (notification_key);
CREATE INDEX notification_log_subscription ON notification_log (subscription_id, at);
