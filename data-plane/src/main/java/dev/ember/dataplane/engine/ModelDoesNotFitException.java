package dev.ember.dataplane.engine;

/** The weights leave no room for a KV cache on the chosen GPUs, so no request could ever be served. */
public final class ModelDoesNotFitException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ModelDoesNotFitException(String message) {
        super(message);
    }
}
