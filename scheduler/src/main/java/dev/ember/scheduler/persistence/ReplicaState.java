package dev.ember.scheduler.persistence;

/** A replica's lifecycle, in order. */
public enum ReplicaState {

    PENDING_SCHEDULING, DOWNLOADING_MODEL, INITIALIZING, READY, DRAINING, TERMINATED;

    public boolean holdsGpus() {
        return this != PENDING_SCHEDULING && this != TERMINATED;
    }
}
