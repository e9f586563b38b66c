-- Specs: content-addressed spec versions (immutable once put) with their
-- files and cascade report, the version each app serves, and one record
-- per deploy. Names that lists are ordered by compare by code point
-- (COLLATE "C"), as in SQLite.

-- A version is identified by (app, version), version being the bundle's
-- content hash; report is the cascade's JSON report, kept as given (json,
-- not jsonb, which would reformat it; NULL: none).
CREATE TABLE temper_spec_versions (
    app          text COLLATE "C" NOT NULL,
    version      text COLLATE "C" NOT NULL,
    verifier     text        NOT NULL DEFAULT '',
    report       json,
    submitted_by text        NOT NULL DEFAULT '',
    approved_by  text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (app, version)
);
-- Newest first per app.
CREATE INDEX temper_spec_versions_created ON temper_spec_versions (app, created_at, version);

-- A version's files, one row each, the content as bytes (lossless for any
-- content, empty files included).
CREATE TABLE temper_spec_files (
    app     text COLLATE "C" NOT NULL,
    version text COLLATE "C" NOT NULL,
    name    text COLLATE "C" NOT NULL,
    content bytea NOT NULL,
    PRIMARY KEY (app, version, name),
    FOREIGN KEY (app, version) REFERENCES temper_spec_versions (app, version) ON DELETE CASCADE
);

-- The version each app serves: one row per app, replaced on activation.
CREATE TABLE temper_active_versions (
    app          text COLLATE "C" NOT NULL PRIMARY KEY,
    version      text COLLATE "C" NOT NULL,
    activated_by text        NOT NULL DEFAULT '',
    activated_at timestamptz NOT NULL,
    FOREIGN KEY (app, version) REFERENCES temper_spec_versions (app, version)
);

-- One row per submission's way through the pipeline, replaced as it
-- advances; report is the deploy report's JSON as given (NULL: none).
CREATE TABLE temper_deploys (
    id           text COLLATE "C" NOT NULL PRIMARY KEY,
    app          text COLLATE "C" NOT NULL,
    version      text        NOT NULL DEFAULT '',
    kind         text        NOT NULL,
    mode         text        NOT NULL DEFAULT '',
    status       text        NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    step         text        NOT NULL DEFAULT '',
    report       json,
    error        text        NOT NULL DEFAULT '',
    submitted_by text        NOT NULL DEFAULT '',
    approved_by  text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    finished_at  timestamptz
);
-- An app's deploys, newest first.
CREATE INDEX temper_deploys_app ON temper_deploys (app, created_at, id);
