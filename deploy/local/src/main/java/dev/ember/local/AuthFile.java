package dev.ember.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code auth.ini} that CLIs and SDKs read to find the platform: the top-level keys written here are replaced on
 * every start, while other lines and any {@code [profile]} sections a user added are kept as they were.
 */
final class AuthFile {

    private AuthFile() {
    }

    static void write(Path file, String accountId, String apiKey, String apiBase, String inferenceBase) {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("account_id", accountId);
        keys.put("api_key", apiKey);
        keys.put("api_base", apiBase);
        keys.put("inference_base", inferenceBase);
        try {
            List<String> existing = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            PrivateFiles.write(file, String.join("\n", merge(existing, keys)) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static List<String> merge(List<String> existing, Map<String, String> keys) {
        int firstSection = 0;
        while (firstSection < existing.size() && !existing.get(firstSection).trim().startsWith("[")) {
            firstSection++;
        }
        List<String> lines = new ArrayList<>();
        Set<String> written = new HashSet<>();
        for (String line : existing.subList(0, firstSection)) {
            String key = keyOf(line);
            if (!keys.containsKey(key)) {
                lines.add(line);
            } else if (written.add(key)) {
                lines.add(key + " = " + keys.get(key));
            }
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        keys.forEach((key, value) -> {
            if (!written.contains(key)) {
                lines.add(key + " = " + value);
            }
        });
        if (firstSection < existing.size()) {
            lines.add("");
            lines.addAll(existing.subList(firstSection, existing.size()));
        }
        return lines;
    }

    private static String keyOf(String line) {
        String trimmed = line.trim();
        int equals = trimmed.indexOf('=');
        if (equals < 0 || trimmed.startsWith("#") || trimmed.startsWith(";")) {
            return "";
        }
        return trimmed.substring(0, equals).trim();
    }
}
