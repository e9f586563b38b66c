-- The per-commit log was called temper_trajectories; trajectories are now
-- the per-call records (0003), and this table keeps one row per committed
-- transition under its own name.
ALTER TABLE temper_trajectories RENAME TO temper_transitions;
ALTER INDEX temper_trajectories_app RENAME TO temper_transitions_app;
