package dev.ember.deploy.helm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** What one {@code helm template} produced: typed objects, looked up by kind and name. */
final class RenderedChart {

    /** The services, by the name of their component (also their container's name and image). */
    static final List<String> COMPONENTS = List.of("control-plane", "scheduler", "data-plane");

    private final List<HasMetadata> objects;

    RenderedChart(List<HasMetadata> objects) {
        this.objects = List.copyOf(objects);
    }

    List<HasMetadata> objects() {
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(object -> object.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " " + name + " in " + names()));
    }

    /** Custom resources (Strimzi, CloudNativePG), which the model knows only as generic objects. */
    List<GenericKubernetesResource> custom(String apiVersion, String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(object -> apiVersion.equals(object.getApiVersion()) && kind.equals(object.getKind()))
                .toList();
    }

    /** The object name of a component's Deployment, Service, PodDisruptionBudget and NetworkPolicy. */
    static String name(String component) {
        return EmberChart.RELEASE + "-ember-" + component;
    }

    Deployment deployment(String component) {
        return get(Deployment.class, name(component));
    }

    Container container(String component) {
        List<Container> containers = deployment(component).getSpec().getTemplate().getSpec().getContainers();
        return containers.stream().filter(container -> container.getName().equals(component)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + component + " in " + containers));
    }

    /**
     * The environment a component's container starts with, as the kubelet would resolve it: ConfigMap references
     * replaced by the rendered ConfigMap's value (a reference to a missing ConfigMap or key fails), and Secret
     * references written as {@code secret:<name>/<key>} (the Secret may be the user's, not rendered here).
     */
    Map<String, String> environment(String component) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : container(component).getEnv()) {
            environment.put(variable.getName(), resolve(variable));
        }
        return environment;
    }

    private String resolve(EnvVar variable) {
        if (variable.getValueFrom() == null) {
            return variable.getValue();
        }
        if (variable.getValueFrom().getConfigMapKeyRef() != null) {
            String name = variable.getValueFrom().getConfigMapKeyRef().getName();
            String key = variable.getValueFrom().getConfigMapKeyRef().getKey();
            Map<String, String> data = get(ConfigMap.class, name).getData();
            if (!data.containsKey(key)) {
                throw new AssertionError(variable.getName() + " reads key " + key + " that ConfigMap " + name
                        + " does not have: " + data.keySet());
            }
            return data.get(key);
        }
        SecretKeySelector secret = variable.getValueFrom().getSecretKeyRef();
        if (secret != null) {
            return "secret:" + secret.getName() + "/" + secret.getKey();
        }
        throw new AssertionError("unexpected source of " + variable.getName() + ": " + variable.getValueFrom());
    }

    /** The decoded value of a key of a rendered Secret. */
    String secretValue(String name, String key) {
        Map<String, String> data = get(Secret.class, name).getData();
        if (data == null || !data.containsKey(key)) {
            throw new AssertionError("Secret " + name + " has no key " + key);
        }
        return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }

    List<String> names() {
        return objects.stream().map(object -> object.getKind() + "/" + object.getMetadata().getName()).toList();
    }

    /**
     * Fields the model does not know. fabric8 keeps an unknown field, or one of the wrong type, in the object's
     * additionalProperties instead of failing, so a typo in a template ({@code readOnlyRootFileSystem}) parses;
     * this finds them. Custom resources are skipped: the model has no schema for them.
     */
    List<String> unknownFields() {
        List<String> problems = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (!(object instanceof GenericKubernetesResource)) {
                collectUnknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), problems);
            }
        }
        return problems;
    }

    private static void collectUnknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int index = 0;
            for (Object element : collection) {
                collectUnknownFields(element, path + "[" + index++ + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> collectUnknownFields(element, path + "." + key, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class || Modifier.isStatic(getter.getModifiers())) {
                continue;
            }
            Object field = invoke(getter, value);
            String name = getter.getName().substring(3);
            if (name.equals("AdditionalProperties")) {
                if (field instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
                    problems.add(path + ": unknown or mistyped " + unknown.keySet());
                }
            } else {
                collectUnknownFields(field, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1),
                        problems);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + getter, e);
        }
    }
}
