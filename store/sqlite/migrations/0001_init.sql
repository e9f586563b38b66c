-- The catalog of entity sets: each set's rows live in temper_p<id>, with
-- one generated, indexed column per primitive property (columns maps a
-- property name to its column and kind).
CREATE TABLE temper_sets (
    id          INTEGER PRIMARY KEY,
    app         TEXT    NOT NULL,
    set_name    TEXT    NOT NULL,
    entity_type TEXT    NOT NULL DEFAULT '',
    columns     TEXT    NOT NULL DEFAULT '{}',
    next_column INTEGER NOT NULL DEFAULT 1,
    UNIQUE (app, set_name)
);

-- One row per committed transition, idempotent by (entity, version).
CREATE TABLE temper_trajectories (
    id            INTEGER PRIMARY KEY,
    app           TEXT    NOT NULL,
    set_name      TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    entity_type   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    params        TEXT    NOT NULL,
    principal     TEXT    NOT NULL,
    status_before TEXT    NOT NULL,
    status_after  TEXT    NOT NULL,
    spec          TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    UNIQUE (app, set_name, key, version)
);
CREATE INDEX temper_trajectories_app ON temper_trajectories (app, at, id);
