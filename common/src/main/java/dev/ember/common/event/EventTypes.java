package dev.ember.common.event;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every event the services exchange. Types are past tense and versioned: an additive change keeps the type, a
 * breaking one is a new {@code .v2} type.
 */
public final class EventTypes {

    public static final String PREFIX = "dev.ember.";

    public static final EventType<AccountCreated> ACCOUNT_CREATED = of("account.created.v1", Topics.RESOURCES,
            AccountCreated.class);
    public static final EventType<ApiKeyCreated> API_KEY_CREATED = of("apikey.created.v1", Topics.RESOURCES,
            ApiKeyCreated.class);
    public static final EventType<ApiKeyRevoked> API_KEY_REVOKED = of("apikey.revoked.v1", Topics.RESOURCES,
            ApiKeyRevoked.class);
    public static final EventType<ApiKeyUsed> API_KEY_USED = of("apikey.used.v1", Topics.USAGE, ApiKeyUsed.class);
    public static final EventType<UserDeleted> USER_DELETED = of("user.deleted.v1", Topics.RESOURCES,
            UserDeleted.class);
    public static final EventType<DeploymentCreated> DEPLOYMENT_CREATED = of("deployment.created.v1",
            Topics.RESOURCES, DeploymentCreated.class);
    public static final EventType<DeploymentUpdated> DEPLOYMENT_UPDATED = of("deployment.updated.v1",
            Topics.RESOURCES, DeploymentUpdated.class);
    public static final EventType<QuotaUpdated> QUOTA_UPDATED = of("quota.updated.v1", Topics.RESOURCES,
            QuotaUpdated.class);
    public static final EventType<DeploymentDeleted> DEPLOYMENT_DELETED = of("deployment.deleted.v1",
            Topics.RESOURCES, DeploymentDeleted.class);
    public static final EventType<DeploymentUndeleted> DEPLOYMENT_UNDELETED = of("deployment.undeleted.v1",
            Topics.RESOURCES, DeploymentUndeleted.class);
    public static final EventType<DeploymentScaleRequested> DEPLOYMENT_SCALE_REQUESTED = of(
            "deployment.scale.requested.v1", Topics.RESOURCES, DeploymentScaleRequested.class);
    public static final EventType<DeploymentDeletionRequested> DEPLOYMENT_DELETION_REQUESTED = of(
            "deployment.deletion.requested.v1", Topics.REPLICAS, DeploymentDeletionRequested.class);
    public static final EventType<ReplicaUpdated> REPLICA_UPDATED = of("replica.updated.v1", Topics.REPLICAS,
            ReplicaUpdated.class);
    public static final EventType<DeploymentStatusReported> DEPLOYMENT_STATUS_REPORTED = of(
            "deployment.status.reported.v1", Topics.REPLICAS, DeploymentStatusReported.class);

    public static final EventType<CapacityReported> CAPACITY_REPORTED = of("capacity.reported.v1",
            Topics.REPLICAS, CapacityReported.class);

    public static final EventType<LoadReported> LOAD_REPORTED = of("deployment.load.reported.v1", Topics.LOAD,
            LoadReported.class);
    public static final EventType<WakeUpRequested> WAKE_UP_REQUESTED = of("deployment.wakeup.requested.v1",
            Topics.LOAD, WakeUpRequested.class);

    public static final EventType<UsageReported> USAGE_REPORTED = of("usage.reported.v1", Topics.USAGE,
            UsageReported.class);

    public static final EventType<ModelCreated> MODEL_CREATED = of("model.created.v1", Topics.RESOURCES,
            ModelCreated.class);
    public static final EventType<ModelUpdated> MODEL_UPDATED = of("model.updated.v1", Topics.RESOURCES,
            ModelUpdated.class);
    public static final EventType<ModelDeleted> MODEL_DELETED = of("model.deleted.v1", Topics.RESOURCES,
            ModelDeleted.class);
    public static final EventType<DeployedModelUpdated> DEPLOYED_MODEL_UPDATED = of("deployedmodel.updated.v1",
            Topics.RESOURCES, DeployedModelUpdated.class);
    public static final EventType<DeployedModelDeleted> DEPLOYED_MODEL_DELETED = of("deployedmodel.deleted.v1",
            Topics.RESOURCES, DeployedModelDeleted.class);

    public static final EventType<JobUpdated> JOB_UPDATED = of("job.updated.v1", Topics.JOBS, JobUpdated.class);
    public static final EventType<JobProgressReported> JOB_PROGRESS_REPORTED = of("job.progress.reported.v1",
            Topics.JOBS, JobProgressReported.class);

    /**
     * Every type declared here, found by reflection so a new one cannot be left out; in a holder, so it is built once
     * every constant is set, wherever in the class it is declared.
     */
    private static final class Index {

        static final Map<String, EventType<?>> BY_TYPE = Arrays.stream(EventTypes.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == EventType.class)
                .map(EventTypes::constant)
                .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));
    }

    private EventTypes() {
    }

    public static Optional<EventType<?>> find(String type) {
        return Optional.ofNullable(type).map(Index.BY_TYPE::get);
    }

    private static EventType<?> constant(Field field) {
        try {
            return (EventType<?>) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> EventType<T> of(String name, String topic, Class<T> payload) {
        return new EventType<>(PREFIX + name, topic, payload);
    }
}
