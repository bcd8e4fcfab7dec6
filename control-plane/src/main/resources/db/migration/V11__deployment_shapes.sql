-- Deployment shapes: named presets per base model (FAST, THROUGHPUT, MINIMAL), each a series of immutable versions.
-- A shape row says which version is the latest; each version holds the whole snapshot a deployment copies.
CREATE TABLE deployment_shape (
    account_id      VARCHAR(63)  NOT NULL,
    shape_id        VARCHAR(63)  NOT NULL,
    base_model      VARCHAR(255) NOT NULL,
    preset_type     VARCHAR(32)  NOT NULL,
    latest_version  BIGINT       NOT NULL,
    create_time     TIMESTAMPTZ  NOT NULL,
    update_time     TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, shape_id)
);

CREATE INDEX deployment_shape_base_model ON deployment_shape (account_id, base_model);

CREATE TABLE deployment_shape_version (
    account_id                VARCHAR(63)  NOT NULL,
    shape_id                  VARCHAR(63)  NOT NULL,
    version                   BIGINT       NOT NULL,
    latest                    BOOLEAN      NOT NULL,
    validated                 BOOLEAN      NOT NULL,
    public_version            BOOLEAN      NOT NULL,
    create_time               TIMESTAMPTZ  NOT NULL,
    display_name              VARCHAR(64)  NOT NULL,
    description               TEXT         NOT NULL,
    base_model                VARCHAR(255) NOT NULL,
    model_type                VARCHAR(32)  NOT NULL,
    parameter_count           BIGINT       NOT NULL,
    preset_type               VARCHAR(32)  NOT NULL,
    accelerator_type          VARCHAR(32)  NOT NULL,
    accelerator_count         INT          NOT NULL,
    precision                 VARCHAR(32)  NOT NULL,
    draft_model               VARCHAR(255),
    draft_token_count         INT,
    ngram_speculation_length  INT,
    enable_addons             BOOLEAN,
    max_context_length        INT,
    PRIMARY KEY (account_id, shape_id, version),
    FOREIGN KEY (account_id, shape_id) REFERENCES deployment_shape (account_id, shape_id)
);

-- "Every version for this base model" (firectl deployment-shape-version list --base-model).
CREATE INDEX deployment_shape_version_base_model ON deployment_shape_version (account_id, base_model);

-- The rest of Fireworks' deployment fields: the shape version it was made from, speculative decoding, addons and
-- context length (0 / false / null: not set), and how many :scale requests it has had (orders them for the
-- scheduler).
ALTER TABLE deployment
    ADD COLUMN deployment_shape          VARCHAR(255),
    ADD COLUMN draft_model               VARCHAR(255),
    ADD COLUMN draft_token_count         INT     NOT NULL DEFAULT 0,
    ADD COLUMN ngram_speculation_length  INT     NOT NULL DEFAULT 0,
    ADD COLUMN enable_addons             BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN max_context_length        INT     NOT NULL DEFAULT 0,
    ADD COLUMN scale_sequence            BIGINT  NOT NULL DEFAULT 0;

-- The purge job's question: which soft-deleted deployments are past their purgeTime.
CREATE INDEX deployment_purge_time ON deployment (purge_time) WHERE purge_time IS NOT NULL;
