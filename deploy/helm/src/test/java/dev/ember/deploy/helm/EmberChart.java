package dev.ember.deploy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The chart under deploy/helm/ember, rendered the way {@code helm template} does (Helm runs in-process through
 * helm-java), with every rendered object parsed into the fabric8 Kubernetes model.
 */
final class EmberChart {

    static final Path DIR = Path.of(System.getProperty("ember.chart.dir", "ember")).toAbsolutePath();
    /** The release name every render uses; objects are named {@code prod-ember-<component>}. */
    static final String RELEASE = "prod";
    static final String NAMESPACE = "ember";
    /** A cluster version the chart supports (Helm's offline default, 1.20, is older than the chart's kubeVersion). */
    static final String KUBE_VERSION = "v1.31.0";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final Map<String, RenderedChart> CACHE = new ConcurrentHashMap<>();

    private EmberChart() {
    }

    /** The values files the chart is tested with, under the chart's ci/ folder. */
    static List<Path> ciValuesFiles() {
        try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
            return files.filter(file -> file.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path ciValues(String name) {
        return DIR.resolve("ci").resolve(name + "-values.yaml");
    }

    /** The chart with its defaults and then each of the named ci/ values files, as {@code helm template -f ...}. */
    static RenderedChart render(String... ciValuesFiles) {
        return render(Map.of(), ciValuesFiles);
    }

    /** As {@link #render(String...)}, then {@code --set} each of {@code sets}. */
    static RenderedChart render(Map<String, Object> sets, String... ciValuesFiles) {
        List<Path> files = Stream.of(ciValuesFiles).map(EmberChart::ciValues).toList();
        return CACHE.computeIfAbsent(files + " " + new TreeMap<>(sets), key -> renderFiles(sets, files));
    }

    static RenderedChart renderFiles(Map<String, Object> sets, List<Path> valuesFiles) {
        TemplateCommand template = new Helm(DIR).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        for (Path file : valuesFiles) {
            template = template.withValuesFile(file);
        }
        for (Map.Entry<String, Object> set : new LinkedHashMap<>(sets).entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return new RenderedChart(parse(template.call()));
    }

    /** Each YAML document of Helm's output, as the typed fabric8 object for its apiVersion and kind. */
    static List<HasMetadata> parse(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(manifests)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isMissingNode() || document.isEmpty()) {
                    continue;
                }
                Object object = KUBERNETES.unmarshal(document.toString());
                if (!(object instanceof HasMetadata resource)) {
                    throw new AssertionError("not a Kubernetes object: " + document);
                }
                objects.add(resource);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Helm rendered invalid YAML", e);
        }
        return objects;
    }

    /** The chart's values.yaml, as a tree. */
    static JsonNode defaultValues() {
        try {
            return YAML.readTree(DIR.resolve("values.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Chart.yaml, as a tree. */
    static JsonNode chartYaml() {
        try {
            return YAML.readTree(DIR.resolve("Chart.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
