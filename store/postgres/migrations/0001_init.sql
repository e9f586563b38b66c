-- The catalog of entity sets: each set's rows live in temper_p<id>, with
-- one generated, indexed column per primitive property (columns maps a
-- property name to its column and kind).
CREATE TABLE temper_sets (
    id          bigserial PRIMARY KEY,
    app         text   NOT NULL,
    set_name    text   NOT NULL,
    entity_type text   NOT NULL DEFAULT '',
    columns     jsonb  NOT NULL DEFAULT '{}',
    next_column bigint NOT NULL DEFAULT 1,
    UNIQUE (app, set_name)
);

-- One row per committed transition, idempotent by (entity, version).
CREATE TABLE temper_trajectories (
    id            bigserial   PRIMARY KEY,
    app           text        NOT NULL,
    set_name      text        NOT NULL,
    key           text        NOT NULL,
    version       bigint      NOT NULL,
    entity_type   text        NOT NULL,
    action        text        NOT NULL,
    params        jsonb       NOT NULL,
    principal     text        NOT NULL,
    status_before text        NOT NULL,
    status_after  text        NOT NULL,
    spec          text        NOT NULL,
    at            timestamptz NOT NULL,
    UNIQUE (app, set_name, key, version)
);
CREATE INDEX temper_trajectories_app ON temper_trajectories (app, at, id);

-- jsonb value -> typed value, or NULL when the JSON type or format does not
-- fit: what generated columns and queries read. They agree with the SQLite
-- backend's json_type checks and Go normalizers. The date/time ones parse
-- only ISO 8601 forms, which do not depend on DateStyle, so IMMUTABLE
-- holds for the values they accept.
CREATE FUNCTION temper_text(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'string' THEN j #>> '{}' END $$;

CREATE FUNCTION temper_guid(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'string' THEN lower(j #>> '{}') END $$;

CREATE FUNCTION temper_int(j jsonb) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'number' AND (j #>> '{}') ~ '^-?[0-9]+$'
    AND j::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN j::numeric::bigint END $$;

CREATE FUNCTION temper_float(j jsonb) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'number' THEN j::numeric::float8 END $$;

CREATE FUNCTION temper_bool(j jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN jsonb_typeof(j) = 'boolean' THEN j::boolean END $$;

CREATE FUNCTION temper_date(j jsonb) RETURNS date LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF jsonb_typeof(j) IS DISTINCT FROM 'string' OR (j #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN (j #>> '{}')::date;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION temper_timestamptz(j jsonb) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF jsonb_typeof(j) IS DISTINCT FROM 'string' OR (j #>> '{}') !~
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$' THEN
        RETURN NULL;
    END IF;
    RETURN (j #>> '{}')::timestamptz;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

CREATE FUNCTION temper_time(j jsonb) RETURNS time LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF jsonb_typeof(j) IS DISTINCT FROM 'string' OR (j #>> '{}') !~
        '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?$' THEN
        RETURN NULL;
    END IF;
    RETURN (j #>> '{}')::time;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
