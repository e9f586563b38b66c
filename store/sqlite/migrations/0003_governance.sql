-- Governance: who may call (principals), what they may do (policies), the
-- denials waiting for a human (decisions) and one record per call
-- (trajectories). Times are fixed-width UTC text, so text order is time
-- order.

-- A principal is identified by (kind, id); its bearer token is kept only
-- as a hash, unique (NULL: a principal without a token).
CREATE TABLE temper_principals (
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    type       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL DEFAULT '',
    token_hash TEXT UNIQUE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    PRIMARY KEY (kind, id)
);

CREATE TABLE temper_policies (
    app         TEXT NOT NULL,
    id          TEXT NOT NULL,
    text        TEXT NOT NULL,
    decision_id TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    PRIMARY KEY (app, id)
);

CREATE TABLE temper_decisions (
    id            TEXT NOT NULL PRIMARY KEY,
    app           TEXT NOT NULL,
    principal     TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
    reason        TEXT NOT NULL DEFAULT '',
    scope         TEXT NOT NULL DEFAULT '',
    policy_id     TEXT NOT NULL DEFAULT '',
    decided_by    TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    decided_at    TEXT
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
    id            INTEGER PRIMARY KEY,
    at            TEXT    NOT NULL,
    app           TEXT    NOT NULL,
    entity_type   TEXT    NOT NULL DEFAULT '',
    entity_set    TEXT    NOT NULL DEFAULT '',
    entity_id     TEXT    NOT NULL DEFAULT '',
    action        TEXT    NOT NULL DEFAULT '',
    principal     TEXT    NOT NULL DEFAULT '',
    from_status   TEXT    NOT NULL DEFAULT '',
    to_status     TEXT    NOT NULL DEFAULT '',
    outcome       TEXT    NOT NULL DEFAULT '',
    authz         TEXT    NOT NULL DEFAULT '',
    policies      TEXT    NOT NULL DEFAULT '[]',
    decision_id   TEXT    NOT NULL DEFAULT '',
    http_status   INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    duration_us   INTEGER NOT NULL DEFAULT 0,
    trace_id      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX temper_trajectories_app ON temper_trajectories (app, id);
CREATE INDEX temper_trajectories_principal ON temper_trajectories (app, principal, id);
CREATE INDEX temper_trajectories_outcome ON temper_trajectories (app, outcome, id);
CREATE INDEX temper_trajectories_entity ON temper_trajectories (app, entity_type, entity_id, id);
