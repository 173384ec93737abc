-- depends: 0004.agencies
-- Owned by ingest (feed adapters). Where each polled feed stands: the validators of the last
-- document whose observations the broker acknowledged (sent back as If-None-Match /
-- If-Modified-Since), and that document's hash, so an unchanged body is not published again
-- by a server that sends no validators. Written only after the broker acknowledged.
CREATE TABLE feed_cursors (
    feed          text        PRIMARY KEY,
    etag          text,
    last_modified text,
    body_sha256   bytea       NOT NULL,
    published     integer     NOT NULL CHECK (published >= 0),
    rejected      integer     NOT NULL CHECK (rejected >= 0),
    advanced_at   timestamptz NOT NULL,
    -- The last poll that succeeded, whether it brought anything new or not.
    checked_at    timestamptz NOT NULL
);
