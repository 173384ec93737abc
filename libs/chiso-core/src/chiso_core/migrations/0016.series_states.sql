-- depends: 0015.observations_by_period
-- Each series' state (what its judgements read: the first figure, the lookback window, one
-- summary per year, the latest points and their scores as of their own end), kept beside its
-- version in the transaction that stores the figures it folds in, tagged with the version it
-- was written at (chiso_scoring.states). A batch reads it with the bump of the version, in the
-- same statement: a state exactly one version behind is the series' current one, whichever
-- process wrote it, so a restart or a rebalance reads no history and a process keeps no state
-- in memory.
ALTER TABLE series_versions
    ADD COLUMN state bytea,
    ADD COLUMN state_version bigint;
-- A batch updates each of its series' rows twice (the bump, then the state): room left on each
-- page keeps the new versions there (HOT updates, no index entry each), and a record (1–4 kB of
-- floats, which do not compress) stays in its row rather than tried for compression and moved
-- to a TOAST table at every write.
ALTER TABLE series_versions SET (fillfactor = 50, toast_tuple_target = 8160);
