package dev.ember.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code auth.ini}: {@code key = value} lines at the top (the default profile, as {@code ember up} writes them), then
 * optional {@code [name]} sections, one per profile. A profile's keys override the top-level ones; the rest are
 * inherited. Blank lines and lines starting with {@code #} or {@code ;} are ignored.
 */
public final class AuthIni {

    private final Map<String, String> defaults;
    private final Map<String, Map<String, String>> profiles;

    private AuthIni(Map<String, String> defaults, Map<String, Map<String, String>> profiles) {
        this.defaults = defaults;
        this.profiles = profiles;
    }

    public static AuthIni empty() {
        return new AuthIni(Map.of(), Map.of());
    }

    /** The file's settings; an absent file has none. */
    public static AuthIni read(Path file) {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static AuthIni parse(List<String> lines) {
        Map<String, String> defaults = new LinkedHashMap<>();
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        Map<String, String> current = defaults;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = profiles.computeIfAbsent(line.substring(1, line.length() - 1).strip(),
                        name -> new LinkedHashMap<>());
                continue;
            }
            int equals = line.indexOf('=');
            if (equals > 0) {
                current.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        return new AuthIni(defaults, profiles);
    }

    public boolean hasProfile(String name) {
        return profiles.containsKey(name);
    }

    public List<String> profileNames() {
        return List.copyOf(profiles.keySet());
    }

    /** A key of {@code profile} (null for the top-level settings), falling back to the top-level value. */
    public Optional<String> get(String profile, String key) {
        String value = profile == null ? null : profiles.getOrDefault(profile, Map.of()).get(key);
        if (value == null) {
            value = defaults.get(key);
        }
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }
}
