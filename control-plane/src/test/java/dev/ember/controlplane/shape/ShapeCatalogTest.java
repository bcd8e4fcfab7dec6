package dev.ember.controlplane.shape;

import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;

import dev.ember.controlplane.TestClock;
import dev.ember.controlplane.model.persistence.ModelEntity;
import dev.ember.controlplane.model.persistence.ModelRepository;
import dev.ember.controlplane.shape.service.ShapeCatalog;
import dev.ember.controlplane.shape.service.ShapeRules;
import dev.ember.controlplane.shape.service.ShapeSnapshot;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Seeding at start: the same rules add no version (a restart), changed rules add a version for exactly the shapes
 * they change. The changed rules are seeded into an account of their own, so the catalog's shapes stay as shipped.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ShapeCatalogTest {

    static final String ACCOUNT = "shape-seed-test";

    @Inject
    ShapeCatalog catalog;

    @Inject
    ModelRepository models;

    @Test
    void seedingTheCatalogAgainAddsNoVersion() throws Throwable {
        assertThat(inTransaction(() -> catalog.seedCatalog())).isZero();
        asAdmin().get(DeploymentShapeApiTest.SHAPES + "/-/versions").then().statusCode(200)
                .body("totalSize", equalTo(DeploymentShapeApiTest.CATALOG_SHAPES));
    }

    @Test
    void aChangedRuleAddsAVersionOnlyForTheShapesItChanges() throws Throwable {
        List<ModelEntity> catalogModels = inTransaction(() -> models.list("accountId", "fireworks"));
        ShapeCatalog.Rules shipped = ShapeRules::shapesFor;
        // Twice the GPUs for the MINIMAL shapes, nothing else changed.
        ShapeCatalog.Rules doubled = (model, all) -> ShapeRules.shapesFor(model, all).stream()
                .map(s -> s.presetType().equals(ShapeRules.MINIMAL) ? withCount(s, s.acceleratorCount() * 2) : s)
                .collect(Collectors.toList());

        int first = inTransaction(() -> catalog.seed(ACCOUNT, catalogModels, shipped));
        assertThat(first).isEqualTo(DeploymentShapeApiTest.CATALOG_SHAPES);
        assertThat(inTransaction(() -> catalog.seed(ACCOUNT, catalogModels, shipped))).as("a restart").isZero();

        TestClock.CLOCK.advance(java.time.Duration.ofSeconds(1));
        assertThat(inTransaction(() -> catalog.seed(ACCOUNT, catalogModels, doubled)))
                .as("every MINIMAL shape: one per generative model")
                .isEqualTo(DeploymentShapeApiTest.GENERATIVE_MODELS);
        assertThat(inTransaction(() -> catalog.seed(ACCOUNT, catalogModels, doubled))).isZero();

        String shape = "/v1/accounts/" + ACCOUNT + "/deploymentShapes/llama-v3p1-8b-instruct-minimal";
        asAdmin().get(shape).then().statusCode(200).body("acceleratorCount", equalTo(2));
        JsonPath versions = asAdmin().get(shape + "/versions").then().statusCode(200)
                .body("totalSize", equalTo(2)).extract().jsonPath();
        assertThat(versions.getList("deploymentShapeVersions.name", String.class))
                .containsExactly("accounts/" + ACCOUNT + "/deploymentShapes/llama-v3p1-8b-instruct-minimal/versions/1",
                        "accounts/" + ACCOUNT + "/deploymentShapes/llama-v3p1-8b-instruct-minimal/versions/2");
        assertThat(versions.getList("deploymentShapeVersions.latestValidated", Boolean.class))
                .containsExactly(false, true);
        // The old version is unchanged.
        asAdmin().get(shape + "/versions/1").then().statusCode(200).body("snapshot.acceleratorCount", equalTo(1))
                .body("latestValidated", equalTo(false));
        // Shapes the rule did not change kept their one version.
        asAdmin().get("/v1/accounts/" + ACCOUNT + "/deploymentShapes/llama-v3p1-8b-instruct-fast/versions")
                .then().statusCode(200).body("totalSize", equalTo(1));
    }

    private static ShapeSnapshot withCount(ShapeSnapshot s, int count) {
        return new ShapeSnapshot(s.shapeId(), s.presetType(), s.displayName(), s.description(), s.baseModel(),
                s.modelType(), s.parameterCount(), s.acceleratorType(), count, s.precision(), s.draftModel(),
                s.draftTokenCount(), s.ngramSpeculationLength(), s.enableAddons(), s.maxContextLength());
    }

    private static <T> T inTransaction(java.util.function.Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(work));
    }
}
