-- depends: 0011.series_versions
-- Who answers for each target (catalog/agencies.yaml and the plans' `owners`), and what the
-- owners say about their targets. Owners are kept apart from the plan revisions: handing a
-- target to another agency changes nobody's figures, so it makes no new revision and leaves the
-- scores where they are. Replaced whole by every `chiso catalog load`.
CREATE TABLE catalog_agencies (
    id         text        PRIMARY KEY,
    body       jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- As the plan files say: target_id '' is the plan's default for targets that name no owners.
CREATE TABLE catalog_owners (
    plan_id    text   NOT NULL,
    target_id  text   NOT NULL,
    lead       text   NOT NULL REFERENCES catalog_agencies (id),
    supporting text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (plan_id, target_id)
);

-- Each target of each plan's current revision with its owners resolved (its own, else the
-- plan's): what alerts and dashboards read.
CREATE VIEW target_owners AS
SELECT t.plan_id, t.target_id, t.indicator_code, p.body ->> 'jurisdiction' AS jurisdiction_id,
       o.lead, o.supporting
  FROM plans_current p
  JOIN plan_targets t ON t.plan_id = p.plan_id AND t.revision = p.revision
  JOIN LATERAL (
      SELECT lead, supporting FROM catalog_owners c
       WHERE c.plan_id = t.plan_id AND c.target_id IN (t.target_id, '')
       ORDER BY c.target_id DESC  -- the target's own row before the plan's ''
       LIMIT 1
  ) o ON true;

-- What an owner says about a target for a period: what was done, the difficulties, the next
-- actions. Never updated: a new word is a new row, the latest is the one shown.
CREATE TABLE target_explanations (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       text        NOT NULL,
    target_id     text        NOT NULL,
    period        text        NOT NULL,
    agency        text        NOT NULL,
    key_id        text        NOT NULL,
    done          text        NOT NULL,
    difficulties  text        NOT NULL,
    next_actions  text        NOT NULL,
    evidence_url  text,
    channel       text        NOT NULL CHECK (channel IN ('api', 'file')),
    recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX target_explanations_by_target
    ON target_explanations (plan_id, target_id, recorded_at DESC, id DESC);

CREATE FUNCTION target_explanations_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'target_explanations keeps history: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER target_explanations_history BEFORE UPDATE OR DELETE ON target_explanations
    FOR EACH ROW EXECUTE FUNCTION target_explanations_keep();

-- Each target's latest explanation, whichever period it is about.
CREATE VIEW target_explanations_latest AS
SELECT DISTINCT ON (plan_id, target_id) *
  FROM target_explanations
 ORDER BY plan_id, target_id, recorded_at DESC, id DESC;

-- The dashboards' view of owners (in both languages) and of each target's latest explanation.
CREATE VIEW dash_target_owners AS
SELECT o.plan_id, o.target_id, o.indicator_code, o.jurisdiction_id, o.lead AS lead_id,
       a.body ->> 'name_vi' AS lead_name_vi, a.body ->> 'name_en' AS lead_name_en,
       s.names_vi AS supporting_name_vi, s.names_en AS supporting_name_en,
       e.period AS explained_period, e.done, e.difficulties, e.next_actions, e.evidence_url,
       e.agency AS explained_by, e.recorded_at AS explained_at
  FROM target_owners o
  LEFT JOIN catalog_agencies a ON a.id = o.lead
  LEFT JOIN LATERAL (
      SELECT string_agg(c.body ->> 'name_vi', '; ' ORDER BY x.n) AS names_vi,
             string_agg(c.body ->> 'name_en', '; ' ORDER BY x.n) AS names_en
        FROM unnest(o.supporting) WITH ORDINALITY x (id, n)
        JOIN catalog_agencies c ON c.id = x.id
  ) s ON true
  LEFT JOIN target_explanations_latest e
    ON e.plan_id = o.plan_id AND e.target_id = o.target_id;

-- The reporting calendar (docs/catalog.md, "The reporting calendar"; chiso_core.timeliness is
-- the same rule in Python, and a test holds the two equal): the last day a period's figure is on
-- time. The window opens `lag_days` after the period ends and lasts 1, 2 or 6 months by cadence;
-- a day missing N months on (31 May + 1 month) is the 1st of the month after.
CREATE FUNCTION report_due_date(period_start date, cadence text, lag_days integer)
RETURNS date LANGUAGE sql IMMUTABLE STRICT AS $$
    WITH o AS (
        SELECT (period_start + CASE cadence WHEN 'month' THEN interval '1 month'
                                            WHEN 'quarter' THEN interval '3 months'
                                            ELSE interval '1 year' END)::date + lag_days AS opens,
               CASE cadence WHEN 'month' THEN 1 WHEN 'quarter' THEN 2 ELSE 6 END AS window_months
    ), w AS (
        SELECT opens, (opens + make_interval(months => window_months))::date AS clipped FROM o
    )
    SELECT CASE WHEN extract(day FROM clipped) = extract(day FROM opens) THEN clipped
                ELSE (date_trunc('month', clipped) + interval '1 month')::date END - 1
      FROM w
$$;

-- Every period each lead agency owes for its targets' indicators, over the previous and the
-- current year (Vietnam time) up to periods already over, with the day its figure was first
-- reported (rolled-up figures are nobody's report) and the verdict.
CREATE VIEW report_calendar AS
WITH today AS (
    SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day
), owed AS (
    SELECT DISTINCT o.lead AS agency, o.indicator_code, o.jurisdiction_id,
           i.body ->> 'cadence' AS cadence,
           coalesce((i.body ->> 'publication_lag_days')::integer, 0) AS lag_days,
           CASE i.body ->> 'cadence' WHEN 'month' THEN interval '1 month'
                                     WHEN 'quarter' THEN interval '3 months'
                                     ELSE interval '1 year' END AS step
      FROM target_owners o
      JOIN catalog_indicators i ON i.code = o.indicator_code
), periods AS (
    SELECT w.agency, w.indicator_code, w.jurisdiction_id, w.cadence, p::date AS period_start,
           report_due_date(p::date, w.cadence, w.lag_days) AS due, t.day AS today
      FROM owed w
     CROSS JOIN today t
     CROSS JOIN LATERAL generate_series(make_date(extract(year FROM t.day)::integer - 1, 1, 1),
                                        t.day, w.step) p
     WHERE (p + w.step)::date <= t.day + 1
)
SELECT p.agency, p.indicator_code, p.jurisdiction_id, p.cadence AS grain, p.period_start, p.due,
       r.first_reported,
       CASE WHEN r.first_reported IS NOT NULL
                 THEN CASE WHEN r.first_reported <= p.due THEN 'on_time' ELSE 'late' END
            WHEN p.today > p.due THEN 'missing'
            ELSE 'not_due' END AS timeliness
  FROM periods p
  LEFT JOIN LATERAL (
      SELECT min(ob.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS first_reported
        FROM observations ob
       WHERE ob.jurisdiction_id = p.jurisdiction_id AND ob.indicator_code = p.indicator_code
         AND ob.grain = p.cadence AND ob.period_start = p.period_start AND NOT ob.derived
  ) r ON true;

-- Timeliness per agency and jurisdiction over the periods already due.
CREATE VIEW dash_timeliness AS
SELECT c.agency AS agency_id, a.body ->> 'name_vi' AS name_vi, a.body ->> 'name_en' AS name_en,
       c.jurisdiction_id,
       count(*) FILTER (WHERE c.timeliness <> 'not_due') AS due,
       count(*) FILTER (WHERE c.timeliness = 'on_time') AS on_time,
       count(*) FILTER (WHERE c.timeliness = 'late') AS late,
       count(*) FILTER (WHERE c.timeliness = 'missing') AS missing,
       (count(*) FILTER (WHERE c.timeliness = 'on_time'))::double precision
           / nullif(count(*) FILTER (WHERE c.timeliness <> 'not_due'), 0) AS on_time_rate,
       (count(*) FILTER (WHERE c.timeliness IN ('on_time', 'late')))::double precision
           / nullif(count(*) FILTER (WHERE c.timeliness <> 'not_due'), 0) AS reporting_rate
  FROM report_calendar c
  LEFT JOIN catalog_agencies a ON a.id = c.agency
 GROUP BY c.agency, a.body, c.jurisdiction_id;

GRANT SELECT ON dash_target_owners, dash_timeliness TO grafana_reader;
