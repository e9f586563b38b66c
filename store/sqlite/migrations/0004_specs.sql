-- Specs: content-addressed spec versions (immutable once put) with their
-- files and cascade report, the version each app serves, and one record
-- per deploy. Times are fixed-width UTC text, so text order is time order.

-- A version is identified by (app, version), version being the bundle's
-- content hash; report is the cascade's JSON report as given (NULL: none).
CREATE TABLE temper_spec_versions (
    app          TEXT NOT NULL,
    version      TEXT NOT NULL,
    verifier     TEXT NOT NULL DEFAULT '',
    report       TEXT,
    submitted_by TEXT NOT NULL DEFAULT '',
    approved_by  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    PRIMARY KEY (app, version)
);
-- Newest first per app.
CREATE INDEX temper_spec_versions_created ON temper_spec_versions (app, created_at, version);

-- A version's files, one row each, the content as bytes (lossless for any
-- content, empty files included).
CREATE TABLE temper_spec_files (
    app     TEXT NOT NULL,
    version TEXT NOT NULL,
    name    TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (app, version, name),
    FOREIGN KEY (app, version) REFERENCES temper_spec_versions (app, version) ON DELETE CASCADE
);

-- The version each app serves: one row per app, replaced on activation.
CREATE TABLE temper_active_versions (
    app          TEXT NOT NULL PRIMARY KEY,
    version      TEXT NOT NULL,
    activated_by TEXT NOT NULL DEFAULT '',
    activated_at TEXT NOT NULL,
    FOREIGN KEY (app, version) REFERENCES temper_spec_versions (app, version)
);

-- One row per submission's way through the pipeline, replaced as it
-- advances; report is the deploy report's JSON as given (NULL: none).
CREATE TABLE temper_deploys (
    id           TEXT NOT NULL PRIMARY KEY,
    app          TEXT NOT NULL,
    version      TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    mode         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    step         TEXT NOT NULL DEFAULT '',
    report       TEXT,
    error        TEXT NOT NULL DEFAULT '',
    submitted_by TEXT NOT NULL DEFAULT '',
    approved_by  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);
-- An app's deploys, newest first.
CREATE INDEX temper_deploys_app ON temper_deploys (app, created_at, id);
