package dev.ember.dataplane.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Simulated embedding vectors: not a trained model's, but with the properties clients rely on. A text's vector is the
 * sum of one pseudo-random direction per word (lower-cased, hashed with the model's name), so it is the same for the
 * same model and text, and texts that share words are closer than texts that share none. Vectors are unit length, and
 * so is every prefix a client asks for with {@code dimensions} (Matryoshka truncation, renormalised).
 */
public final class Embeddings {

    private Embeddings() {
    }

    /** The unit-length vector of {@code text} under {@code model}, cut to its first {@code dimensions} components. */
    public static float[] embed(String model, String text, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
        }
        double[] sum = new double[dimensions];
        long modelSeed = model.hashCode() * 0x9E3779B97F4A7C15L;
        boolean any = false;
        for (String token : Tokenizer.split(text)) {
            String word = token.strip().toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                continue;
            }
            any = true;
            add(sum, modelSeed ^ word.hashCode());
        }
        if (!any) {
            // Blank text still gets a direction of its own, the same every time.
            add(sum, modelSeed);
        }
        return normalised(sum);
    }

    /** The vector as OpenAI's {@code encoding_format: "base64"}: little-endian float32s, base64-encoded. */
    public static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** A word's direction: the same prefix whatever the length, so a truncated vector is the prefix of the whole. */
    private static void add(double[] sum, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < sum.length; i++) {
            sum[i] += random.nextDouble(-1, 1);
        }
    }

    private static float[] normalised(double[] sum) {
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] vector = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            vector[i] = (float) (sum[i] / norm);
        }
        return vector;
    }
}
