-- Embedding models are of kind EMBEDDING_MODEL (Fireworks' ModelKind), not HF_BASE_MODEL, as the catalog now seeds
-- them; rows seeded before are moved over with a new revision, so entity tags taken before no longer match.
UPDATE model
SET kind = 'EMBEDDING_MODEL', revision = revision + 1, update_time = now()
WHERE embedding_dimensions > 0 AND kind = 'HF_BASE_MODEL';
