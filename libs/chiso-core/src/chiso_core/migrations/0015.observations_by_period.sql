-- depends: 0014.catalog_version
-- Scoring looks observations up by point (jurisdiction, indicator, grain, period) for a
-- batch's keys (store.points_at, store.child_sums). Prepared and planned once for any period
-- and any keys (a generic plan), the lookup probed the hypertable's default index, on
-- period_start alone, for each key and went through the period's figures each time (5,000
-- keys of one month beside 20,000 figures: 25 million rows filtered, 2 to 8 s a batch). The
-- index that replaces it leads with period_start too, so it serves the same scans by period,
-- and holds the point: no plan goes through a period whole for one key.
DROP INDEX observations_period_start_idx;
CREATE INDEX observations_by_period
    ON observations (period_start, jurisdiction_id, indicator_code, grain);
