-- depends: 0003.rollups_and_methods
-- Agencies that report figures, their API keys, and the answers kept for retried requests.
-- Owned by ingest.

-- What an agency may report: the jurisdictions it names and every unit below them (by the
-- catalog's parent links), and the listed indicators.
CREATE TABLE agencies (
    name          text        PRIMARY KEY,
    jurisdictions text[]      NOT NULL CHECK (cardinality(jurisdictions) > 0),
    indicators    text[]      NOT NULL CHECK (cardinality(indicators) > 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of each key's secret is kept; key_id is the key's public, non-secret part.
CREATE TABLE agency_keys (
    key_id      text        PRIMARY KEY,
    agency      text        NOT NULL REFERENCES agencies (name),
    secret_hash bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX agency_keys_agency ON agency_keys (agency) WHERE revoked_at IS NULL;

-- The first answer to a request sent with an Idempotency-Key, per API key, until it expires.
CREATE TABLE idempotent_responses (
    key_id          text        NOT NULL REFERENCES agency_keys (key_id),
    idempotency_key text        NOT NULL,
    request_hash    bytea       NOT NULL,
    status          integer     NOT NULL,
    body            bytea       NOT NULL,
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (key_id, idempotency_key)
);
CREATE INDEX idempotent_responses_expiry ON idempotent_responses (expires_at);
