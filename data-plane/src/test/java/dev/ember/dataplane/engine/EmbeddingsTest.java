package dev.ember.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** The simulated vectors are deterministic, unit length, truncate like Matryoshka ones and place similar texts close. */
class EmbeddingsTest {

    private static final String MODEL = "accounts/fireworks/models/nomic-embed-text-v1p5";

    @Test
    void theSameModelAndTextGiveTheSameVectorAndAnotherModelAnother() {
        assertThat(Embeddings.embed(MODEL, "The cat sat", 768)).containsExactly(Embeddings.embed(MODEL, "The cat sat",
                768));
        assertThat(Embeddings.embed("accounts/fireworks/models/other", "The cat sat", 768))
                .isNotEqualTo(Embeddings.embed(MODEL, "The cat sat", 768));
    }

    @Test
    void vectorsAndTheirTruncationsAreUnitLength() {
        for (int dimensions : new int[]{1, 64, 256, 768}) {
            assertThat(norm(Embeddings.embed(MODEL, "Unit length, whatever the size.", dimensions)))
                    .isCloseTo(1.0, within(1e-5));
        }
        assertThat(norm(Embeddings.embed(MODEL, "", 768))).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void aTruncatedVectorPointsTheWayOfTheWholeOnesPrefix() {
        float[] whole = Embeddings.embed(MODEL, "Matryoshka dolls nest", 768);
        float[] cut = Embeddings.embed(MODEL, "Matryoshka dolls nest", 64);
        double prefixNorm = 0;
        for (int i = 0; i < 64; i++) {
            prefixNorm += whole[i] * whole[i];
        }
        prefixNorm = Math.sqrt(prefixNorm);
        for (int i = 0; i < 64; i++) {
            assertThat(cut[i]).isCloseTo((float) (whole[i] / prefixNorm), within(1e-5f));
        }
    }

    @Test
    void textsSharingWordsAreCloserThanUnrelatedOnes() {
        float[] cat = Embeddings.embed(MODEL, "The cat sat on the mat", 768);
        float[] similar = Embeddings.embed(MODEL, "A cat sat on a mat", 768);
        float[] unrelated = Embeddings.embed(MODEL, "Quarterly revenue grew strongly", 768);
        assertThat(dot(cat, similar)).isGreaterThan(dot(cat, unrelated) + 0.3);
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheVector() {
        float[] vector = Embeddings.embed(MODEL, "encode me", 16);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(Embeddings.base64(vector)))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = bytes.getFloat();
        }
        assertThat(decoded).containsExactly(vector);
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
