package dev.ember.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Every value of values.yaml is in the README's table, and the table names no value that does not exist. */
class ChartValuesDocumentationTest {

    /** A row of the values table: | `key` | ... */
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyValueIsDocumentedInTheReadme() throws IOException {
        Set<String> documented = documentedKeys();
        List<String> undocumented = new ArrayList<>();

        collectUndocumented("", EmberChart.defaultValues(), documented, undocumented);

        assertThat(undocumented).as("values missing from the table in deploy/helm/ember/README.md").isEmpty();
    }

    @Test
    void theReadmeDocumentsOnlyValuesThatExist() throws IOException {
        JsonNode values = EmberChart.defaultValues();

        assertThat(documentedKeys())
                .allSatisfy(key -> assertThat(values.at("/" + key.replace(".", "/")).isMissingNode())
                        .as("README documents %s, which values.yaml does not have", key).isFalse());
    }

    /** A value is documented by its own row, or by the row of an object it belongs to (such as resources). */
    private static void collectUndocumented(String path, JsonNode node, Set<String> documented, List<String> out) {
        if (!path.isEmpty() && documented.contains(path)) {
            return;
        }
        if (node.isObject() && !node.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                collectUndocumented(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue(),
                        documented, out);
            }
            return;
        }
        out.add(path);
    }

    private static Set<String> documentedKeys() throws IOException {
        String readme = Files.readString(EmberChart.DIR.resolve("README.md"));
        Set<String> keys = new LinkedHashSet<>();
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            keys.add(row.group(1));
        }
        assertThat(keys).as("the README has a values table").isNotEmpty();
        return keys;
    }
}
