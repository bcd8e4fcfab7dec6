-- Custom base models and LoRA addons (the catalog's models get the new columns too), their uploaded files, the
-- upload URL signing key, and deployed models (LoRA addons loaded onto deployments).

ALTER TABLE model ADD COLUMN uid VARCHAR(64);
UPDATE model SET uid = md5(account_id || '/' || model_id);
ALTER TABLE model ALTER COLUMN uid SET NOT NULL;
ALTER TABLE model ADD CONSTRAINT model_uid_unique UNIQUE (uid);

ALTER TABLE model ADD COLUMN update_time TIMESTAMPTZ;
UPDATE model SET update_time = create_time;
ALTER TABLE model ALTER COLUMN update_time SET NOT NULL;

ALTER TABLE model
    ADD COLUMN description           TEXT         NOT NULL DEFAULT '',
    ADD COLUMN github_url            TEXT,
    ADD COLUMN hugging_face_url      TEXT,
    ADD COLUMN supports_tools        BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN supports_image_input  BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN world_size            INT          NOT NULL DEFAULT 1,
    ADD COLUMN moe                   BOOLEAN      NOT NULL DEFAULT FALSE,
    ADD COLUMN model_type            VARCHAR(64),
    ADD COLUMN checkpoint_format     VARCHAR(32)  NOT NULL DEFAULT 'HUGGINGFACE',
    -- LoRA addons: the base model they were trained on, their rank and target modules (JSON array).
    ADD COLUMN peft_base_model       VARCHAR(255),
    ADD COLUMN lora_rank             INT,
    ADD COLUMN target_modules        TEXT;

UPDATE model SET moe = active_parameter_count < parameter_count;

CREATE INDEX model_by_peft_base_model ON model (peft_base_model) WHERE peft_base_model IS NOT NULL;
CREATE INDEX model_list_by_create_time ON model (account_id, create_time, model_id);
CREATE INDEX model_list_by_display_name ON model (account_id, display_name, model_id);

-- The files a model's upload declared (getUploadEndpoint) and, once each arrived whole, when and with which hash.
CREATE TABLE model_file (
    account_id    VARCHAR(63)  NOT NULL,
    model_id      VARCHAR(63)  NOT NULL,
    filename      VARCHAR(255) NOT NULL,
    size_bytes    BIGINT       NOT NULL,
    sha256        CHAR(64),
    upload_time   TIMESTAMPTZ,
    PRIMARY KEY (account_id, model_id, filename),
    FOREIGN KEY (account_id, model_id) REFERENCES model (account_id, model_id) ON DELETE CASCADE
);

-- The secret signed upload URLs are made with, when ember.blob.signing-key does not give one.
CREATE TABLE blob_signing_key (
    key_id       VARCHAR(63) PRIMARY KEY,
    secret       TEXT        NOT NULL,
    create_time  TIMESTAMPTZ NOT NULL
);

CREATE TABLE deployed_model (
    account_id         VARCHAR(63)  NOT NULL,
    deployed_model_id  VARCHAR(63)  NOT NULL,
    uid                VARCHAR(64)  NOT NULL UNIQUE,
    generation         BIGINT       NOT NULL,
    display_name       VARCHAR(64)  NOT NULL,
    description        TEXT         NOT NULL,
    model              VARCHAR(255) NOT NULL,
    base_model         VARCHAR(255) NOT NULL,
    deployment_id      VARCHAR(63)  NOT NULL,
    deployment_uid     VARCHAR(64)  NOT NULL,
    default_target     BOOLEAN      NOT NULL,
    state              VARCHAR(32)  NOT NULL,
    status_code        VARCHAR(32)  NOT NULL,
    status_message     TEXT         NOT NULL,
    create_time        TIMESTAMPTZ  NOT NULL,
    update_time        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, deployed_model_id)
);

-- A LoRA addon is loaded at most once onto a deployment (a copy being undeployed does not count).
CREATE UNIQUE INDEX deployed_model_once_per_deployment ON deployed_model (account_id, model, deployment_id)
    WHERE state <> 'UNDEPLOYING';
CREATE INDEX deployed_model_by_model ON deployed_model (model);
CREATE INDEX deployed_model_by_deployment ON deployed_model (account_id, deployment_id);
CREATE INDEX deployed_model_not_deployed ON deployed_model (state) WHERE state <> 'DEPLOYED';
CREATE INDEX deployed_model_list_by_create_time ON deployed_model (account_id, create_time, deployed_model_id);
