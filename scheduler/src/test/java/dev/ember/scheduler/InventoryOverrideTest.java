package dev.ember.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.ember.testsupport.EmberInfraResource;

/**
 * An operator's override of the YAML inventory, on the same database as the other tests: a pool can grow, shrink or
 * appear, and the nodes no longer configured are retired.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
@TestProfile(InventoryOverrideTest.SmallerTokyo.class)
class InventoryOverrideTest {

    public static class SmallerTokyo implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("scheduler.inventory.AP_TOKYO_1.NVIDIA_A100_80GB", "1",
                    "scheduler.inventory.AP_TOKYO_1.NVIDIA_H100_80GB", "0",
                    "scheduler.inventory.AP_TOKYO_1.NVIDIA_H200_141GB", "3");
        }
    }

    @Test
    void theOverriddenPoolsAreTheOnesOffered() {
        given().get("/admin/capacity").then().statusCode(200)
                .body(pool("AP_TOKYO_1", "NVIDIA_A100_80GB") + ".totalGpus", equalTo(8))
                .body(pool("AP_TOKYO_1", "NVIDIA_H200_141GB") + ".totalGpus", equalTo(24))
                .body(pool("AP_TOKYO_1", "NVIDIA_H100_80GB"), nullValue())
                .body(pool("US_IOWA_1", "NVIDIA_H100_80GB") + ".totalGpus", equalTo(64));
    }

    static String pool(String region, String type) {
        return "capacity.find { it.region == '" + region + "' && it.acceleratorType == '" + type + "' }";
    }
}
