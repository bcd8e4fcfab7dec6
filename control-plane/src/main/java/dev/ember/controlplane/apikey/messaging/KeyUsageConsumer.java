package dev.ember.controlplane.apikey.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.ApiKeyUsed;
import dev.ember.common.event.EventConsumers;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.ApiKeyName;
import dev.ember.controlplane.apikey.service.ApiKeyService;

/** The data planes' {@code apikey.used} reports become the keys' {@code lastUsed}; other usage events are skipped. */
@ApplicationScoped
public class KeyUsageConsumer {

    public static final String CHANNEL = "ember-key-usage";
    private static final Logger LOG = Logger.getLogger(KeyUsageConsumer.class);

    @Inject
    ApiKeyService keys;

    @Incoming(CHANNEL)
    public Uni<Void> onEvent(ConsumerRecord<String, byte[]> record) {
        return EventConsumers.dispatch(record, event -> event.dataAs(EventTypes.API_KEY_USED)
                .map(this::apply)
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }

    private Uni<Void> apply(ApiKeyUsed used) {
        ApiKeyName name;
        try {
            name = ApiKeyName.parse("name", used.name());
        } catch (InvalidArgumentException e) {
            LOG.warnf("Skipping apikey.used with a bad key name: %s", e.getMessage());
            return Uni.createFrom().voidItem();
        }
        return used.usedAt() == null ? Uni.createFrom().voidItem() : keys.recordUse(name, used.usedAt());
    }
}
