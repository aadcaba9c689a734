package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The host side of the multi-tensor launches: the words of each entry where optim.cu's {@code TensorEntry} has its
 * fields, and blocks that, found as the kernel finds its entry, cover every element of every tensor exactly once.
 */
class MultiTensorTableTest {
    private static final int[] SIZES = {300, 0, 4096, 4097, 9000, 1};

    private static MultiTensorTable table() {
        MultiTensorTable table = new MultiTensorTable(SIZES.length);
        for (int k = 0; k < SIZES.length; k++) {
            table.add(SIZES[k], new long[] {0x1_0000_0000L * (k + 1) + 16 * k, 0, 7L << 40}, 0.5f * k, -1f);
        }
        return table;
    }

    @Test
    void entriesHoldAddressesCountFirstBlockAndScalars() {
        MultiTensorTable table = table();
        assertThat(table.count()).as("the empty tensor has no entry").isEqualTo(5);
        assertThat(table.blocks()).isEqualTo(1 + 1 + 2 + 3 + 1);
        int[] w = table.words();
        assertThat(w).hasSize(5 * MultiTensorTable.WORDS);
        int third = 2 * MultiTensorTable.WORDS;                       // SIZES[3] = 4097, after two entries
        long address = (w[third] & 0xffff_ffffL) | ((long) w[third + 1] << 32);
        assertThat(address).isEqualTo(0x1_0000_0000L * 4 + 48);
        assertThat(w[third + 2]).isZero();
        assertThat((w[third + 4] & 0xffff_ffffL) | ((long) w[third + 5] << 32)).isEqualTo(7L << 40);
        assertThat(w[third + 8]).as("unused tensors are null").isZero();
        assertThat(w[third + 10]).isEqualTo(4097);
        assertThat(w[third + 11]).as("first block").isEqualTo(2);
        assertThat(Float.intBitsToFloat(w[third + 12])).isEqualTo(1.5f);
        assertThat(Float.intBitsToFloat(w[third + 13])).isEqualTo(-1f);
    }

    /** The kernel's search (largest firstBlock ≤ b) and chunk bounds, replayed for every block. */
    @Test
    void everyElementIsCoveredOnce() {
        MultiTensorTable table = table();
        int[] w = table.words();
        int[][] seen = new int[SIZES.length][];
        for (int k = 0; k < SIZES.length; k++) {
            seen[k] = new int[SIZES[k]];
        }
        int[] tensorOfEntry = {0, 2, 3, 4, 5};
        for (int b = 0; b < table.blocks(); b++) {
            int lo = 0;
            int hi = table.count() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >> 1;
                if (w[mid * MultiTensorTable.WORDS + 11] <= b) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int n = w[lo * MultiTensorTable.WORDS + 10];
            int start = (b - w[lo * MultiTensorTable.WORDS + 11]) * MultiTensorTable.CHUNK;
            for (int i = start; i < Math.min(n, start + MultiTensorTable.CHUNK); i++) {
                seen[tensorOfEntry[lo]][i]++;
            }
        }
        for (int k = 0; k < SIZES.length; k++) {
            assertThat(Arrays.stream(seen[k]).allMatch(times -> times == 1)).as("tensor %d", k).isTrue();
        }
    }

    @Test
    void tooManyTensorsOrScalarsAreRefused() {
        assertThatThrownBy(() -> new MultiTensorTable(1).add(1, new long[6]))
                .hasMessageContaining("holds 5 tensors and 4 scalars, not 6 and 0");
    }

    /** The chunk and the struct's fields as optim.cu declares them: 5 pointers, n, firstBlock, 4 floats = 16 words. */
    @Test
    void theLayoutIsOptimCusTensorEntry() {
        String source = CudaSources.read("optim.cu");
        Matcher chunk = Pattern.compile("#define MULTI_CHUNK (\\d+)").matcher(source);
        assertThat(chunk.find()).isTrue();
        assertThat(Integer.parseInt(chunk.group(1))).isEqualTo(MultiTensorTable.CHUNK);
        String struct = source.substring(source.indexOf("struct TensorEntry {"), source.indexOf("};",
                source.indexOf("struct TensorEntry {")));
        assertThat(struct.lines().map(String::trim).filter(l -> !l.startsWith("struct"))
                .map(l -> l.replaceAll("\\s*//.*", ""))).containsExactly("float* t[" + MultiTensorTable.TENSORS + "];",
                "int n;", "int firstBlock;", "float s[" + MultiTensorTable.SCALARS + "];");
        assertThat(2 * MultiTensorTable.TENSORS + 2 + MultiTensorTable.SCALARS).isEqualTo(MultiTensorTable.WORDS);
    }
}
