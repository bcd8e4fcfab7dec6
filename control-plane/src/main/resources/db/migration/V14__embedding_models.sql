-- Embedding models: the length of a model's vectors, 0 for a model that generates text.
ALTER TABLE model ADD COLUMN embedding_dimensions INT NOT NULL DEFAULT 0;
