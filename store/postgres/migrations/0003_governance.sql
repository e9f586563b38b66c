-- Governance: who may call (principals), what they may do (policies), the
-- denials waiting for a human (decisions) and one record per call
-- (trajectories). Names that lists are ordered by compare by code point
-- (COLLATE "C"), as in SQLite.

-- A principal is identified by (kind, id); its bearer token is kept only
-- as a hash, unique (NULL: a principal without a token).
CREATE TABLE temper_principals (
    kind       text COLLATE "C" NOT NULL,
    id         text COLLATE "C" NOT NULL,
    type       text        NOT NULL DEFAULT '',
    role       text        NOT NULL DEFAULT '',
    token_hash text        UNIQUE,
    created_by text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    PRIMARY KEY (kind, id)
);

CREATE TABLE temper_policies (
    app         text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    text        text        NOT NULL,
    decision_id text        NOT NULL DEFAULT '',
    created_by  text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (app, id)
);

CREATE TABLE temper_decisions (
    id            text COLLATE "C" NOT NULL PRIMARY KEY,
    app           text COLLATE "C" NOT NULL,
    principal     text        NOT NULL,
    action        text        NOT NULL,
    resource_type text        NOT NULL,
    resource_id   text        NOT NULL DEFAULT '',
    status        text        NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    reason        text        NOT NULL DEFAULT '',
    scope         text        NOT NULL DEFAULT '',
    policy_id     text        NOT NULL DEFAULT '',
    decided_by    text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    decided_at    timestamptz
);
-- At most one open (pending or denied) decision per request: what makes
-- OpenDecision's deduplication hold under concurrent callers.
CREATE UNIQUE INDEX temper_decisions_open ON temper_decisions (app, principal, action, resource_type, resource_id)
    WHERE status IN ('pending', 'denied');
-- Newest first, by app and status, or by app, or by principal, or over
-- all apps.
CREATE INDEX temper_decisions_app_status ON temper_decisions (app, status, created_at, id);
CREATE INDEX temper_decisions_app ON temper_decisions (app, created_at, id);
CREATE INDEX temper_decisions_principal ON temper_decisions (principal, created_at, id);
CREATE INDEX temper_decisions_created ON temper_decisions (created_at, id);

-- One row per call, whatever its outcome; id increases, and pages run
-- newest first by id. policies is a JSON array of policy ids.
CREATE TABLE temper_trajectories (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL,
    app         text        NOT NULL,
    entity_type text        NOT NULL DEFAULT '',
    entity_set  text        NOT NULL DEFAULT '',
    entity_id   text        NOT NULL DEFAULT '',
    action      text        NOT NULL DEFAULT '',
    principal   text        NOT NULL DEFAULT '',
    from_status text        NOT NULL DEFAULT '',
    to_status   text        NOT NULL DEFAULT '',
    outcome     text        NOT NULL DEFAULT '',
    authz       text        NOT NULL DEFAULT '',
    policies    jsonb       NOT NULL DEFAULT '[]',
    decision_id text        NOT NULL DEFAULT '',
    http_status integer     NOT NULL DEFAULT 0,
    error       text        NOT NULL DEFAULT '',
    duration_us bigint      NOT NULL DEFAULT 0,
    trace_id    text        NOT NULL DEFAULT ''
);
CREATE INDEX temper_trajectories_app ON temper_trajectories (app, id);
CREATE INDEX temper_trajectories_principal ON temper_trajectories (app, principal, id);
CREATE INDEX temper_trajectories_outcome ON temper_trajectories (app, outcome, id);
CREATE INDEX temper_trajectories_entity ON temper_trajectories (app, entity_type, entity_id, id);
