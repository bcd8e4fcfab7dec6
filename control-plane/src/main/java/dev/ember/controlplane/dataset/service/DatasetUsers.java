package dev.ember.controlplane.dataset.service;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.DatasetName;

/** A kind of job that reads datasets; a dataset a running job reads cannot be deleted. */
public interface DatasetUsers {

    /** The name of a job that reads the dataset and has not ended, or null. Runs in the caller's session. */
    Uni<String> activeUserOf(DatasetName name);
}
