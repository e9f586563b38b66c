-- Modules: an app's WASM modules by name, their bytes content addressed
-- (stored once per hash, however many names refer to it), and an app's
-- secrets, encrypted by the caller. Names that lists are ordered by
-- compare by code point (COLLATE "C"), as in SQLite.

-- The bytes of a module hash ("sha256:" and the hex digest), kept while a
-- module refers to it: the write that drops the last reference deletes
-- the row in the same transaction (under the row's lock, so a concurrent
-- upload of the same bytes either waits for the delete or keeps the row).
CREATE TABLE temper_module_blobs (
    hash  text COLLATE "C" NOT NULL PRIMARY KEY,
    size  bigint NOT NULL,
    bytes bytea  NOT NULL
);

-- The module each (app, name) refers to, replaced by a new upload.
CREATE TABLE temper_modules (
    app         text COLLATE "C" NOT NULL,
    name        text COLLATE "C" NOT NULL,
    hash        text COLLATE "C" NOT NULL REFERENCES temper_module_blobs (hash),
    uploaded_by text        NOT NULL DEFAULT '',
    uploaded_at timestamptz NOT NULL,
    PRIMARY KEY (app, name)
);
-- Whether any module still refers to a hash (and the foreign key check
-- when a blob is deleted).
CREATE INDEX temper_modules_hash ON temper_modules (hash);

-- An app's secrets, the value sealed by the caller; replaced whole.
CREATE TABLE temper_secrets (
    app        text COLLATE "C" NOT NULL,
    name       text COLLATE "C" NOT NULL,
    ciphertext bytea       NOT NULL,
    updated_by text        NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (app, name)
);
