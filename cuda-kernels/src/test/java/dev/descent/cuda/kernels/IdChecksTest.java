package dev.descent.cuda.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Backends;
import dev.descent.core.MemoryScopes;
import dev.descent.cuda.memory.CachingAllocator;
import dev.descent.cuda.memory.CudaTensors;
import dev.descent.cuda.memory.DeviceBuffer;
import dev.descent.cuda.memory.FakeDeviceMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of deferred id checks, on a pretend stream that runs {@code index_check} in Java exactly as the
 * kernel is specified (the kernel itself is checked under the CPU emulator): nothing is read at the check, the first
 * failed check is thrown at the next read in the CPU backend's words, slots are reset after a read, and running out
 * of slots reads early instead of losing a check.
 */
class IdChecksTest {
    /** Device memory as int arrays by address; index_check emulated; reads run the registered checks. */
    private static final class PretendStream implements KernelStream {
        final Map<Long, int[]> words = new HashMap<>();
        final Map<Long, float[]> ids = new HashMap<>();
        final List<Runnable> readChecks = new ArrayList<>();
        int checkLaunches;
        int reads;

        @Override
        public void launch(KernelSpec spec, List<String> defines, LaunchShape shape, Object... args) {
            spec.checkArgs(args);
            assertThat(spec).isEqualTo(Kernels.INDEX_CHECK);
            checkLaunches++;
            int n = (Integer) args[0];
            int bound = (Integer) args[1];
            int allowed = (Integer) args[2];
            boolean hasAllowed = (Integer) args[3] != 0;
            float[] v = ids.get(((DeviceBuffer) args[4]).address());
            int[] status = words.get(((DeviceBuffer) args[6]).address());
            int slot = (Integer) args[7];
            for (int i = n - 1; i >= 0; i--) {                         // the smallest bad position wins
                int id = (int) v[i];
                if (id != v[i] || ((id < 0 || id >= bound) && !(hasAllowed && id == allowed))) {
                    status[2 * slot] = Float.floatToRawIntBits(v[i]);
                    status[2 * slot + 1] = i;
                }
            }
        }

        @Override
        public void uploadInts(DeviceBuffer dst, int[] src) {
            throw new UnsupportedOperationException("no uploads here");
        }

        @Override
        public void fillWords(DeviceBuffer dst, int value, long count) {
            int[] w = words.computeIfAbsent(dst.address(), a -> new int[(int) (dst.bytes() / 4)]);
            Arrays.fill(w, 0, (int) count, value);
        }

        @Override
        public void addReadCheck(Runnable check) {
            readChecks.add(check);
        }

        @Override
        public float[] download(DeviceBuffer src, long offset, int count) {
            read();
            return new float[count];
        }

        @Override
        public int[] downloadInts(DeviceBuffer src, int count) {
            read();
            return Arrays.copyOf(words.get(src.address()), count);
        }

        void read() {
            reads++;
            readChecks.forEach(Runnable::run);
        }
    }

    private final CachingAllocator alloc = new CachingAllocator(new FakeDeviceMemory(1 << 24), 0);
    private final PretendStream stream = new PretendStream();
    private final IdChecks checks = new IdChecks(new CudaTensors(Backends.cpu(), alloc, new MemoryScopes()), stream);

    private DeviceBuffer ids(float... values) {
        DeviceBuffer b = alloc.allocate(4L * values.length);
        stream.ids.put(b.address(), values);
        return b;
    }

    private void check(String op, String what, float[] values, int bound, int allowed, boolean hasAllowed) {
        checks.check(op, what, ids(values), alloc.allocate(4L * values.length), values.length, bound, allowed,
                hasAllowed);
    }

    @Test
    void aBadIdIsReportedAtTheNextReadInTheCpuBackendsWords() {
        check("embedding", "a vocabulary of size 50257", new float[] {1, 2, 3}, 50257, 0, false);
        check("embedding", "a vocabulary of size 50257", new float[] {1, 50257, 2, -1}, 50257, 0, false);
        check("crossEntropy", "7 classes (ignoreIndex -100)", new float[] {0, 2.5f}, 7, -100, true);
        assertThat(stream.checkLaunches).isEqualTo(3);
        assertThat(stream.reads).isZero();
        assertThatThrownBy(stream::read).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("embedding: index 50257 at position 1 is out of range for a vocabulary of size 50257");
        stream.read();                                            // reported once; the slots are clean again
        check("crossEntropy", "7 classes (ignoreIndex -100)", new float[] {-100, 6, 0}, 7, -100, true);
        stream.read();
    }

    @Test
    void runningOutOfSlotsReadsEarlyInsteadOfLosingACheck() {
        check("embedding", "a vocabulary of size 3", new float[] {0, 3}, 3, 0, false);
        for (int i = 1; i < IdChecks.SLOTS; i++) {
            check("embedding", "a vocabulary of size 3", new float[] {0, 1}, 3, 0, false);
        }
        assertThat(stream.reads).isZero();
        assertThatThrownBy(() -> check("embedding", "a vocabulary of size 3", new float[] {2}, 3, 0, false))
                .hasMessage("embedding: index 3 at position 1 is out of range for a vocabulary of size 3");
        assertThat(stream.reads).isEqualTo(1);
    }
}
