package dev.ember.controlplane.contract;

import static dev.ember.controlplane.Platform.LLAMA_8B;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.contract.ContractTest.assertConforms;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.dataset.DatasetFixtures;
import dev.ember.testsupport.EmberInfraResource;

/** Datasets and jobs against the Fireworks reference: every field and enum value Ember writes is the reference's. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class JobsContractTest {

    @Test
    void datasetsFineTuningJobsAndBatchInferenceJobs() {
        assertConforms(asPlatformAdmin().body("{\"datasetId\": \"contract-data\", \"dataset\": {}}")
                .post("/v1/accounts/acme/datasets"), "gatewayDataset");
        DatasetFixtures.upload(ADMIN_KEY, "accounts/acme/datasets/contract-data", "d.jsonl", DatasetFixtures.CHAT);
        DatasetFixtures.validate(ADMIN_KEY, "accounts/acme/datasets/contract-data").then().statusCode(200);
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/datasets/contract-data"), "gatewayDataset");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/datasets?pageSize=2"), "gatewayListDatasetsResponse");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/datasets/contract-data:getDownloadEndpoint"),
                "gatewayGetDatasetDownloadEndpointResponse");

        String job = "{\"dataset\": \"accounts/acme/datasets/contract-data\", \"baseModel\": \"" + LLAMA_8B + "\"}";
        assertConforms(asPlatformAdmin().body(job)
                .post("/v1/accounts/acme/supervisedFineTuningJobs?supervisedFineTuningJobId=contract-sft"),
                "gatewaySupervisedFineTuningJob");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/supervisedFineTuningJobs"),
                "gatewayListSupervisedFineTuningJobsResponse");
        asPlatformAdmin().body("{}").post("/v1/accounts/acme/supervisedFineTuningJobs/contract-sft:cancel")
                .then().statusCode(200);
        assertConforms(asPlatformAdmin().body("{}")
                .post("/v1/accounts/acme/supervisedFineTuningJobs/contract-sft:resume"),
                "gatewaySupervisedFineTuningJob");

        assertConforms(asPlatformAdmin().body("{\"model\": \"" + LLAMA_8B + "\", \"inputDatasetId\": "
                + "\"accounts/acme/datasets/contract-data\", \"inferenceParameters\": {\"maxTokens\": 8}}")
                .post("/v1/accounts/acme/batchInferenceJobs?batchInferenceJobId=contract-bij"),
                "gatewayBatchInferenceJob");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/batchInferenceJobs"),
                "gatewayListBatchInferenceJobsResponse");
    }
}
