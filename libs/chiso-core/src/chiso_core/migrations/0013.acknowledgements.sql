-- depends: 0012.owners
-- Acknowledgement, escalation and notification history (docs/alerts.md).

-- An escalation subscription hears of a firing alert only once nobody has acknowledged it
-- for escalate_after_s seconds since it fired; NULL: an ordinary subscription.
ALTER TABLE subscriptions ADD COLUMN escalate_after_s integer CHECK (escalate_after_s > 0);

-- Who acknowledged which episode of an alert (starts_at), at which severity, and what they
-- said: through the API (agency = the key's agency) or a signed link in a notification
-- (subscription_id = the subscription it was sent to). Kept, never overwritten: the history
-- shows every one. An acknowledgement holds until the alert resolves or its severity rises.
CREATE TABLE alert_acknowledgements (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint     text        NOT NULL REFERENCES alerts (fingerprint),
    starts_at       timestamptz NOT NULL,
    severity        text        NOT NULL,
    by_name         text        NOT NULL,
    via             text        NOT NULL CHECK (via IN ('api', 'link')),
    agency          text,
    subscription_id uuid,
    comment         text        NOT NULL DEFAULT '',
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_acknowledgements_fingerprint ON alert_acknowledgements (fingerprint, at);

-- Which alerts each notification told of, in which status and severity: with
-- notification_log (every delivery attempt, by notification_key), the history of what was
-- sent about an alert, to whom and when, delivered or not.
CREATE TABLE notification_alerts (
    notification_key text        NOT NULL,
    fingerprint      text        NOT NULL,
    subscription_id  uuid        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('firing', 'resolved')),
    severity         text,
    escalation       boolean     NOT NULL DEFAULT false,
    at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_key, fingerprint)
);
CREATE INDEX notification_alerts_fingerprint ON notification_alerts (fingerprint, at);
