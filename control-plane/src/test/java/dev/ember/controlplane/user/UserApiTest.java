package dev.ember.controlplane.user;

import static dev.ember.controlplane.Platform.LLAMA_8B;
import static dev.ember.controlplane.Platform.as;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.Platform.assertBadField;
import static dev.ember.controlplane.Platform.assertNotFound;
import static dev.ember.controlplane.Platform.createAccount;
import static dev.ember.controlplane.Platform.createKey;
import static dev.ember.controlplane.Platform.createUser;
import static dev.ember.controlplane.Platform.kafka;
import static dev.ember.controlplane.Platform.userWithKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.UserDeleted;
import dev.ember.testsupport.EmberInfraResource;

/** An account's admin manages its users; everyone else is refused, and the account always keeps an admin. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class UserApiTest {

    static final String ACCOUNT = "umbrella";
    static final String USERS = "/v1/accounts/" + ACCOUNT + "/users";
    static String admin;

    /** Once per class, in @BeforeEach where the test port is known. */
    @BeforeEach
    void anAccountWithAnAdmin() {
        if (admin != null) {
            return;
        }
        createAccount(ACCOUNT);
        admin = userWithKey(ACCOUNT, "alice", "admin");
    }

    @Test
    void usersFilterByRoleAndDisplayNameAndOrderByCreateTime() {
        createAccount("user-lists");
        createUser("user-lists", "ann", "admin");
        createUser("user-lists", "bob", "user");
        createUser("user-lists", "cid", "user");
        asPlatformAdmin().body("{\"displayName\": \"Bob B\"}").patch("/v1/accounts/user-lists/users/bob").then()
                .statusCode(200);
        String users = "/v1/accounts/user-lists/users";
        asPlatformAdmin().queryParam("filter", "role = \"user\"").get(users).then().statusCode(200)
                .body("users.name", equalTo(List.of("accounts/user-lists/users/bob", "accounts/user-lists/users/cid")))
                .body("totalSize", equalTo(2));
        asPlatformAdmin().queryParam("filter", "role = \"user\" AND display_name = \"Bob B\"").get(users).then()
                .statusCode(200).body("users.name", equalTo(List.of("accounts/user-lists/users/bob")));
        String token = asPlatformAdmin().queryParam("orderBy", "createTime desc").queryParam("pageSize", 2)
                .get(users).then().statusCode(200)
                .body("users.name", equalTo(List.of("accounts/user-lists/users/cid", "accounts/user-lists/users/bob")))
                .extract().path("nextPageToken");
        asPlatformAdmin().queryParam("orderBy", "createTime desc").queryParam("pageToken", token).get(users).then()
                .statusCode(200).body("users.name", equalTo(List.of("accounts/user-lists/users/ann")));
        assertBadField(asPlatformAdmin().queryParam("filter", "role = \"owner\"").get(users), "filter");
        assertBadField(asPlatformAdmin().queryParam("orderBy", "name").queryParam("pageToken", token).get(users),
                "pageToken");
    }

    @Test
    void anAdminAddsAUserWhoCanThenUseTheirOwnKey() {
        as(admin).body("{\"role\": \"user\", \"email\": \"bob@umbrella.example\", \"displayName\": \"Bob\"}")
                .post(USERS + "?userId=bob")
                .then().statusCode(200)
                .body("name", equalTo("accounts/umbrella/users/bob"))
                .body("role", equalTo("user"))
                .body("email", equalTo("bob@umbrella.example"))
                .body("displayName", equalTo("Bob"))
                .body("state", equalTo("READY"))
                .body("serviceAccount", equalTo(false))
                .body("createTime", notNullValue());

        String bobsKey = as(admin).body("{\"apiKey\": {\"displayName\": \"laptop\"}}").post(USERS + "/bob/apiKeys")
                .then().statusCode(200).extract().path("key");
        as(bobsKey).get(USERS + "/bob").then().statusCode(200).body("displayName", equalTo("Bob"));
        as(bobsKey).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + ACCOUNT + "/deployments?deploymentId=bobs-llama")
                .then().statusCode(200);
    }

    @Test
    void withoutAUserIdTheIdIsMadeFromTheEmail() {
        as(admin).body("{\"role\": \"inference-user\", \"email\": \"Carol.O'Neil@umbrella.example\"}").post(USERS)
                .then().statusCode(200)
                .body("name", equalTo("accounts/umbrella/users/carol-o-neil"))
                .body("displayName", equalTo("carol-o-neil"));
    }

    @Test
    void anAdminChangesARoleAndItTakesEffectAtOnce() {
        String dave = userWithKey(ACCOUNT, "dave", "user");
        as(dave).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + ACCOUNT + "/deployments?deploymentId=daves-llama").then().statusCode(200);

        as(admin).body("{\"role\": \"inference-user\", \"displayName\": \"Dave (inference only)\", "
                + "\"name\": \"accounts/ignored/users/ignored\", \"state\": \"DELETING\"}")
                .patch(USERS + "/dave")
                .then().statusCode(200)
                .body("name", equalTo("accounts/umbrella/users/dave"))
                .body("role", equalTo("inference-user"))
                .body("displayName", equalTo("Dave (inference only)"))
                .body("email", equalTo("dave@umbrella.example")) // not in the body: unchanged
                .body("state", equalTo("READY"));

        as(dave).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + ACCOUNT + "/deployments?deploymentId=daves-second")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_INFERENCE_ONLY"));
        as(admin).get(USERS + "/dave").then().statusCode(200).body("role", equalTo("inference-user"));
    }

    @Test
    void anInferenceUserCanReadButNotCreateDeployments() {
        String erin = userWithKey(ACCOUNT, "erin", "inference-user");

        as(erin).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + ACCOUNT + "/deployments?deploymentId=erins-llama")
                .then().statusCode(403)
                .body("status", equalTo("PERMISSION_DENIED"))
                .body("details[0].reason", equalTo("ROLE_INFERENCE_ONLY"));
        as(erin).get("/v1/accounts/" + ACCOUNT + "/deployments").then().statusCode(200);
        as(admin).get("/v1/accounts/" + ACCOUNT + "/deployments/erins-llama").then().statusCode(404);
        // Nor manage keys, not even its own.
        as(erin).body("{\"apiKey\": {}}").post(USERS + "/erin/apiKeys")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_INFERENCE_ONLY"));
    }

    @Test
    void onlyAdminsManageUsers() {
        String frank = userWithKey(ACCOUNT, "frank", "user");

        as(frank).body("{\"role\": \"admin\"}").post(USERS + "?userId=frank-2")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_ADMIN_REQUIRED"));
        as(frank).body("{\"role\": \"admin\"}").patch(USERS + "/frank")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_ADMIN_REQUIRED"));
        as(frank).delete(USERS + "/alice")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_ADMIN_REQUIRED"));
        as(admin).get(USERS + "/frank").then().statusCode(200).body("role", equalTo("user"));
        assertNotFound(as(admin).get(USERS + "/frank-2"));
        // Members may see who else is in the account.
        as(frank).get(USERS + "/alice").then().statusCode(200).body("role", equalTo("admin"));
    }

    @Test
    void deletingAUserRevokesEveryKeyItHad() {
        createUser(ACCOUNT, "gina", "user");
        String first = createKey(ACCOUNT, "gina");
        String second = createKey(ACCOUNT, "gina");
        as(first).get(USERS + "/gina").then().statusCode(200);

        as(admin).delete(USERS + "/gina").then().statusCode(200).body(equalTo("{}"));

        for (String key : List.of(first, second)) {
            as(key).get("/v1/accounts/" + ACCOUNT)
                    .then().statusCode(401)
                    .body("status", equalTo("UNAUTHENTICATED"))
                    .body("details[0].reason", equalTo("API_KEY_REVOKED"))
                    .body("message", containsString("user 'accounts/umbrella/users/gina' was deleted"));
        }
        assertNotFound(as(admin).get(USERS + "/gina"));
        assertNotFound(as(admin).delete(USERS + "/gina"));

        var deleted = kafka().first(EventTypes.USER_DELETED, e -> e.subject().equals("accounts/umbrella/users/gina"),
                Duration.ofSeconds(20));
        assertThat(deleted).as("user.deleted on ember.resources").isPresent();
        UserDeleted event = deleted.get().data();
        assertThat(event.revokedKeys()).hasSize(2)
                .allSatisfy(name -> assertThat(name).startsWith("accounts/umbrella/users/gina/apiKeys/"));
        for (String key : event.revokedKeys()) {
            assertThat(kafka().first(EventTypes.API_KEY_REVOKED, e -> e.subject().equals(key),
                    Duration.ofSeconds(20))).as("apikey.revoked for " + key).isPresent();
        }

        // A new user under the same ID starts with no keys; the old ones stay revoked.
        createUser(ACCOUNT, "gina", "user");
        as(admin).get(USERS + "/gina/apiKeys").then().statusCode(200)
                .body("apiKeys", equalTo(List.of()))
                .body("totalSize", equalTo(0));
        as(first).get("/v1/accounts/" + ACCOUNT).then().statusCode(401);
    }

    @Test
    void theLastAdminCanBeNeitherDemotedNorDeleted() {
        createAccount("lonely");
        String only = userWithKey("lonely", "root", "admin");

        as(only).body("{\"role\": \"user\"}").patch("/v1/accounts/lonely/users/root")
                .then().statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo("LAST_ADMIN"));
        as(only).delete("/v1/accounts/lonely/users/root")
                .then().statusCode(400).body("details[0].reason", equalTo("LAST_ADMIN"));

        // With a second admin, the first may step down.
        as(only).body("{\"role\": \"admin\"}").post("/v1/accounts/lonely/users?userId=heir").then().statusCode(200);
        as(only).body("{\"role\": \"user\"}").patch("/v1/accounts/lonely/users/root")
                .then().statusCode(200).body("role", equalTo("user"));
        as(only).body("{\"role\": \"admin\"}").post("/v1/accounts/lonely/users?userId=other")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_ADMIN_REQUIRED"));
    }

    @Test
    void usersAreListedPageByPageByName() {
        createAccount("paged-users");
        for (String id : List.of("u-c", "u-a", "u-e", "u-b", "u-d")) {
            createUser("paged-users", id, "user");
        }
        List<JsonPath> pages = new ArrayList<>();
        String token = null;
        do {
            var request = asPlatformAdmin().queryParam("pageSize", 2);
            if (token != null) {
                request.queryParam("pageToken", token);
            }
            JsonPath page = request.get("/v1/accounts/paged-users/users").then().statusCode(200).extract()
                    .jsonPath();
            pages.add(page);
            token = page.getString("nextPageToken");
        } while (token != null);

        assertThat(pages).hasSize(3);
        assertThat(pages).allSatisfy(p -> assertThat(p.getInt("totalSize")).isEqualTo(5));
        assertThat(pages.stream().flatMap(p -> p.<String>getList("users.name").stream()).toList())
                .containsExactly("accounts/paged-users/users/u-a", "accounts/paged-users/users/u-b",
                        "accounts/paged-users/users/u-c", "accounts/paged-users/users/u-d",
                        "accounts/paged-users/users/u-e");
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertBadField(as(admin).body("{\"email\": \"x@umbrella.example\"}").post(USERS + "?userId=no-role"), "role");
        assertBadField(as(admin).body("{\"role\": \"contributor\"}").post(USERS + "?userId=contrib"), "role");
        assertBadField(as(admin).body("{\"role\": \"custom\", \"permissionPreset\": \"p\"}")
                .post(USERS + "?userId=custom"), "permissionPreset");
        assertBadField(as(admin).body("{\"role\": \"user\"}").post(USERS + "?userId=Bad_Id"), "userId");
        assertBadField(as(admin).body("{\"role\": \"user\"}").post(USERS), "userId");
        assertBadField(as(admin).body("{\"role\": \"user\", \"email\": \"nope\"}").post(USERS + "?userId=x1"),
                "email");
        assertBadField(as(admin).body("{\"role\": \"user\", \"displayName\": \"" + "y".repeat(64) + "\"}")
                .post(USERS + "?userId=x2"), "displayName");
        assertBadField(as(admin).body("{\"role\": \"user\", \"nickname\": \"z\"}").post(USERS + "?userId=x3"),
                "nickname");
        assertBadField(as(admin).body("{\"role\": \"user\", \"serviceAccount\": \"sometimes\"}")
                .post(USERS + "?userId=x4"), "serviceAccount");
        assertBadField(as(admin).body("{\"role\": ").post(USERS + "?userId=x5"), "body");
        assertBadField(as(admin).body("{\"role\": \"owner\"}").patch(USERS + "/alice"), "role");
        assertBadField(as(admin).get(USERS + "/NOT_AN_ID"), "userId");
        assertBadField(as(admin).get(USERS + "?pageSize=lots"), "pageSize");
        assertBadField(as(admin).get(USERS + "?orderBy=email"), "orderBy");
        assertBadField(as(admin).get(USERS + "?pageToken=zzz"), "pageToken");
        as(admin).body("{\"role\": \"owner\", \"email\": \"bad\", \"displayName\": \"\"}").post(USERS + "?userId=x6")
                .then().statusCode(400)
                .body("details[1].fieldViolations.field", equalTo(List.of("role", "displayName", "email")));
        for (String id : List.of("no-role", "contrib", "custom", "x1", "x2", "x3", "x4", "x5", "x6")) {
            assertNotFound(as(admin).get(USERS + "/" + id));
        }
    }

    @Test
    void duplicatesAndUnknownsAreConflictsAndNotFound() {
        as(admin).body("{\"role\": \"user\"}").post(USERS + "?userId=henry").then().statusCode(200);
        as(admin).body("{\"role\": \"user\"}").post(USERS + "?userId=henry")
                .then().statusCode(409).body("status", equalTo("ALREADY_EXISTS"));
        assertNotFound(as(admin).get(USERS + "/nobody"));
        assertNotFound(as(admin).body("{\"role\": \"user\"}").patch(USERS + "/nobody"));
        assertNotFound(as(admin).delete(USERS + "/nobody"));
        assertNotFound(asPlatformAdmin().body("{\"role\": \"user\"}").post("/v1/accounts/no-such-account/users"
                + "?userId=x"));
        assertNotFound(asPlatformAdmin().get("/v1/accounts/no-such-account/users"));
    }
}
