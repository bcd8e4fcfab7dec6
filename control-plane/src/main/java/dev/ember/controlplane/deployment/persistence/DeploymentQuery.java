package dev.ember.controlplane.deployment.persistence;

import java.time.Instant;
import java.util.List;

/**
 * Which deployments of one account a list reads and in what order; built from the request by the service's parser,
 * so everything here is already valid.
 */
public record DeploymentQuery(String accountId, List<Condition> conditions, Order order, boolean showDeleted) {

    public DeploymentQuery {
        conditions = List.copyOf(conditions);
    }

    /** The fields a filter may test for equality; each API name is also the entity attribute. */
    public enum Field {

        STATE("state"), BASE_MODEL("baseModel"), DISPLAY_NAME("displayName");

        private final String apiName;

        Field(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }

        String attribute() {
            return apiName;
        }
    }

    /** {@code field = "value"}. */
    public record Condition(Field field, String value) {
    }

    /** The fields a list may be ordered by, by their API names; the deployment ID breaks ties. */
    public enum SortKey {

        CREATE_TIME("createTime", "createTime"), DISPLAY_NAME("displayName", "displayName"), NAME("name",
                "deploymentId");

        private final String apiName;
        private final String attribute;

        SortKey(String apiName, String attribute) {
            this.apiName = apiName;
            this.attribute = attribute;
        }

        public String apiName() {
            return apiName;
        }

        String attribute() {
            return attribute;
        }

        /** The type a cursor's key has for this sort key. */
        public Class<?> keyType() {
            return this == CREATE_TIME ? Instant.class : String.class;
        }

        /** Where {@code deployment} sits in this order: the key a cursor after it holds. */
        public Object keyOf(DeploymentEntity deployment) {
            return switch (this) {
                case CREATE_TIME -> deployment.createTime;
                case DISPLAY_NAME -> deployment.displayName;
                case NAME -> deployment.deploymentId;
            };
        }
    }

    public record Order(SortKey key, boolean descending) {
    }

    /**
     * A position in the order: the sort key and deployment ID of the last deployment of the previous page. The next
     * page starts strictly after it, so rows added or removed meanwhile neither repeat nor skip the others.
     */
    public record Cursor(Object key, String deploymentId) {
    }
}
