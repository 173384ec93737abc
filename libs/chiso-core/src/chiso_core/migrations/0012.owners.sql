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

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'target_explanations keeps history: % is not allowed', TG_OP;
END $$;
CREATE TRIGGER target_explanations_history BEFORE UPDATE OR DELETE ON target_explanations
    FOR EACH ROW EXECUTE FUNCTION forbid_change();

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

GRANT SELECT ON dash_target_owners TO grafana_reader;
