-- A key deleted and created again is a new incarnation of the entity: its
-- versions start over, so transitions are identified by (entity,
-- incarnation, version). Records from before this migration get the
-- empty incarnation.
ALTER TABLE temper_transitions ADD COLUMN incarnation text NOT NULL DEFAULT '';
ALTER TABLE temper_transitions DROP CONSTRAINT temper_trajectories_app_set_name_key_version_key;
ALTER TABLE temper_transitions ADD CONSTRAINT temper_transitions_entity_version
    UNIQUE (app, set_name, key, incarnation, version);
CREATE INDEX temper_transitions_entity ON temper_transitions (app, set_name, key, at, id);
