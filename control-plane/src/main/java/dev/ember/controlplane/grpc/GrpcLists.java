package dev.ember.controlplane.grpc;

import com.google.protobuf.FieldMask;

/** Request fields as the REST resources take them: unset (0 or empty) is absent, names are lowerCamelCase. */
public final class GrpcLists {

    private GrpcLists() {
    }

    public static String pageSize(int pageSize) {
        return pageSize == 0 ? null : Integer.toString(pageSize);
    }

    /** An update mask as REST's {@code updateMask}: snake_case paths in lowerCamelCase, comma-separated; null when empty. */
    public static String updateMask(boolean present, FieldMask mask) {
        if (!present || mask.getPathsCount() == 0) {
            return null;
        }
        return String.join(",", mask.getPathsList().stream().map(GrpcLists::camel).toList());
    }

    /** min_replica_count -> minReplicaCount; autoscaling_policy.scale_up_window -> autoscalingPolicy.scaleUpWindow. */
    static String camel(String path) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : path.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
