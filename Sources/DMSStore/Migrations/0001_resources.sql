-- The resource model: namespaces, connections, sources, targets, migration jobs, tokens.
-- Names follow the DNS-label rule (ResourceName in DMSCatalog); the CHECKs repeat it so that no
-- writer can slip past the API's validation.

CREATE TABLE namespaces (
    name        text PRIMARY KEY CONSTRAINT namespaces_name_rule CHECK (name ~ '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'),
    description text NOT NULL DEFAULT '',
    revision    bigint NOT NULL DEFAULT 1,
    create_time timestamptz NOT NULL DEFAULT now(),
    update_time timestamptz NOT NULL DEFAULT now()
);

INSERT INTO namespaces (name, description) VALUES ('default', 'Where calls that name no namespace go.');

-- A connection's configuration is split: `schema` holds the non-secret fields as given,
-- `secrets` maps each secret field to its AES-256-GCM sealed value (bound to row and field).
CREATE TABLE connections (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CONSTRAINT connections_name_key UNIQUE
                CONSTRAINT connections_name_rule CHECK (name ~ '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'),
    namespace   text NOT NULL CONSTRAINT connections_namespace_fk REFERENCES namespaces (name),
    type        text NOT NULL,
    version     integer NOT NULL CHECK (version >= 1),
    schema      jsonb NOT NULL CHECK (jsonb_typeof(schema) = 'object'),
    secrets     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(secrets) = 'object'),
    revision    bigint NOT NULL DEFAULT 1,
    create_time timestamptz NOT NULL DEFAULT now(),
    update_time timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT connections_id_namespace_key UNIQUE (id, namespace)
);

-- Sources and targets store only their overrides. The composite foreign key makes a reference to
-- a connection of another namespace impossible, whatever the writer.
CREATE TABLE sources (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CONSTRAINT sources_name_rule CHECK (name ~ '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'),
    namespace     text NOT NULL CONSTRAINT sources_namespace_fk REFERENCES namespaces (name),
    connection_id uuid NOT NULL,
    overrides     jsonb NOT NULL CHECK (jsonb_typeof(overrides) = 'object'),
    secrets       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(secrets) = 'object'),
    revision      bigint NOT NULL DEFAULT 1,
    create_time   timestamptz NOT NULL DEFAULT now(),
    update_time   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sources_name_key UNIQUE (namespace, name),
    CONSTRAINT sources_id_namespace_key UNIQUE (id, namespace),
    CONSTRAINT sources_connection_fk FOREIGN KEY (connection_id, namespace) REFERENCES connections (id, namespace)
);
CREATE INDEX sources_connection_idx ON sources (connection_id);

CREATE TABLE targets (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CONSTRAINT targets_name_rule CHECK (name ~ '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'),
    namespace     text NOT NULL CONSTRAINT targets_namespace_fk REFERENCES namespaces (name),
    connection_id uuid NOT NULL,
    overrides     jsonb NOT NULL CHECK (jsonb_typeof(overrides) = 'object'),
    secrets       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(secrets) = 'object'),
    revision      bigint NOT NULL DEFAULT 1,
    create_time   timestamptz NOT NULL DEFAULT now(),
    update_time   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT targets_name_key UNIQUE (namespace, name),
    CONSTRAINT targets_id_namespace_key UNIQUE (id, namespace),
    CONSTRAINT targets_connection_fk FOREIGN KEY (connection_id, namespace) REFERENCES connections (id, namespace)
);
CREATE INDEX targets_connection_idx ON targets (connection_id);

CREATE TABLE migration_jobs (
    id                    uuid PRIMARY KEY,
    name                  text NOT NULL CONSTRAINT migration_jobs_name_rule CHECK (name ~ '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$'),
    namespace             text NOT NULL CONSTRAINT migration_jobs_namespace_fk REFERENCES namespaces (name),
    source_id             uuid NOT NULL,
    target_id             uuid NOT NULL,
    schedule              text NOT NULL DEFAULT '',
    time_zone             text NOT NULL DEFAULT 'UTC',
    paused                boolean NOT NULL DEFAULT false,
    options               jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    spark_conf            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(spark_conf) = 'object'),
    timeout_seconds       bigint NOT NULL DEFAULT 0 CHECK (timeout_seconds >= 0),
    max_attempts          integer NOT NULL DEFAULT 1 CHECK (max_attempts >= 1),
    retry_backoff_seconds bigint NOT NULL DEFAULT 60 CHECK (retry_backoff_seconds >= 0),
    overlap_policy        integer NOT NULL DEFAULT 1,
    misfire_policy        integer NOT NULL DEFAULT 2,
    misfire_max_runs      integer NOT NULL DEFAULT 0 CHECK (misfire_max_runs >= 0),
    revision              bigint NOT NULL DEFAULT 1,
    create_time           timestamptz NOT NULL DEFAULT now(),
    update_time           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT migration_jobs_name_key UNIQUE (namespace, name),
    CONSTRAINT migration_jobs_source_fk FOREIGN KEY (source_id, namespace) REFERENCES sources (id, namespace),
    CONSTRAINT migration_jobs_target_fk FOREIGN KEY (target_id, namespace) REFERENCES targets (id, namespace)
);
CREATE INDEX migration_jobs_source_idx ON migration_jobs (source_id);
CREATE INDEX migration_jobs_target_idx ON migration_jobs (target_id);

-- API tokens: only the SHA-256 digest of the secret is kept. Admin tokens have no namespace;
-- editor and viewer tokens have exactly one.
CREATE TABLE tokens (
    id             uuid PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    namespace      text CONSTRAINT tokens_namespace_fk REFERENCES namespaces (name),
    role           text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    digest         text NOT NULL CONSTRAINT tokens_digest_key UNIQUE,
    prefix         text NOT NULL,
    create_time    timestamptz NOT NULL DEFAULT now(),
    expire_time    timestamptz,
    last_used_time timestamptz,
    revoke_time    timestamptz,
    CONSTRAINT tokens_scope_rule CHECK ((role = 'admin') = (namespace IS NULL))
);
CREATE UNIQUE INDEX tokens_name_key ON tokens (coalesce(namespace, ''), name) WHERE revoke_time IS NULL;
