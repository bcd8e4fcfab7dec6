package dev.ember.controlplane.dataset.service;

import java.util.Map;

import dev.ember.controlplane.dataset.api.Dataset;
import dev.ember.controlplane.dataset.persistence.DatasetEntity;

/** Entity to API record; entities never leave the service layer. */
final class DatasetMapper {

    private DatasetMapper() {
    }

    static Dataset toApi(DatasetEntity e) {
        boolean ready = e.isReady();
        return new Dataset(e.name(), e.displayName, e.createTime, e.state, status(e),
                Long.toString(e.exampleCount), e.sourceJobName == null ? Map.of() : null, e.format, e.createdBy,
                e.updateTime, e.sourceJobName, ready ? Long.toString(e.estimatedTokens) : null,
                ready ? (float) e.averageTurns : null);
    }

    /** What the dataset waits for: an uploading one tells the next step. */
    private static Dataset.Status status(DatasetEntity e) {
        if (e.isReady()) {
            return new Dataset.Status("OK", "");
        }
        if (e.sourceJobName != null) {
            return new Dataset.Status("OK", "being written by " + e.sourceJobName);
        }
        if (e.filename == null) {
            return new Dataset.Status("OK", "waiting for its file: declare it with :getUploadEndpoint, PUT it to "
                    + "the signed URL, then call :validateUpload");
        }
        if (!e.received()) {
            return new Dataset.Status("OK", "waiting for " + e.filename + " (" + e.sizeBytes + " bytes) at its "
                    + "signed URL, then :validateUpload");
        }
        return new Dataset.Status("OK", e.filename + " received: call :validateUpload");
    }
}
