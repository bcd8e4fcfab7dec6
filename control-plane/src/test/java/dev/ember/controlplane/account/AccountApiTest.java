package dev.ember.controlplane.account;

import static dev.ember.controlplane.Platform.as;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.Platform.assertBadField;
import static dev.ember.controlplane.Platform.createAccount;
import static dev.ember.controlplane.Platform.createUser;
import static dev.ember.controlplane.Platform.kafka;
import static dev.ember.controlplane.Platform.userWithKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.ember.common.event.AccountCreated;
import dev.ember.common.event.EventTypes;
import dev.ember.testsupport.EmberInfraResource;

@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class AccountApiTest {

    @Test
    void aPlatformAdminCreatesAnAccountAndItsEventIsPublished() {
        asPlatformAdmin().body("{\"displayName\": \"Initech\", \"email\": \"billing@initech.example\", "
                + "\"accountType\": \"ENTERPRISE\", \"state\": \"DELETING\"}")
                .post("/v1/accounts?accountId=initech")
                .then().statusCode(200)
                .body("name", equalTo("accounts/initech"))
                .body("displayName", equalTo("Initech"))
                .body("email", equalTo("billing@initech.example"))
                .body("accountType", equalTo("ENTERPRISE"))
                .body("state", equalTo("READY")) // output-only: what was sent is ignored
                .body("createTime", notNullValue())
                .body("updateTime", notNullValue());

        asPlatformAdmin().get("/v1/accounts/initech").then().statusCode(200)
                .body("displayName", equalTo("Initech"))
                .body("state", equalTo("READY"));

        var event = kafka().first(EventTypes.ACCOUNT_CREATED, e -> e.subject().equals("accounts/initech"),
                Duration.ofSeconds(20));
        assertThat(event).as("account.created on ember.resources").isPresent();
        AccountCreated created = event.get().data();
        assertThat(created.displayName()).isEqualTo("Initech");
        assertThat(created.accountType()).isEqualTo("ENTERPRISE");
    }

    @Test
    void anUnspecifiedTypeIsEnterpriseAndTheIdIsTheDefaultDisplayName() {
        asPlatformAdmin().body("{\"email\": \"a@hooli.example\", \"accountType\": \"ACCOUNT_TYPE_UNSPECIFIED\"}")
                .post("/v1/accounts?accountId=hooli")
                .then().statusCode(200)
                .body("accountType", equalTo("ENTERPRISE"))
                .body("displayName", equalTo("hooli"));
    }

    @Test
    void aDuplicateAccountIsAConflict() {
        createAccount("twice-corp");
        asPlatformAdmin().body("{\"email\": \"b@twice.example\"}").post("/v1/accounts?accountId=twice-corp")
                .then().statusCode(409)
                .body("status", equalTo("ALREADY_EXISTS"))
                .body("message", equalTo("account 'accounts/twice-corp' already exists"));
    }

    @Test
    void onlyPlatformAdminsCreateAccounts() {
        createAccount("not-a-platform");
        String admin = userWithKey("not-a-platform", "boss", "admin");

        as(admin).body("{\"email\": \"x@example.com\"}").post("/v1/accounts?accountId=sneaky")
                .then().statusCode(403)
                .body("status", equalTo("PERMISSION_DENIED"))
                .body("details[0].reason", equalTo("PLATFORM_ADMIN_REQUIRED"));
        asPlatformAdmin().get("/v1/accounts/sneaky").then().statusCode(404);
    }

    @Test
    void badInputIsA400NamingTheField() {
        String ok = "{\"email\": \"ok@example.com\"}";
        assertBadField(asPlatformAdmin().body(ok).post("/v1/accounts?accountId=Bad_Id"), "accountId");
        assertBadField(asPlatformAdmin().body(ok).post("/v1/accounts?accountId=-dash"), "accountId");
        assertBadField(asPlatformAdmin().body(ok).post("/v1/accounts"), "accountId");
        assertBadField(asPlatformAdmin().body("{}").post("/v1/accounts?accountId=no-email"), "email");
        assertBadField(asPlatformAdmin().body("{\"email\": \"not an address\"}")
                .post("/v1/accounts?accountId=bad-email"), "email");
        assertBadField(asPlatformAdmin().body("{\"email\": \"ok@example.com\", \"accountType\": \"PERSONAL\"}")
                .post("/v1/accounts?accountId=bad-type"), "accountType");
        assertBadField(asPlatformAdmin().body("{\"email\": \"ok@example.com\", \"displayName\": \"" + "x".repeat(64)
                + "\"}").post("/v1/accounts?accountId=long-name"), "displayName");
        assertBadField(asPlatformAdmin().body("{\"email\": \"ok@example.com\", \"owner\": \"me\"}")
                .post("/v1/accounts?accountId=unknown-field"), "owner");
        assertBadField(asPlatformAdmin().body("{\"email\": ").post("/v1/accounts?accountId=broken"), "body");
        assertBadField(asPlatformAdmin().get("/v1/accounts/NOT_AN_ID"), "account");
        // Every bad field at once.
        asPlatformAdmin().body("{\"email\": \"nope\", \"accountType\": \"PERSONAL\"}")
                .post("/v1/accounts?accountId=many-errors")
                .then().statusCode(400)
                .body("details[1].fieldViolations.field", equalTo(List.of("email", "accountType")));
        asPlatformAdmin().get("/v1/accounts/many-errors").then().statusCode(404);
    }

    @Test
    void aPlatformAdminListsEveryAccountPageByPageInNameOrder() {
        for (String id : List.of("list-c", "list-a", "list-b")) {
            createAccount(id);
        }
        List<JsonPath> pages = new ArrayList<>();
        String token = null;
        do {
            var request = asPlatformAdmin().queryParam("pageSize", 2);
            if (token != null) {
                request.queryParam("pageToken", token);
            }
            JsonPath page = request.get("/v1/accounts").then().statusCode(200).extract().jsonPath();
            pages.add(page);
            token = page.getString("nextPageToken");
        } while (token != null);

        List<String> names = pages.stream().flatMap(p -> p.<String>getList("accounts.name").stream()).toList();
        assertThat(names).doesNotHaveDuplicates().isSorted()
                .contains("accounts/acme", "accounts/fireworks", "accounts/list-a", "accounts/list-b",
                        "accounts/list-c");
        assertThat(pages).allSatisfy(p -> assertThat(p.getInt("totalSize")).isEqualTo(names.size()));
        assertThat(pages.get(0).getList("accounts")).hasSize(2);
    }

    @Test
    void anyoneElseListsOnlyTheirOwnAccount() {
        createAccount("only-mine");
        String user = userWithKey("only-mine", "member", "user");

        as(user).get("/v1/accounts").then().statusCode(200)
                .body("accounts.name", equalTo(List.of("accounts/only-mine")))
                .body("totalSize", equalTo(1))
                .body("nextPageToken", equalTo(null));
        as(user).get("/v1/accounts/only-mine").then().statusCode(200).body("name", equalTo("accounts/only-mine"));
    }

    @Test
    void accountsFilterAndOrderLikeTheOtherLists() {
        createAccount("listed-a");
        createAccount("listed-b");
        assertBadField(asPlatformAdmin().queryParam("filter", "state = \"READY\" AND uid = \"x\"")
                .get("/v1/accounts"), "filter");
        List<String> newestFirst = asPlatformAdmin().queryParam("orderBy", "createTime desc")
                .queryParam("pageSize", 200).get("/v1/accounts").then().statusCode(200).extract()
                .path("accounts.name");
        assertThat(newestFirst.indexOf("accounts/listed-b")).isLessThan(newestFirst.indexOf("accounts/listed-a"));
        asPlatformAdmin().queryParam("filter", "state = \"READY\"").queryParam("pageSize", 200)
                .get("/v1/accounts").then().statusCode(200)
                .body("accounts.state", everyItem(equalTo("READY")))
                .body("accounts.name", hasItem("accounts/listed-b"));
    }

    @Test
    void badListParametersAreA400NamingEach() {
        assertBadField(asPlatformAdmin().get("/v1/accounts?pageSize=-1"), "pageSize");
        assertBadField(asPlatformAdmin().get("/v1/accounts?pageSize=ten"), "pageSize");
        assertBadField(asPlatformAdmin().get("/v1/accounts?pageToken=not-a-token"), "pageToken");
        assertBadField(asPlatformAdmin().get("/v1/accounts?filter=email%3D%22x%22"), "filter");
        assertBadField(asPlatformAdmin().get("/v1/accounts?orderBy=email"), "orderBy");
        asPlatformAdmin().get("/v1/accounts?orderBy=name&pageSize=500").then().statusCode(200);
        // A token from another list (an account's users) means nothing here.
        createAccount("token-source");
        createUser("token-source", "first", "admin");
        createUser("token-source", "second", "user");
        String usersToken = asPlatformAdmin().queryParam("pageSize", 1).get("/v1/accounts/token-source/users")
                .then().statusCode(200).extract().path("nextPageToken");
        assertThat(usersToken).isNotNull();
        assertBadField(asPlatformAdmin().queryParam("pageToken", usersToken).get("/v1/accounts"), "pageToken");
    }
}
