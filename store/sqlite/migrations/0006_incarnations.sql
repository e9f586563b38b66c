-- A key deleted and created again is a new incarnation of the entity: its
-- versions start over, so transitions are identified by (entity,
-- incarnation, version). Records from before this migration get the
-- empty incarnation.
CREATE TABLE temper_transitions_v2 (
    id            INTEGER PRIMARY KEY,
    app           TEXT    NOT NULL,
    set_name      TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    incarnation   TEXT    NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    entity_type   TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    params        TEXT    NOT NULL,
    principal     TEXT    NOT NULL,
    status_before TEXT    NOT NULL,
    status_after  TEXT    NOT NULL,
    spec          TEXT    NOT NULL,
    at            TEXT    NOT NULL,
    UNIQUE (app, set_name, key, incarnation, version)
);
INSERT INTO temper_transitions_v2 (id, app, set_name, key, version, entity_type, action, params, principal,
    status_before, status_after, spec, at)
SELECT id, app, set_name, key, version, entity_type, action, params, principal, status_before, status_after, spec, at
FROM temper_transitions;
DROP TABLE temper_transitions;
ALTER TABLE temper_transitions_v2 RENAME TO temper_transitions;
CREATE INDEX temper_transitions_app ON temper_transitions (app, at, id);
CREATE INDEX temper_transitions_entity ON temper_transitions (app, set_name, key, at, id);
