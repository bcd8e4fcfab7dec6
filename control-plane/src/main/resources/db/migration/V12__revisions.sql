-- Optimistic concurrency: each mutable resource's revision, raised by every change through the API. The entity tag
-- (ETag / If-Match, the etag field over gRPC) is made from it; deployments and deployed models use their generation.
ALTER TABLE model ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE app_user ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE quota ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
