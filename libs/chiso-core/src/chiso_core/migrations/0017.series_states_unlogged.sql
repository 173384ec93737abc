-- depends: 0016.series_states
-- Each series' state moves to a table of its own, beside its version rather than in the same
-- row, and unlogged. Measured on 5,000 series a batch (the bump, the keeping of the states and
-- the commit, µs a series, two runs each): in the version's row, every bump copied the whole
-- record (1–4 kB) into a new row version only to raise the count, and every write of it went to
-- the WAL: 48–51 at 1.6 kB, 98–122 at 3.4 kB (ten years of monthly figures), against 35–38 and
-- 67–87 here. A state is what scoring keeps to spare reading the history, rebuilt from the
-- stored figures whenever it is missing: after a crash (an unlogged table is emptied) or on a
-- standby promoted in a failover (unlogged tables are not replicated), each series is read back
-- once, as after an upgrade of the methods.
CREATE UNLOGGED TABLE series_states (
    jurisdiction_id text NOT NULL,
    indicator_code text NOT NULL,
    version bigint NOT NULL,  -- the series' version it was written at
    state bytea NOT NULL,
    PRIMARY KEY (jurisdiction_id, indicator_code),
    -- a state outlives no version count: versions counted again from 1 would make an old
    -- state look current
    FOREIGN KEY (jurisdiction_id, indicator_code)
        REFERENCES series_versions (jurisdiction_id, indicator_code) ON DELETE CASCADE
);
-- updated once a batch: room on each page keeps the new versions there (HOT updates), and a
-- record stays in its row rather than tried for compression and moved to a TOAST table
ALTER TABLE series_states SET (fillfactor = 50, toast_tuple_target = 8160);
ALTER TABLE series_versions DROP COLUMN state, DROP COLUMN state_version;
