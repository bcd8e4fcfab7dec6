package dev.ember.dataplane.engine;

/**
 * The one global set of constants of the simulated engine. They were fitted once against
 * {@code shared/reference/perf-calibration.md} (Llama 3.1 8B FP8 on one H100, online and offline) and are used
 * unchanged for every model, accelerator, count and precision; docs/engine.md explains each value.
 */
public final class EngineConstants {

    /**
     * Share of GPU memory the engine may use for weights and KV cache; the rest is CUDA context, activations and
     * fragmentation (vLLM's {@code gpu_memory_utilization} and TensorRT-LLM's free-memory fraction default near 0.9).
     */
    public static final double USABLE_MEMORY_FRACTION = 0.90;

    /** Share of spec-sheet HBM bandwidth a step achieves streaming weights and KV cache (tuned engines: 0.7-0.85). */
    public static final double BANDWIDTH_EFFICIENCY = 0.80;

    /**
     * Share of spec-sheet dense FLOP/s that prefill and compute-bound decode achieve, counting 2 FLOPs per parameter
     * per token. It sits above the usual 40-70% because that count includes the embedding table (a lookup, not a
     * matmul) and the LM head (run for the last prompt token only): about 13% of Llama 3.1 8B's parameters. A 10 ms
     * first token for a 1,000-token prompt on one H100 needs it.
     */
    public static final double COMPUTE_EFFICIENCY = 0.90;

    /**
     * Fixed cost of every engine step per model layer, whatever the step's size: kernel launches and the gaps
     * between them, plus sampling and scheduling spread over the layers. It is why one sequence decodes slower than
     * weight bytes over bandwidth alone: 1.2 ms a step for the 32 layers of Llama 3.1 8B, 3 ms for the 80 of a 70B.
     */
    public static final double STEP_OVERHEAD_SECONDS_PER_LAYER = 0.0000375;

    /**
     * Efficiency kept per doubling of GPUs in tensor parallelism (all-reduce traffic and synchronisation): n GPUs
     * act like {@code n x SCALING^log2(n)} GPUs, so 2 give 1.8x, 4 give 3.24x and 8 give 5.83x.
     */
    public static final double MULTI_GPU_SCALING = 0.90;

    /**
     * Most sequences one replica runs at once (vLLM's {@code max_num_seqs}, TensorRT-LLM's max batch size); more wait
     * in the queue. The calibration data say the measured server held fewer than 200: at 200 concurrent requests,
     * 13,348 output tokens/s x 12.7 ms per token means about 170 sequences were decoding at any moment (Little's
     * law), and the offline 128/128 : 1000/1000 throughput ratio (1.86) is what a batch of about 190 gives here (256
     * gives 2.03). Within that range the first-token latency at 200 clients, a queueing effect, picks 160.
     */
    public static final int MAX_BATCH_SIZE = 160;

    /**
     * Most tokens one step processes, decode and prefill together (TensorRT-LLM's default {@code max_num_tokens});
     * prompts beyond it are prefilled in chunks over several steps, and a step with a prefill in it delays the
     * running batch's next token.
     */
    public static final int MAX_STEP_TOKENS = 8192;

    /** A draft token of speculative decoding costs this share of a target-model decode step. */
    public static final double DRAFT_TOKEN_COST = 0.05;

    /**
     * Share of a draft model's proposals the target accepts: a same-family draft a tenth of the target's size agrees
     * on most tokens of chat text (published Llama 3 8B-for-70B figures are around 0.6 to 0.8). A rule of thumb, not
     * calibrated.
     */
    public static final double DRAFT_MODEL_ACCEPTANCE = 0.7;

    /**
     * Share of n-gram (prompt lookup) proposals the target accepts: high where the output repeats the prompt (code
     * edits, summaries, extraction), low in free chat. A rule of thumb for mixed traffic, not calibrated.
     */
    public static final double NGRAM_ACCEPTANCE = 0.3;

    private EngineConstants() {
    }
}
