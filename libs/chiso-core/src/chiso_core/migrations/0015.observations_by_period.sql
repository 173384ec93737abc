-- depends: 0014.catalog_version
-- Scoring looks observations up by point (jurisdiction, indicator, grain, period) for a
-- batch's keys (store.points_at, store.child_sums). On a chunk not analysed yet, the planner
-- took the hypertable's default index, on period_start alone, for those lookups: every figure
-- of the period read for each key (a batch of 5,000 figures of one month beside 20,000 others
-- filtered 25 million rows, 2 to 8 s). Its replacement leads with period_start too, so it
-- serves the same scans by period, and holds the point: no plan reads a period whole for one.
DROP INDEX observations_period_start_idx;
CREATE INDEX observations_by_period
    ON observations (period_start, jurisdiction_id, indicator_code, grain);
