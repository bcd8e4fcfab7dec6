package dev.ember.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.ember.common.event.ModelProfile;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.dataplane.engine.BatchSimulator.Result;
import dev.ember.dataplane.engine.BatchSimulator.Workload;

/**
 * The simulated engine against shared/reference/perf-calibration.md (Llama 3.1 8B, FP8, one H100), every row within
 * 15% with the one global set of {@link EngineConstants}; and checks that would catch a model that fits those rows
 * but is nonsense elsewhere. All in virtual time: deterministic and fast.
 */
class CalibrationTest {

    static final double TOLERANCE = 0.15;
    static final ModelCatalog CATALOG = ModelCatalog.load();
    static final ModelProfile LLAMA_8B = CATALOG.find("llama-v3p1-8b-instruct").orElseThrow();
    static final ModelProfile LLAMA_70B = CATALOG.find("accounts/fireworks/models/llama-v3p1-70b-instruct")
            .orElseThrow();
    static final PerformanceModel H100_8B_FP8 = new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 1,
            Precision.FP8);
    /** Standard runs are shared by the rows that read different figures from them. */
    static final Map<String, Result> RUNS = new ConcurrentHashMap<>();

    static Result standardRun(int concurrency, int input, int output) {
        return RUNS.computeIfAbsent(concurrency + "/" + input + "/" + output,
                k -> BatchSimulator.run(H100_8B_FP8, Workload.standard(concurrency, input, output)));
    }

    @ParameterizedTest(name = "{0}: {1} target {2}")
    @CsvSource({
            "online 1 concurrent,     ttft ms,        10",
            "online 1 concurrent,     itl ms,         4.6",
            "online 1 concurrent,     output tok/s,   215",
            "online 50 concurrent,    ttft ms,        67",
            "online 50 concurrent,    itl ms,         5.9",
            "online 50 concurrent,    output tok/s,   8018",
            "online 200 concurrent,   ttft ms,        465",
            "online 200 concurrent,   itl ms,         12.7",
            "online 200 concurrent,   output tok/s,   13348",
            "offline 128/128,         output tok/s,   28312",
            "offline 1000/1000,       output tok/s,   15220"})
    void calibrationRowWithinTolerance(String row, String metric, double target) {
        Result r = row.startsWith("online")
                ? standardRun(Integer.parseInt(row.split(" ")[1]), 1000, 1000)
                : standardRun(0, Integer.parseInt(row.split(" ")[1].split("/")[0]),
                        Integer.parseInt(row.split("/")[1]));
        double simulated = switch (metric) {
            case "ttft ms" -> r.ttftMsP50();
            case "itl ms" -> r.itlMsP50();
            default -> r.outputTokensPerSecond();
        };
        System.out.printf("calibration %-22s %-13s target %8.1f simulated %8.1f error %+5.1f%%%n", row, metric,
                target, simulated, (simulated - target) / target * 100);
        assertThat(simulated).as("%s %s", row, metric).isCloseTo(target, within(target * TOLERANCE));
    }

    @Test
    void sameWorkloadSameResult() {
        Workload w = Workload.online(37, 700, 300, 111);
        assertThat(BatchSimulator.run(H100_8B_FP8, w)).isEqualTo(BatchSimulator.run(H100_8B_FP8, w));
    }

    @Test
    void throughputRisesWithConcurrencyUntilItSaturates() {
        List<Integer> levels = List.of(1, 2, 4, 8, 16, 32, 64, 128, 256, 512);
        double[] tps = levels.stream()
                .mapToDouble(c -> BatchSimulator.run(H100_8B_FP8, Workload.standard(c, 500, 200))
                        .outputTokensPerSecond())
                .toArray();
        for (int i = 1; i < tps.length; i++) {
            assertThat(tps[i]).as("tokens/s at %d concurrent vs %d", levels.get(i), levels.get(i - 1))
                    .isGreaterThan(tps[i - 1] * 0.97);
        }
        // nearly linear while the batch is small: weights are read once per step whatever the batch
        assertThat(tps[3] / tps[0]).isGreaterThan(6);
        // beyond the batch limit more clients only queue
        assertThat(tps[9] / tps[8]).isBetween(0.95, 1.10);
        assertThat(tps[8]).isGreaterThan(tps[0] * 50);
    }

    @Test
    void newerGpusDecodeThe70bFaster() {
        double a100 = decodeStep(AcceleratorType.NVIDIA_A100_80GB);
        double h100 = decodeStep(AcceleratorType.NVIDIA_H100_80GB);
        double h200 = decodeStep(AcceleratorType.NVIDIA_H200_141GB);
        double b200 = decodeStep(AcceleratorType.NVIDIA_B200_180GB);
        assertThat(h200).isLessThan(h100);
        assertThat(h100).isLessThan(a100);
        assertThat(b200).isLessThan(h200);
        // decode is bandwidth-bound: H200 vs H100 follows 4.8 vs 3.35 TB/s, less the fixed step overhead
        assertThat(h100 / h200).isBetween(1.25, 1.45);
    }

    private static double decodeStep(AcceleratorType type) {
        return new PerformanceModel(LLAMA_70B, type, 2, Precision.FP8).decodeStepSeconds(32, 2000);
    }

    @Test
    void the70bAtBf16DoesNotFitOnOneH100() {
        assertThatThrownBy(() -> new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_H100_80GB, 1, Precision.BF16))
                .isInstanceOf(ModelDoesNotFitException.class)
                .hasMessageContaining("141.2 GB")
                .hasMessageContaining("1 x NVIDIA_H100_80GB has only 72.0 GB usable");
        assertThat(new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_H100_80GB, 2, Precision.BF16)
                .kvCapacityTokens()).isPositive();
    }

    @Test
    void aRequestLargerThanTheKvCacheIsRefused() {
        // 70B FP8 on one H100: 1.4 GB of KV cache, about 8,600 tokens
        PerformanceModel tight = new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_H100_80GB, 1, Precision.FP8);
        assertThat(tight.kvCapacityTokens()).isBetween(8_000L, 9_000L);
        assertThatThrownBy(() -> BatchSimulator.run(tight, Workload.standard(1, 8000, 1000)))
                .isInstanceOf(ModelDoesNotFitException.class).hasMessageContaining("does not fit in the KV cache");
        assertThatThrownBy(() -> new ReplicaEngine(tight).start(8000, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoGpusAreFasterThanOneButNotTwiceAsFast() {
        for (int concurrency : new int[]{1, 64}) {
            double one = BatchSimulator.run(H100_8B_FP8, Workload.standard(concurrency, 1000, 500))
                    .outputTokensPerSecond();
            double two = BatchSimulator.run(new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 2,
                    Precision.FP8), Workload.standard(concurrency, 1000, 500)).outputTokensPerSecond();
            assertThat(two).as("%d concurrent", concurrency).isGreaterThan(one * 1.1).isLessThan(one * 2);
        }
    }

    @Test
    void fp8DecodesFasterThanBf16() {
        PerformanceModel bf16 = new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 1, Precision.BF16);
        assertThat(H100_8B_FP8.decodeStepSeconds(1, 1000)).isLessThan(bf16.decodeStepSeconds(1, 1000) * 0.7);
        assertThat(H100_8B_FP8.decodeStepSeconds(64, 2000)).isLessThan(bf16.decodeStepSeconds(64, 2000));
        assertThat(H100_8B_FP8.kvCapacityTokens()).isGreaterThan(bf16.kvCapacityTokens() * 2);
    }

    @Test
    void memoryFollowsTheModelShape() {
        // 2 x 32 layers x 8 KV heads x 128 x 1 byte (FP8 KV cache); BF16 keeps 2 bytes
        assertThat(H100_8B_FP8.kvBytesPerToken()).isEqualTo(65_536);
        assertThat(new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 1, Precision.BF16)
                .kvBytesPerToken()).isEqualTo(131_072);
        assertThat(H100_8B_FP8.weightBytes()).isEqualTo(8.03e9);
        // DeepSeek V3's MLA cache is about 70 KB per token at 16 bits
        PerformanceModel deepseek = new PerformanceModel(CATALOG.find("deepseek-v3").orElseThrow(),
                AcceleratorType.NVIDIA_H200_141GB, 8, Precision.FP8_MM);
        assertThat(deepseek.kvBytesPerToken()).isCloseTo(70_000, within(1_000.0));
    }

    @Test
    void aMixtureOfExpertsDecodesLikeItsActiveParameters() {
        PerformanceModel gptOss = new PerformanceModel(CATALOG.find("gpt-oss-120b").orElseThrow(),
                AcceleratorType.NVIDIA_H100_80GB, 2, Precision.FP8);
        PerformanceModel llama70 = new PerformanceModel(LLAMA_70B, AcceleratorType.NVIDIA_H100_80GB, 2,
                Precision.FP8);
        // one sequence reads 5.1 B active parameters, not 117 B
        assertThat(gptOss.decodeStepSeconds(1, 1000)).isLessThan(llama70.decodeStepSeconds(1, 1000) / 4);
        // a large batch touches nearly every expert
        assertThat(gptOss.weightBytesRead(256)).isGreaterThan(gptOss.weightBytes() * 0.99);
    }

    @Test
    void speculativeDecodingHelpsOnlyWhenDraftsAreAccepted() {
        Workload w = Workload.standard(1, 1000, 500);
        double plain = BatchSimulator.run(H100_8B_FP8, w).itlMsP50();
        double good = BatchSimulator.run(new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 1,
                Precision.FP8, new SpeculativeDecoding(3, 0.7)), w).itlMsP50();
        double useless = BatchSimulator.run(new PerformanceModel(LLAMA_8B, AcceleratorType.NVIDIA_H100_80GB, 1,
                Precision.FP8, new SpeculativeDecoding(3, 0.0)), w).itlMsP50();
        assertThat(good).isLessThan(plain * 0.6);
        assertThat(useless).isGreaterThan(plain);
    }

    @Test
    void replicaEngineAgreesWithTheModel() {
        MutableClock clock = new MutableClock();
        ReplicaEngine engine = new ReplicaEngine(H100_8B_FP8, clock);
        try (ReplicaEngine.Sequence alone = engine.start(1000, 100)) {
            assertThat(seconds(alone.firstTokenDelay())).isCloseTo(H100_8B_FP8.prefillSeconds(1000), within(1e-6));
            clock.advance(alone.firstTokenDelay());
            assertThat(seconds(alone.nextTokenDelay())).isCloseTo(H100_8B_FP8.decodeStepSeconds(1, 1001),
                    within(1e-6));
        }
        assertThat(engine.batchSize()).isZero();
    }

    @Test
    void replicaEngineSlowsDownUnderLoad() {
        MutableClock clock = new MutableClock();
        ReplicaEngine engine = new ReplicaEngine(H100_8B_FP8, clock);
        ReplicaEngine.Sequence first = engine.start(1000, 1000);
        clock.advance(first.firstTokenDelay());
        Duration alone = first.nextTokenDelay();
        // prompts arriving together queue behind each other's prefill
        ReplicaEngine.Sequence second = engine.start(1000, 1000);
        ReplicaEngine.Sequence third = engine.start(1000, 1000);
        assertThat(third.firstTokenDelay()).isGreaterThan(second.firstTokenDelay());
        // the running sequence's next token waits for those prefills
        assertThat(first.nextTokenDelay()).isGreaterThan(alone.multipliedBy(2));
        clock.advance(Duration.ofSeconds(1));
        List<ReplicaEngine.Sequence> more = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            more.add(engine.start(1000, 1000));
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(first.nextTokenDelay()).isGreaterThan(alone);
        // beyond the batch limit a request waits for a slot
        for (int i = engine.batchSize(); i < EngineConstants.MAX_BATCH_SIZE; i++) {
            more.add(engine.start(1000, 1000));
        }
        ReplicaEngine.Sequence waiting = engine.start(1000, 1000);
        assertThat(engine.queueLength()).isEqualTo(1);
        assertThat(waiting.firstTokenDelay()).isGreaterThan(Duration.ofSeconds(1));
        first.close();
        assertThat(engine.queueLength()).isZero();
        more.forEach(ReplicaEngine.Sequence::close);
        second.close();
        third.close();
        waiting.close();
        waiting.close();
        assertThat(engine.batchSize()).isZero();
    }

    @Test
    void catalogCopyMatchesTheControlPlaneCatalog() throws IOException {
        Path controlPlane = Path.of("../control-plane/src/main/resources/catalog/models.json");
        assumeTrue(Files.exists(controlPlane), "run from the data-plane module of the repository");
        Path copy = Path.of("src/main/resources/engine/models.json");
        assertThat(Files.readString(copy)).isEqualTo(Files.readString(controlPlane));
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {

        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
