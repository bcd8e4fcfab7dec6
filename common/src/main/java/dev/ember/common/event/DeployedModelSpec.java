package dev.ember.common.event;

import java.time.Instant;

/**
 * A LoRA addon loaded onto a deployment, as the control plane stores it. {@code generation} rises on every change, so
 * a consumer keeps the newest. {@code state} is DEPLOYING (the deployment is not serving yet), DEPLOYED (requests
 * for {@code model} may be routed to {@code deployment}) or UNDEPLOYING (being removed: route no more requests).
 * {@code defaultTarget} marks the deployment that serves {@code model} when a request names no deployment.
 */
public record DeployedModelSpec(
        String name,
        String uid,
        long generation,
        String model,
        String baseModel,
        String deployment,
        String deploymentUid,
        boolean defaultTarget,
        String state,
        Integer loraRank,
        Instant createTime,
        Instant updateTime) {
}
