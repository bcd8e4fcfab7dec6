package dev.ember.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The upload flow of models and datasets: {@code :getUploadEndpoint} with every file and its size, a PUT of each file
 * to its signed URL (with a progress bar), then {@code :validateUpload}, which makes the resource READY.
 */
public final class Upload {

    private Upload() {
    }

    /** One file alone, for resources that take exactly one (a dataset's JSONL file). */
    public static Map<String, Path> file(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new CliException(ExitCodes.USAGE, path + " is not a file");
        }
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(path.getFileName().toString(), path);
        return files;
    }

    /** The files to upload: a file alone, or every regular file under a folder (hidden ones left out). */
    public static Map<String, Path> files(Path path) {
        if (Files.isRegularFile(path)) {
            return file(path);
        }
        Map<String, Path> files = new LinkedHashMap<>();
        if (!Files.isDirectory(path)) {
            throw new CliException(ExitCodes.USAGE, path + " is neither a file nor a folder");
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile)
                    .filter(file -> !path.relativize(file).toString().startsWith(".")
                            && !file.getFileName().toString().startsWith("."))
                    .sorted()
                    .forEach(file -> files.put(path.relativize(file).toString().replace('\\', '/'), file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
        if (files.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, path + " holds no files to upload");
        }
        return files;
    }

    /** Uploads {@code files} to the resource and validates them; returns the resource, or null under --dry-run. */
    public static JsonNode upload(Session s, String resourceName, Map<String, Path> files) {
        ObjectNode sizes = Json.object();
        ObjectNode body = Json.object();
        body.set("filenameToSize", sizes);
        files.forEach((name, file) -> sizes.put(name, size(file)));
        JsonNode endpoints = s.send(Request.post(Names.path(resourceName) + ":getUploadEndpoint", body));
        if (endpoints == null) {
            return null;
        }
        Progress progress = Progress.to(s.json() ? s.err() : s.out(), s.env().tty());
        Instant start = s.env().clock().instant();
        long total = 0;
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String url = endpoints.path("filenameToSignedUrls").path(file.getKey()).asText(null);
            if (url == null) {
                throw new CliException(ExitCodes.ERROR, "the server gave no upload URL for " + file.getKey());
            }
            put(s, url, file.getKey(), file.getValue(), progress, start);
            total += size(file.getValue());
        }
        progress.finish("Uploaded " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " ("
                + Progress.size(total) + ") in "
                + Progress.elapsed(Duration.between(start, s.env().clock().instant())));
        JsonNode validation = s.call(Request.post(Names.path(resourceName) + ":validateUpload", null));
        for (JsonNode warning : validation.path("warnings")) {
            s.err().println("warning: " + warning.asText());
        }
        s.err().flush();
        return s.call(Request.get(Names.path(resourceName)));
    }

    private static void put(Session s, String url, String label, Path file, Progress progress, Instant start) {
        long size = size(file);
        AtomicLong sent = new AtomicLong();
        progress.bytes(label, 0, size, Duration.between(start, s.env().clock().instant()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new Counting(Files.newInputStream(file), read -> progress.bytes(label,
                                sent.addAndGet(read), size, Duration.between(start, s.env().clock().instant())));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + file, e);
                    }
                }), size))
                .build();
        HttpResponse<String> response = s.api().exchange(request, HttpResponse.BodyHandlers.ofString(), url);
        if (response.statusCode() / 100 != 2) {
            throw ApiException.from(response.statusCode(), ApiClient.parse(response.body()), response.body());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reports every chunk read, as the HTTP client sends it. */
    private static final class Counting extends FilterInputStream {

        private final java.util.function.LongConsumer onRead;

        Counting(InputStream in, java.util.function.LongConsumer onRead) {
            super(in);
            this.onRead = onRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                onRead.accept(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read > 0) {
                onRead.accept(read);
            }
            return read;
        }
    }
}
