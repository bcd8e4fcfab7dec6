package dev.ember.cli.user;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.ApiCommand;
import dev.ember.cli.Json;
import dev.ember.cli.Session;

import picocli.CommandLine.Command;

/** {@code ember whoami}: the account, user and key this CLI acts as, and where. */
@Command(name = "whoami", description = "Shows the account, user, role and API key the CLI acts as, and the URLs it uses.")
public final class WhoamiCommand extends ApiCommand {

    @Override
    protected int run(Session s) {
        Identity identity = Identity.resolve(s);
        ObjectNode me = Json.object();
        me.put("account", identity.account().path("name").asText());
        if (identity.user() != null) {
            me.put("user", identity.user().path("name").asText());
            me.put("role", identity.user().path("role").asText());
            if (identity.user().hasNonNull("email")) {
                me.put("email", identity.user().path("email").asText());
            }
            me.put("apiKeyId", identity.key().path("keyId").asText());
        }
        me.put("apiKeyPrefix", identity.key() != null
                ? identity.key().path("prefix").asText()
                : s.apiKey().substring(0, Math.min(Identity.PREFIX_LENGTH, s.apiKey().length())));
        me.put("apiBase", s.api().base());
        me.put("inferenceBase", s.inferenceBase());
        s.output().resource(me);
        return 0;
    }
}
