package dev.ember.local;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.ember.common.event.ModelProfile;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.dataplane.engine.BatchSimulator;
import dev.ember.dataplane.engine.BatchSimulator.Result;
import dev.ember.dataplane.engine.BatchSimulator.Workload;
import dev.ember.dataplane.engine.ModelCatalog;
import dev.ember.dataplane.engine.ModelDoesNotFitException;
import dev.ember.dataplane.engine.PerformanceModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ember simulate}: runs the simulated serving engine alone, in virtual time, and prints what a client sees. */
@Command(name = "simulate", sortOptions = false, description = {
        "Runs the simulated serving engine of one replica on its own, in virtual time (no GPU, no waiting), and prints"
                + " the median time to first token, the median inter-token latency and the output tokens per second.",
        "Online: CONCURRENCY clients each send " + Workload.ROUNDS_PER_CLIENT + " requests back to back."
                + " Offline (--concurrency 0): " + Workload.OFFLINE_REQUESTS + " requests queued at once."})
final class SimulateCommand implements Callable<Integer> {

    static final List<Integer> ACCELERATOR_COUNTS = List.of(1, 2, 4, 8);

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Catalog model: ID (llama-v3p1-8b-instruct) or full name (accounts/fireworks/models/...).")
    String model;

    @Option(names = "--accelerator-type", paramLabel = "TYPE", defaultValue = "NVIDIA_H100_80GB", description = "GPU type (default: ${DEFAULT-VALUE}).")
    String acceleratorType;

    @Option(names = "--accelerator-count", paramLabel = "N", defaultValue = "1", description = "GPUs of the replica: 1, 2, 4 or 8 (default: ${DEFAULT-VALUE}).")
    int acceleratorCount;

    @Option(names = "--precision", paramLabel = "PRECISION", description = "Serving precision (default: the model's default precision).")
    String precision;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1", description = "Concurrent clients; 0 runs offline (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--input-tokens", paramLabel = "N", defaultValue = "1000", description = "Prompt tokens per request (default: ${DEFAULT-VALUE}).")
    int inputTokens;

    @Option(names = "--output-tokens", paramLabel = "N", defaultValue = "1000", description = "Output tokens per request (default: ${DEFAULT-VALUE}).")
    int outputTokens;

    @Option(names = {"-o",
            "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        if (!output.equals("text") && !output.equals("json")) {
            throw usage("Invalid -o '" + output + "': use text or json.");
        }
        ModelCatalog catalog = ModelCatalog.load();
        ModelProfile profile = catalog.find(model)
                .orElseThrow(() -> usage("Unknown --model '" + model + "'. Known: " + String.join(", ", catalog.ids())
                        + "."));
        AcceleratorType type = AcceleratorType.find(acceleratorType)
                .orElseThrow(() -> usage("Unknown --accelerator-type '" + acceleratorType + "'. Known: "
                        + AcceleratorType.names() + "."));
        String precisionName = precision != null ? precision : profile.defaultPrecision();
        Precision servingPrecision = Precision.find(precisionName)
                .orElseThrow(() -> usage("Unknown --precision '" + precisionName + "'. Known: " + Precision.names()
                        + "."));
        checkNumbers(profile);
        Result result;
        PerformanceModel performance;
        try {
            performance = new PerformanceModel(profile, type, acceleratorCount, servingPrecision);
            result = BatchSimulator.run(performance, Workload.standard(concurrency, inputTokens, outputTokens));
        } catch (ModelDoesNotFitException e) {
            throw usage(e.getMessage());
        }
        print(performance, result);
        return 0;
    }

    private void checkNumbers(ModelProfile profile) {
        if (!ACCELERATOR_COUNTS.contains(acceleratorCount)) {
            throw usage("Invalid --accelerator-count " + acceleratorCount + ": use 1, 2, 4 or 8.");
        }
        if (concurrency < 0 || concurrency > 10_000) {
            throw usage("Invalid --concurrency " + concurrency + ": use 0 (offline) to 10000.");
        }
        if (inputTokens < 1 || outputTokens < 1) {
            throw usage("Invalid token counts " + inputTokens + "/" + outputTokens + ": use at least 1 of each.");
        }
        if ((long) inputTokens + outputTokens > profile.contextLength()) {
            throw usage("--input-tokens plus --output-tokens (" + ((long) inputTokens + outputTokens)
                    + ") exceed the context length of " + model + " (" + profile.contextLength() + ").");
        }
    }

    private void print(PerformanceModel performance, Result r) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.equals("json")) {
            out.printf(Locale.ROOT, "{\"ttftMsP50\": %.2f, \"itlMsP50\": %.2f, \"outputTokensPerSecond\": %.1f}%n",
                    r.ttftMsP50(), r.itlMsP50(), r.outputTokensPerSecond());
            return;
        }
        String load = concurrency == 0 ? "offline" : concurrency + " concurrent";
        out.printf(Locale.ROOT, "%s, %s, %d input / %d output tokens, %d requests in %.1f s of virtual time%n",
                performance, load, inputTokens, outputTokens, r.requests(), r.elapsedSeconds());
        out.printf(Locale.ROOT, "  weights %.1f GB, KV cache %,d tokens%n", performance.weightBytes() / 1e9,
                performance.kvCapacityTokens());
        out.printf(Locale.ROOT, "  TTFT p50               %10.1f ms%n", r.ttftMsP50());
        out.printf(Locale.ROOT, "  inter-token p50        %10.2f ms%n", r.itlMsP50());
        out.printf(Locale.ROOT, "  output tokens/s        %10.0f%n", r.outputTokensPerSecond());
        out.flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
