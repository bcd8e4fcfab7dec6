-- Datasets (one uploaded JSONL file each), supervised fine-tuning jobs and batch inference jobs.

CREATE TABLE dataset (
    account_id       VARCHAR(63)  NOT NULL,
    dataset_id       VARCHAR(63)  NOT NULL,
    uid              VARCHAR(64)  NOT NULL UNIQUE,
    display_name     VARCHAR(255) NOT NULL,
    state            VARCHAR(32)  NOT NULL,
    format           VARCHAR(32)  NOT NULL,
    example_count    BIGINT       NOT NULL DEFAULT 0,
    estimated_tokens BIGINT       NOT NULL DEFAULT 0,
    average_turns    DOUBLE PRECISION NOT NULL DEFAULT 0,
    -- Every example has an answer to learn from (an assistant message, a completion).
    trainable        BOOLEAN      NOT NULL DEFAULT FALSE,
    -- The declared file (:getUploadEndpoint) and, once it arrived whole, its hash and time.
    filename         VARCHAR(255),
    size_bytes       BIGINT,
    sha256           CHAR(64),
    upload_time      TIMESTAMPTZ,
    -- The job whose output this dataset is (batch inference), if any.
    source_job_name  VARCHAR(255),
    created_by       VARCHAR(255),
    create_time      TIMESTAMPTZ  NOT NULL,
    update_time      TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, dataset_id)
);
CREATE INDEX dataset_list_by_create_time ON dataset (account_id, create_time, dataset_id);
CREATE INDEX dataset_list_by_display_name ON dataset (account_id, display_name, dataset_id);

CREATE TABLE supervised_fine_tuning_job (
    account_id           VARCHAR(63)  NOT NULL,
    job_id               VARCHAR(63)  NOT NULL,
    uid                  VARCHAR(64)  NOT NULL UNIQUE,
    display_name         VARCHAR(255) NOT NULL,
    state                VARCHAR(48)  NOT NULL,
    status_code          VARCHAR(32)  NOT NULL,
    status_message       TEXT         NOT NULL DEFAULT '',
    dataset_id           VARCHAR(63)  NOT NULL,
    evaluation_dataset_id VARCHAR(63),
    base_model           VARCHAR(255) NOT NULL,
    -- The LoRA addon the job makes, a model ID of the same account; unique, so two jobs never race for one name.
    output_model_id      VARCHAR(63)  NOT NULL,
    epochs               INT          NOT NULL,
    learning_rate        DOUBLE PRECISION NOT NULL,
    lora_rank            INT          NOT NULL,
    max_context_length   INT          NOT NULL,
    batch_size           INT,
    warmup_steps         INT,
    gradient_accumulation_steps INT,
    example_count        BIGINT       NOT NULL,
    accelerator_type     VARCHAR(64)  NOT NULL,
    accelerator_count    INT          NOT NULL,
    -- Commands to the scheduler (create, cancel, resume, delete) and the newest report applied for the newest one.
    generation           BIGINT       NOT NULL,
    -- The newest report applied, numbered within its generation.
    progress_sequence    BIGINT       NOT NULL DEFAULT 0,
    completed_units      BIGINT       NOT NULL DEFAULT 0,
    total_units          BIGINT       NOT NULL,
    percent              INT          NOT NULL DEFAULT 0,
    epoch                INT          NOT NULL DEFAULT 0,
    created_by           VARCHAR(255),
    create_time          TIMESTAMPTZ  NOT NULL,
    update_time          TIMESTAMPTZ  NOT NULL,
    completed_time       TIMESTAMPTZ,
    PRIMARY KEY (account_id, job_id),
    UNIQUE (account_id, output_model_id)
);
CREATE INDEX sft_job_list_by_create_time ON supervised_fine_tuning_job (account_id, create_time, job_id);
CREATE INDEX sft_job_by_dataset ON supervised_fine_tuning_job (account_id, dataset_id);

CREATE TABLE batch_inference_job (
    account_id           VARCHAR(63)  NOT NULL,
    job_id               VARCHAR(63)  NOT NULL,
    uid                  VARCHAR(64)  NOT NULL UNIQUE,
    display_name         VARCHAR(255) NOT NULL,
    state                VARCHAR(48)  NOT NULL,
    status_code          VARCHAR(32)  NOT NULL,
    status_message       TEXT         NOT NULL DEFAULT '',
    model                VARCHAR(255) NOT NULL,
    input_dataset_id     VARCHAR(63)  NOT NULL,
    output_dataset_id    VARCHAR(63)  NOT NULL,
    max_tokens           INT          NOT NULL,
    temperature          DOUBLE PRECISION,
    top_p                DOUBLE PRECISION,
    top_k                INT,
    n                    INT          NOT NULL,
    row_count            BIGINT       NOT NULL,
    accelerator_type     VARCHAR(64)  NOT NULL,
    accelerator_count    INT          NOT NULL,
    generation           BIGINT       NOT NULL,
    -- The newest report applied, numbered within its generation.
    progress_sequence    BIGINT       NOT NULL DEFAULT 0,
    completed_units      BIGINT       NOT NULL DEFAULT 0,
    percent              INT          NOT NULL DEFAULT 0,
    output_rows          BIGINT       NOT NULL DEFAULT 0,
    input_tokens         BIGINT       NOT NULL DEFAULT 0,
    output_tokens        BIGINT       NOT NULL DEFAULT 0,
    created_by           VARCHAR(255),
    create_time          TIMESTAMPTZ  NOT NULL,
    update_time          TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (account_id, job_id),
    UNIQUE (account_id, output_dataset_id)
);
CREATE INDEX bij_list_by_create_time ON batch_inference_job (account_id, create_time, job_id);
CREATE INDEX bij_by_input_dataset ON batch_inference_job (account_id, input_dataset_id);
