package dev.ember.controlplane.quota;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.hibernate.metamodel.MappingMetamodel;
import org.hibernate.query.spi.QueryInterpretationCache;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

import dev.ember.controlplane.quota.persistence.QuotaRepository;
import dev.ember.testsupport.EmberInfraResource;

/**
 * The native selects a create runs (the capacity read, the outbox relay's batch) add no query plans to Hibernate's
 * cache (ADR 29): filed under a key that never matched the next call's, each call added one more plan to the bucket of
 * its SQL, and every lookup compared them all. A few may come from background work running meanwhile; 50 reads or 20
 * creates added 50 and 21 before.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class QueryPlanCacheTest {

    @Inject
    QuotaRepository quotas;

    @Inject
    Mutiny.SessionFactory sessions;

    @Test
    void theCapacityReadAddsNoQueryPlansAfterItsFirst() throws Throwable {
        capacity();
        int before = plans().getNumberOfCachedQueryPlans();
        for (int i = 0; i < 50; i++) {
            assertThat(capacity().accountExists()).isTrue();
        }
        assertThat(plans().getNumberOfCachedQueryPlans() - before).as("query plans added by 50 more reads")
                .isLessThan(5);
    }

    @Test
    void creatingDeploymentsAddsNoQueryPlansAfterTheFirst() {
        create("plans-0");
        int before = plans().getNumberOfCachedQueryPlans();
        for (int i = 1; i <= 20; i++) {
            create("plans-" + i);
        }
        // Each create also wakes the outbox relay, whose query must not add plans either.
        assertThat(plans().getNumberOfCachedQueryPlans() - before).as("query plans added by 20 more creates")
                .isLessThan(5);
    }

    private static void create(String id) {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0}")
                .post("/v1/accounts/acme/deployments?deploymentId=" + id).then().statusCode(200);
    }

    private QuotaRepository.Capacity capacity() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> quotas.capacity("acme", null)));
    }

    private QueryInterpretationCache plans() {
        return ((MappingMetamodel) sessions.getMetamodel()).getTypeConfiguration().getSessionFactory().getQueryEngine()
                .getInterpretationCache();
    }
}
