-- depends: 0010.read_permission
-- How many batches have stored figures in each series. Scoring keeps each series' state (what
-- its judgements read: the first figure, the lookback window, one summary per year) in memory,
-- tagged with the version it was built at. A batch bumps the versions of the series it stores
-- figures in, under the series' lock: a process whose state is one version behind the bumped
-- one holds the series' current state; any other (a rebalance handed it the partition, another
-- process wrote the series meanwhile) builds the state again from the history.
CREATE TABLE series_versions (
    jurisdiction_id text NOT NULL,
    indicator_code text NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (jurisdiction_id, indicator_code)
);
