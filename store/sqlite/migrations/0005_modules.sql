-- Modules: an app's WASM modules by name, their bytes content addressed
-- (stored once per hash, however many names refer to it), and an app's
-- secrets, encrypted by the caller. Times are fixed-width UTC text, so
-- text order is time order.

-- The bytes of a module hash ("sha256:" and the hex digest), kept while a
-- module refers to it: the write that drops the last reference deletes
-- the row in the same transaction. size comes before bytes so reading it
-- (a list) does not walk the bytes' overflow pages.
CREATE TABLE temper_module_blobs (
    hash  TEXT    NOT NULL PRIMARY KEY,
    size  INTEGER NOT NULL,
    bytes BLOB    NOT NULL
);

-- The module each (app, name) refers to, replaced by a new upload.
CREATE TABLE temper_modules (
    app         TEXT NOT NULL,
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL REFERENCES temper_module_blobs (hash),
    uploaded_by TEXT NOT NULL DEFAULT '',
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (app, name)
);
-- Whether any module still refers to a hash (and the foreign key check
-- when a blob is deleted).
CREATE INDEX temper_modules_hash ON temper_modules (hash);

-- An app's secrets, the value sealed by the caller; replaced whole.
CREATE TABLE temper_secrets (
    app        TEXT NOT NULL,
    name       TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (app, name)
);
