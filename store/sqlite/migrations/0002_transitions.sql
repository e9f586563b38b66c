-- The per-commit log was called temper_trajectories; trajectories are now
-- the per-call records (0003), and this table keeps one row per committed
-- transition under its own name.
ALTER TABLE temper_trajectories RENAME TO temper_transitions;
DROP INDEX temper_trajectories_app;
CREATE INDEX temper_transitions_app ON temper_transitions (app, at, id);
