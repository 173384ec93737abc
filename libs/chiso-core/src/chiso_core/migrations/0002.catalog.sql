-- depends: 0001.initial
-- The catalog as loaded by `chiso catalog load`. A plan whose content changes gets a new
-- revision; scores keep the revision they were computed against.
CREATE TABLE catalog_indicators (
    code       text        PRIMARY KEY,
    body       jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog_jurisdictions (
    id         text        PRIMARY KEY,
    code       text,
    body       jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalog_plans (
    plan_id      text        NOT NULL,
    revision     integer     NOT NULL CHECK (revision >= 1),
    content_hash text        NOT NULL,
    body         jsonb       NOT NULL,
    loaded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, revision)
);

-- The targets of every revision, one row each: what dashboards and reports join scores with.
CREATE TABLE plan_targets (
    plan_id        text             NOT NULL,
    revision       integer          NOT NULL,
    target_id      text             NOT NULL,
    indicator_code text             NOT NULL,
    comparator     text             NOT NULL,
    value          double precision,
    value_high     double precision,
    unit           text             NOT NULL,
    due_year       integer          NOT NULL,
    quote          text             NOT NULL,
    PRIMARY KEY (plan_id, revision, target_id),
    FOREIGN KEY (plan_id, revision) REFERENCES catalog_plans (plan_id, revision)
);

CREATE VIEW plans_current AS
SELECT DISTINCT ON (plan_id) plan_id, revision, content_hash, body, loaded_at
  FROM catalog_plans
 ORDER BY plan_id, revision DESC;
