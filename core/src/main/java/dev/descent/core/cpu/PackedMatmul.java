package dev.descent.core.cpu;

import static dev.descent.core.cpu.VectorMath.L;
import static dev.descent.core.cpu.VectorMath.SPECIES;

import dev.descent.core.cpu.CpuMatmul.Operand;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jdk.incubator.vector.FloatVector;

/**
 * Batched C = op(A)·op(B) on the JDK's Vector API: the GEMM recipe of GotoBLAS/BLIS with a register-blocked
 * micro-kernel. {@link CpuMatmul#reference} is the plain loop this must agree with.
 *
 * <p>Plan, with L the floats per vector of the machine's preferred species (8 with AVX2, 16 with AVX-512):
 * <ol>
 *   <li>B is packed once per call, in blocks of at most {@link #PACKED_B} floats (16 MiB, so a 50,304-row
 *       embedding never needs a packed copy of its own size): each block of rows [k0, k0 + depth) × columns
 *       [n0, n0 + width) spans all of N where it can (16,384 columns at K ≥ {@link #KC}) and then as much of K as
 *       fits, in equal parts of whole K steps, so that A is copied once per call; it is copied into panels of
 *       {@link #NR} = 2L columns, k-major, in a buffer aligned to cache lines where the JVM lets that be known
 *       ({@link AlignedFloats}). The tiles pack it as they need it, a unit of {@link #KC} rows ×
 *       {@link #NB} columns at a time, each unit once (see {@link Block}); a tile that would wait for a unit
 *       another is packing packs one of the next K step's. A row-major B is copied a vector at a time, a
 *       transposed one gathered down its columns ({@link MatmulPacking}): neither needs a transposed copy first.</li>
 *   <li>The rows of C are split into tiles, as many as keep every core busy (with few rows, one tile a core of
 *       all the rows and columns of its own where N is wide enough, else tiles of {@link #TALL_TILE} rows that split
 *       the columns too). A tile walks the block's K in steps of {@link #KC}, copies its rows of A for that step
 *       (row by row, at a stride of KC) and runs the micro-kernel over every sliver of {@link #MR} rows and every
 *       panel of a unit, unit after unit, so the unit in use (256 or 128 KiB) stays in L2.</li>
 *   <li>The micro-kernel holds an {@code MR × NR} block of C in 2·MR vector registers for a whole K step: per
 *       step of k, 2 vector loads of B, MR broadcasts of A (one address register, constant offsets) and 2·MR fused
 *       multiply-adds. With AVX2, MR = 4: C2 issues the 4 broadcasts ahead of the multiply-adds, so 14 registers
 *       are live, within AVX2's 16 (a 6-row block spills there; measured). With AVX-512's 32 registers, MR = 6:
 *       12 independent sums, enough to keep two 512-bit FMA pipes busy. C is loaded and stored once per K step
 *       (only stored on the product's first, so C need not be zeroed before). Every element of C is summed in the
 *       same order whatever the blocks, tiles, cores and vector width: K steps from k = 0 in order, each a chain of
 *       fused multiply-adds added to C.</li>
 *   <li>A batch with a B per entry runs its entries on different cores, each packing its own B.</li>
 *   <li>A product whose A is stored transposed and is much larger than B and C, or whose transposed B is wide and
 *       at a stride the gathers cannot take, runs as Cᵀ = Bᵀ·Aᵀ and a transpose ({@link #swapPays}), so that its
 *       large operand is copied row by row.</li>
 * </ol>
 */
final class PackedMatmul {
    /**
     * Rows of the C block the micro-kernel holds in registers: 6 with 512-bit vectors, whose instruction set
     * (AVX-512) has 32 vector registers (12 accumulators, 2 of B, the broadcasts); 4 with narrower ones, as AVX2's
     * 16 registers hold (a 6-row block spilled 5 accumulators there). On a Zen 5 core, whose fused multiply-adds
     * take 4 cycles on 2 full-width pipes, 8 accumulators leave no slack: 6 rows ran 5 to 20% faster than 4 on
     * 2 cores (docs/PERFORMANCE.md). 8 rows were no faster on an AVX-512 Xeon (and, with the sums into C made by a
     * helper method, as they once were, JDK 17's C2 boxed the vectors).
     */
    static final int MR = L >= 16 ? 6 : 4;
    /** Columns of the C block the micro-kernel holds in registers: two vectors. */
    static final int NR = 2 * L;
    /** Steps of k per kernel call: C is loaded and stored once per step. */
    static final int KC = 256;
    /**
     * Steps of k per pass of the kernel's loop. With AVX-512, 2: the loop's counting and addressing are paid once per
     * two steps (+4 to 7% on an AVX-512 Xeon, JDK 17 and 25), and an odd count of steps gets a step of zeros in both
     * packed operands. Four steps ran 5 to 7% faster still on JDK 17 but 20% slower on JDK 25, whose C2 then loads
     * all the vectors of the four steps first and spills accumulators to the stack, and in 1 of 5 runs JDK 17
     * compiled that kernel into one that boxed its vectors after the odd shapes of CpuMatmulTest. With AVX2's 16
     * registers two steps spill (20% slower), so there 1 (docs/PERFORMANCE.md).
     */
    static final int UNROLL = L >= 16 ? 2 : 1;
    /** Columns of a unit of packed B, which the slivers of A pass over at a time: {@code KC × NB} floats, in L2. */
    private static final int NB = 256;
    /**
     * Columns of a unit where each core runs one tile of all the rows and columns of its own (see
     * {@link Block#ownColumns}): half of {@link #NB}, so that the units split evenly between the cores (N = 2304 is 9
     * units of 256 columns, which left one core a unit more than the other).
     */
    private static final int OWN_COLUMNS_NB = NB / 2;
    /**
     * Fewest units of {@link #OWN_COLUMNS_NB} columns per core for one tile per core with columns of its own, where M
     * is over {@link #OWN_COLUMNS_SHORT_ROWS}: with 9 (N = 2304) the 256-row products ran 10% faster than with the
     * shared tiles; with 3 (N = 768) the 512-row ones 2 to 6% slower.
     */
    private static final int OWN_COLUMNS_UNITS = 4;
    /**
     * Most rows for which 3 units per core are enough. With N = 768 the shared tiles split unevenly there (384 rows
     * are 3 tiles for 2 cores; 256 are 4 tiles, two of them on two units of 256 columns and two on one), and a tile
     * of its own ran faster, best and median calls JVM by JVM on Zen 5: 128 × 3072 × 768 +15 to 19%, 384 × 3072 ×
     * 768 +14 to 20%, 256 × 768 × 768 +4 to 11%, 256 × 2304 × 768 −1 to +6%, 256 × 3072 × 768 0 to +6%
     * (docs/PERFORMANCE.md, session 34).
     */
    private static final int OWN_COLUMNS_SHORT_ROWS = 384;
    /**
     * K steps whose rooms in packed B the units of later K steps take turns in (see {@link Block#room}): a unit goes
     * where the same unit of the K step {@code RING} back went, once every tile has multiplied that one, so its
     * stores land on lines likely still in cache instead of on a new part of the block, which they would first fetch
     * from memory. At M = 256 and N = 768 (2 tiles of rows share each unit) 2 to 5% faster (256 × 3072 × 768,
     * 256 × 2304 × 768, a Linear's forward (256 × 3072)·(768 × 3072)ᵀ; same-JVM A/B, Zen 5); 3 gave the same; on
     * the large shapes, where 6 tiles share each unit, no change.
     */
    private static final int RING = 2;
    /**
     * Most floats of packed B at a time (16 MiB per thread that runs a product). Every block of B is one hand-off of
     * tiles to the other cores and one wait for the slowest of them, which on a busy machine costs more than the
     * block's own work on short products: at this size the 256-row products of GPT-2 124M (up to 2.4 M floats of B)
     * are one block, where 4 MiB made them three and left the second core idle for most of a call (measured).
     */
    private static final int PACKED_B = 1 << 22;
    /** Most rows per tile, which bounds each thread's copy of A ({@code MC × KC} floats, 1 MiB). */
    private static final int MC = 1024;
    /** Tiles wanted per core, so that a core slowed by other work hands its share to the others. */
    private static final int TILES_PER_CORE = 3;
    /**
     * Rows a tile keeps where M is too small for {@link #TILES_PER_CORE} tiles per core of this many (GPT-2 124M's
     * 256-row products): then 2 tiles per core, which split the columns. A tile reads each unit of B it uses from
     * L3 once per K step, so short tiles multiply that traffic: at M = 256, 4 tiles of 128 rows ran at a median 1.0
     * to 1.3 times 6 tiles of 44 rows on this busy 2-core machine (best calls within 3%), and 6 tiles of 128 rows
     * (3 per core) lost to both.
     */
    private static final int TALL_TILE = 128;
    private static final int FEW_ROWS_TILES_PER_CORE = 2;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** Each thread's packing buffers, reused from call to call. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PackedMatmul() {
    }

    private static final class Scratch {
        final float[] edge = new float[MR * NR];
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        boolean[] done = new boolean[0];

        float[] packedA(int size) {
            if (packedA.length < size) {
                packedA = new float[size];
            }
            return packedA;
        }

        boolean[] done(int size) {
            if (done.length < size) {
                done = new boolean[size];
            }
            return done;
        }

        /** A buffer with {@code size} floats from {@link AlignedFloats#FIRST} on, a cache line's start if known. */
        float[] packedB(int size) {
            if (packedB.length < AlignedFloats.FIRST + size) {
                packedB = AlignedFloats.allocate(size);
            }
            return packedB;
        }
    }

    /** C[b] = A[b]·B[b] as in {@link CpuMatmul#multiply}, written into {@code c} (its contents on entry unread). */
    static void multiply(Operand a, Operand b, int batch, int m, int k, int n, float[] c) {
        if (k == 0) {
            Arrays.fill(c, 0, batch * m * n, 0f);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (batch == 1) {
            if (swapPays(a, b, m, k, n)) {
                multiplySwapped(a, b, m, k, n, c);
            } else {
                new Product(a, b, c, 0, m, k, n).run(true);
            }
            return;
        }
        Parallel.forRange(batch, 2L * m * k * n, (from, to) -> {
            for (int bi = from; bi < to; bi++) {
                new Product(a, b, c, bi, m, k, n).run(false);
            }
        });
    }

    /**
     * Whether C = A·B runs faster as Cᵀ = Bᵀ·Aᵀ and a transpose, which packs the transposed operand's columns
     * as rows and the other's rows as columns. Two cases:
     * <ul>
     *   <li>A stored transposed and much larger than the copies the swap adds (its transposed output, M·N, and the
     *       other operand's columns, N·K): packing A then copies rows instead of turning columns into rows
     *       (16384×1024×64 ran at 151 GFLOP/s direct, 218 swapped, on Zen 5 with the L × L blocks of
     *       {@link MatmulPacking}). That is the tied classifier's weight gradient Xᵀ·dlogits read as dlogitsᵀ·X
     *       with a narrow model: 50304×1024×128.</li>
     *   <li>A row-major times a transposed B at least twice as wide as A is tall, where B's columns lie at a stride
     *       that {@link MatmulPacking#gathers} cannot take, so that its panels go through L × L blocks, the
     *       slowest of the packings: a Linear's forward with a long input on few rows, GPT-2 124M's c_proj at B4
     *       T64, x·Wᵀ = 256×3072×768. Swapped, the weight's rows are copied as they lie and the smaller x is the
     *       operand turned: 256×3072×768 +16 to 23%, 256×1024×3072 and 256×4096×1024 +6 to 8%, 64×3072×768 +40%
     *       (Zen 5, two cores); 512×2048×2048 unchanged. Where the stride does not alias (K = 768: 256×768×2304,
     *       256×768×50304) the swap gained nothing, and it made GPT-2 124M's step slower when every forward
     *       product was swapped (docs/PERFORMANCE.md).</li>
     * </ul>
     */
    private static boolean swapPays(Operand a, Operand b, int m, int k, int n) {
        boolean largeTransposedA = a.colStride() != 1 && (long) m * k > 2L * n * ((long) m + k);
        boolean wideTransposedB = a.colStride() == 1 && b.colStride() != 1 && !MatmulPacking.gathers(b.colStride())
                && n >= 2 * m;
        return largeTransposedA || wideTransposedB;
    }

    /**
     * C = A·B as Cᵀ = Bᵀ·Aᵀ into scratch, then transposed into c. The bits are those of the direct product: each
     * element is the same chain of fused multiply-adds over the same K steps, a·b and b·a being one product.
     */
    private static void multiplySwapped(Operand a, Operand b, int m, int k, int n, float[] c) {
        float[] transposed = CpuMemory.arrayToOverwrite(n * m);
        try {
            new Product(b.transposed(), a.transposed(), transposed, 0, n, k, m).run(true);
            MatmulPacking.transpose(transposed, n, m, c);
        } finally {
            CpuMemory.recycle(transposed);
        }
    }

    /** Steps of k the packed operands hold for kc of them: kc rounded up to {@link #UNROLL}, the rest zeros. */
    static int paddedSteps(int kc) {
        return roundUp(kc, UNROLL);
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** C[bi] = A[bi]·B[bi], on all cores or on the calling thread alone. */
    private record Product(Operand a, Operand b, float[] c, int bi, int m, int k, int n) {
        void run(boolean parallel) {
            // as many columns as fit (all of N where it can), then as much of K as the packed block holds, split
            // into equal parts of whole K steps, so that every step of k sees all of A's rows and B's columns
            int width = Math.min(roundUp(n, NR), PACKED_B / Math.min(k, KC) / NB * NB);
            int depth = k;
            if (PACKED_B / width < k) {
                int maxDepth = PACKED_B / width / KC * KC;
                depth = roundUp(ceilDiv(k, ceilDiv(k, maxDepth)), KC);
            }
            float[] packedB = SCRATCH.get().packedB(width * paddedSteps(depth));
            for (int k0 = 0; k0 < k; k0 += depth) {
                for (int n0 = 0; n0 < n; n0 += width) {
                    Block block = new Block(this, packedB, k0, Math.min(depth, k - k0), n0, Math.min(width, n - n0));
                    block.run(parallel);
                }
            }
        }
    }

    /**
     * The part of a product that uses rows [k0, k0 + depth) × columns [n0, n0 + width) of B. B's block is packed
     * by the tiles that use it, a unit of {@link #KC} rows × {@link #NB} columns at a time, each unit once: the
     * first tile to need a unit packs it (and the others wait for it only while that is under way), so packing
     * is shared among the cores without a pass of its own, and a unit is used while it is still in cache.
     * The packed block holds, for each K step pc of kc steps of k, panel q's {@code steps × NR} floats k-major at
     * {@code FIRST + pc·panels·NR + q·steps·NR}, steps = {@link #paddedSteps}(kc), with
     * {@link AlignedFloats#FIRST} where a cache line starts, so that the kernel's vector loads of B never straddle
     * two lines; from the third K step on, a unit may go into the room of the same unit of the first K step or the
     * second instead ({@link #room}).
     */
    private static final class Block {
        private static final int FREE = 0;
        private static final int PACKING = 1;
        private static final int PACKED = 2;

        private final Product p;
        private final float[] packedB;
        private final int k0;
        private final int depth;
        private final int n0;
        private final int width;
        private final int panels;
        /** Whether M is under {@link #TALL_TILE} rows for each of {@link #TILES_PER_CORE} tiles a core. */
        private final boolean fewRows;
        /**
         * Whether each core runs one tile: all the rows and columns of its own. Where M is small (under
         * {@link #TALL_TILE} rows for each of {@link #TILES_PER_CORE} tiles a core) and N wide enough (at least
         * {@link #OWN_COLUMNS_UNITS} units a core, one fewer for at most {@link #OWN_COLUMNS_SHORT_ROWS} rows), so
         * that no unit of packed B is used by more than one tile: each is packed into room that stays in the core's
         * L2 and used at once ({@link #tileOfItsOwnUnits}), instead of being packed once for two tiles of rows, which
         * then read it from L3 or the other core. Zen 5, two cores, best calls: 256×768×2304 +10%,
         * (256×768)·(2304×768)ᵀ +4 to 8%, 64×768×2304 +25%, 512×768×2304 +7%, 256×3072×768 0 to 6%
         * (docs/PERFORMANCE.md).
         */
        private final boolean ownColumns;
        /** Panels per unit of packed B: {@link #NB} columns, or {@link #OWN_COLUMNS_NB} with {@link #ownColumns}. */
        private final int unitPanels;
        /** Units of packed B per K step: {@link #unitPanels} panels each. */
        private final int unitsPerStep;
        private final AtomicIntegerArray units;
        /** Where each unit of each K step was packed (at its {@link #index}): see {@link #room}. */
        private final int[] rooms;
        /** How many tiles have multiplied each unit of each K step (at its {@link #index}). */
        private final AtomicIntegerArray used;
        /** The K step whose unit u last went into the room of K step r (at {@link #index} of K step r and unit u). */
        private final AtomicIntegerArray occupants;
        /** Tiles that use each unit: set by {@link #run} before the tiles start. */
        private int tilesPerUnit;

        Block(Product p, float[] packedB, int k0, int depth, int n0, int width) {
            this.p = p;
            this.packedB = packedB;
            this.k0 = k0;
            this.depth = depth;
            this.n0 = n0;
            this.width = width;
            this.panels = ceilDiv(width, NR);
            this.fewRows = p.m() < CORES * TILES_PER_CORE * TALL_TILE;
            int ownColumnsUnits = p.m() <= OWN_COLUMNS_SHORT_ROWS ? OWN_COLUMNS_UNITS - 1 : OWN_COLUMNS_UNITS;
            this.ownColumns = fewRows && panels >= ownColumnsUnits * CORES * (OWN_COLUMNS_NB / NR);
            this.unitPanels = (ownColumns ? OWN_COLUMNS_NB : NB) / NR;
            this.unitsPerStep = ceilDiv(panels, unitPanels);
            this.units = new AtomicIntegerArray(ceilDiv(depth, KC) * unitsPerStep);
            this.rooms = new int[ceilDiv(depth, KC) * unitsPerStep];
            this.used = new AtomicIntegerArray(rooms.length);
            this.occupants = new AtomicIntegerArray(Math.min(RING, ceilDiv(depth, KC)) * unitsPerStep);
            for (int i = 0; i < occupants.length(); i++) {
                occupants.set(i, i / unitsPerStep);
            }
        }

        void run(boolean parallel) {
            int rowTiles = 1;
            int colTiles = CORES;
            if (!ownColumns) {
                int wanted = CORES * (fewRows ? FEW_ROWS_TILES_PER_CORE : TILES_PER_CORE);
                // few rows: tall tiles, but more of them where the columns cannot be split enough
                rowTiles = fewRows
                        ? Math.min(ceilDiv(p.m(), MR),
                                Math.max(ceilDiv(p.m(), TALL_TILE), ceilDiv(wanted, unitsPerStep)))
                        : Math.max(ceilDiv(p.m(), MC), Math.min(wanted, ceilDiv(p.m(), MR)));
                colTiles = Math.max(1, Math.min(unitsPerStep, wanted / rowTiles));
            }
            int tileRows = roundUp(ceilDiv(p.m(), rowTiles), MR);
            int tileUnits = ceilDiv(unitsPerStep, colTiles);
            int rows = ceilDiv(p.m(), tileRows);
            int tiles = rows * ceilDiv(unitsPerStep, tileUnits);
            tilesPerUnit = rows;
            if (!parallel) {
                runTiles(SCRATCH.get(), 0, tiles, rows, tileRows, tileUnits);
                return;
            }
            Parallel.forRange(tiles, 2L * tileRows * tileUnits * unitPanels * NR * depth,
                    (from, to) -> runTiles(SCRATCH.get(), from, to, rows, tileRows, tileUnits));
        }

        /**
         * Tiles {@code [from, to)}: tile t has rows (t mod rows)·tileRows .. and units (t / rows)·tileUnits .. of
         * each K step. Tiles of the same units start at different ones, so that they pack different units first.
         */
        private void runTiles(Scratch s, int from, int to, int rows, int tileRows, int tileUnits) {
            for (int t = from; t < to; t++) {
                int i0 = t % rows * tileRows;
                int u0 = t / rows * tileUnits;
                int count = Math.min(unitsPerStep, u0 + tileUnits) - u0;
                int i1 = Math.min(p.m(), i0 + tileRows);
                if (rows == 1) {
                    tileOfItsOwnUnits(s, i0, i1, u0, count);
                } else {
                    tile(s, i0, i1, u0, count, t % rows * count / rows);
                }
            }
        }

        /**
         * {@link #tile} where no other tile uses its units (one tile of rows: a product with few rows, such as
         * GPT-2 124M's at B4 T64, 256 × 768 × 2304, or the tied classifier's weight gradient of a narrow model read
         * as dWᵀ = xᵀ·D, 64 × 1024 × 16384; see {@link #ownColumns}): each unit is packed into one unit's room of
         * packed B, the room of the tile's first unit, and used at once, so that the copy stays in this core's L2
         * instead of going out to memory and back (a unit of 128 or 256 KiB against the whole block of 16 MiB). The
         * same copies and products as {@link #tile}, so the same bits.
         */
        private void tileOfItsOwnUnits(Scratch s, int i0, int i1, int u0, int count) {
            float[] packedA = s.packedA(roundUp(i1 - i0, MR) * KC);
            int room = unitOffset(0, u0);
            for (int pc = 0; pc < depth; pc += KC) {
                MatmulPacking.packA(p.a(), p.bi(), i0, i1, k0 + pc, kc(pc), packedA);
                for (int u = u0; u < u0 + count; u++) {
                    pack(pc, u, room);
                    multiplyUnit(s, packedA, i0, i1, u, pc, room);
                }
            }
        }

        /**
         * C[i0 .. i1) × the columns of units [u0, u0 + count), over the block's K: for each K step, the units in
         * turn from u0 + first, but one that another tile is packing is left for later (that tile's thread may have
         * been descheduled in the middle of it); a tile waits only when nothing else is left.
         */
        private void tile(Scratch s, int i0, int i1, int u0, int count, int first) {
            float[] packedA = s.packedA(roundUp(i1 - i0, MR) * KC);
            boolean[] done = s.done(count);
            for (int pc = 0; pc < depth; pc += KC) {
                MatmulPacking.packA(p.a(), p.bi(), i0, i1, k0 + pc, kc(pc), packedA);
                Arrays.fill(done, 0, count, false);
                for (int left = count; left > 0; ) {
                    int before = left;
                    for (int c = 0; c < count; c++) {
                        int u = u0 + (first + c) % count;
                        if (!done[c] && packed(pc, u)) {
                            int unit = index(pc, u);
                            multiplyUnit(s, packedA, i0, i1, u, pc, rooms[unit]);
                            used.incrementAndGet(unit);
                            done[c] = true;
                            left--;
                        }
                    }
                    if (left == before && !packAhead(pc + KC, u0, count)) {
                        Thread.onSpinWait();
                    }
                }
            }
        }

        /**
         * Packs one of units [u0, u0 + count) of K step pc that no tile has started on, if there is one, and says
         * whether it did: work for a tile that would otherwise wait for another to finish packing this step's unit.
         */
        private boolean packAhead(int pc, int u0, int count) {
            if (pc >= depth) {
                return false;
            }
            for (int u = u0; u < u0 + count; u++) {
                if (units.get(index(pc, u)) == FREE && packed(pc, u)) {
                    return true;
                }
            }
            return false;
        }

        /** Unit u of K step pc's place in {@link #units}, {@link #rooms} and {@link #used}. */
        private int index(int pc, int u) {
            return pc / KC * unitsPerStep + u;
        }

        /** Steps of k of K step pc: KC, or what is left of the block's depth. */
        private int kc(int pc) {
            return Math.min(KC, depth - pc);
        }

        /** Steps of k in the packed panels of K step pc. */
        private int steps(int pc) {
            return paddedSteps(kc(pc));
        }

        /** Where unit u of K step pc has its room in packed B: the start of its first panel there. */
        private int unitOffset(int pc, int u) {
            return AlignedFloats.FIRST + pc * panels * NR + u * unitPanels * steps(pc) * NR;
        }

        /**
         * C[i0 .. i1) × unit u's columns += the packed rows of A · unit u of K step pc, packed at {@code unit} of
         * packed B.
         */
        private void multiplyUnit(Scratch s, float[] packedA, int i0, int i1, int u, int pc, int unit) {
            int q0 = u * unitPanels;
            int q1 = Math.min(panels, q0 + unitPanels);
            int steps = steps(pc);
            for (int i = i0; i < i1; i += MR) {
                for (int q = q0; q < q1; q++) {
                    multiplySliver(s, packedA, (i - i0) * KC, i, Math.min(MR, i1 - i), q, pc, steps,
                            unit + (q - q0) * steps * NR);
                }
            }
        }

        /** Packs unit u of K step pc into packed B at {@code unit}. */
        private void pack(int pc, int u, int unit) {
            int q0 = u * unitPanels;
            // packPanels puts panel q at its offset + q·steps·NR: panel q0 lands at unit
            MatmulPacking.packPanels(p.b(), p.bi(), k0 + pc, kc(pc), n0, p.n(), packedB, unit - q0 * steps(pc) * NR,
                    q0, Math.min(panels, q0 + unitPanels));
        }

        /**
         * Whether unit u of K step pc is packed: true when it was, or when this call packed it; false while another
         * tile is packing it.
         */
        private boolean packed(int pc, int u) {
            int unit = index(pc, u);
            if (units.get(unit) == PACKED) {
                return true;
            }
            if (!units.compareAndSet(unit, FREE, PACKING)) {
                return units.get(unit) == PACKED;
            }
            try {
                rooms[unit] = room(pc, u);
                pack(pc, u, rooms[unit]);
            } finally {
                units.set(unit, PACKED);
            }
            return true;
        }

        /**
         * Where to pack unit u of K step pc: unit u's room in K step (pc / KC) mod {@link #RING}, if every tile that
         * uses the unit has multiplied what was last packed there (that copy is then likely still in cache), else the
         * unit's own room: no tile waits for a room. Only the tiles that use unit u pack it, and a tile packs a unit
         * of K step s only after it has multiplied all its units of K step s − 2 (and of s − 1, unless it is packing
         * ahead), so the packing of one K step's unit into a room has ended before another begins there.
         */
        private int room(int pc, int u) {
            int step = pc / KC;
            int ring = step % RING;
            if (ring != step) {
                int slot = index(ring * KC, u);
                if (used.get(index(occupants.get(slot) * KC, u)) == tilesPerUnit) {
                    occupants.set(slot, step);
                    return unitOffset(ring * KC, u);
                }
            }
            return unitOffset(pc, u);
        }

        /**
         * C[i .. i+rows) × panel q's columns += the packed sliver of A at {@code aOff} · panel q of K step pc,
         * packed at {@code bOff}; on the product's first K step = instead of +=, so that C's contents on entry are
         * never read.
         */
        private void multiplySliver(Scratch s, float[] packedA, int aOff, int i, int rows, int q, int pc, int steps,
                                    int bOff) {
            int n = p.n();
            int j = n0 + q * NR;
            int cols = Math.min(NR, n - j);
            int cOff = (p.bi() * p.m() + i) * n + j;
            // one call site of the kernel: with a second one (for the edge block), C2 ran out of inlining budget for
            // it there and made every vector an object, 670 KB of garbage a call at (64 × 128)·(128 × 300)
            boolean whole = rows == MR && cols == NR;
            boolean accumulate = k0 + pc > 0;
            kernel(packedA, aOff, packedB, bOff, steps, whole ? p.c() : s.edge, whole ? cOff : 0, whole ? n : NR,
                    whole && accumulate);
            if (whole) {
                return;
            }
            float[] c = p.c();
            for (int r = 0; r < rows; r++) {
                for (int jj = 0; jj < cols; jj++) {
                    int at = cOff + r * n + jj;
                    float sum = s.edge[r * NR + jj];
                    c[at] = accumulate ? c[at] + sum : sum;
                }
            }
        }
    }

    /**
     * c[r][0 .. NR) += Σ_p a[r][p]·b[p][0 .. NR), or = where {@code accumulate} is false, for the MR rows r and p in
     * {@code [0, steps)}, steps a multiple of {@link #UNROLL}: row r of C at {@code cOff + r·ldc}, a[r][p] at
     * {@code aOff + r·KC + p}, b[p] at {@code bOff + p·NR}. {@link #MR} is a constant to C2, so with 4 rows it drops
     * rows 4 and 5 and their accumulators from the compiled code, as it drops step p + 1 of the loop's body where
     * {@link #UNROLL} is 1.
     */
    private static void kernel(float[] a, int aOff, float[] b, int bOff, int steps, float[] c, int cOff, int ldc,
                               boolean accumulate) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < steps; p += UNROLL) {
            int ap = aOff + p;
            int bp = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + L);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ap + KC]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * KC]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * KC]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            if (MR == 6) {
                x = FloatVector.broadcast(SPECIES, a[ap + 4 * KC]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(SPECIES, a[ap + 5 * KC]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
            }
            if (UNROLL == 2) {
                b0 = FloatVector.fromArray(SPECIES, b, bp + NR);
                b1 = FloatVector.fromArray(SPECIES, b, bp + NR + L);
                x = FloatVector.broadcast(SPECIES, a[ap + 1]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(SPECIES, a[ap + KC + 1]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(SPECIES, a[ap + 2 * KC + 1]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(SPECIES, a[ap + 3 * KC + 1]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                if (MR == 6) {
                    x = FloatVector.broadcast(SPECIES, a[ap + 4 * KC + 1]);
                    c40 = x.fma(b0, c40);
                    c41 = x.fma(b1, c41);
                    x = FloatVector.broadcast(SPECIES, a[ap + 5 * KC + 1]);
                    c50 = x.fma(b0, c50);
                    c51 = x.fma(b1, c51);
                }
            }
        }
        // C = or += the sums, written out: through a helper method, C2 reached its limit of nodes for inlining in a
        // method this size and made every accumulator an object (a fifth of the speed, measured)
        int row = cOff;
        (accumulate ? c00.add(FloatVector.fromArray(SPECIES, c, row)) : c00).intoArray(c, row);
        (accumulate ? c01.add(FloatVector.fromArray(SPECIES, c, row + L)) : c01).intoArray(c, row + L);
        row += ldc;
        (accumulate ? c10.add(FloatVector.fromArray(SPECIES, c, row)) : c10).intoArray(c, row);
        (accumulate ? c11.add(FloatVector.fromArray(SPECIES, c, row + L)) : c11).intoArray(c, row + L);
        row += ldc;
        (accumulate ? c20.add(FloatVector.fromArray(SPECIES, c, row)) : c20).intoArray(c, row);
        (accumulate ? c21.add(FloatVector.fromArray(SPECIES, c, row + L)) : c21).intoArray(c, row + L);
        row += ldc;
        (accumulate ? c30.add(FloatVector.fromArray(SPECIES, c, row)) : c30).intoArray(c, row);
        (accumulate ? c31.add(FloatVector.fromArray(SPECIES, c, row + L)) : c31).intoArray(c, row + L);
        if (MR == 6) {
            row += ldc;
            (accumulate ? c40.add(FloatVector.fromArray(SPECIES, c, row)) : c40).intoArray(c, row);
            (accumulate ? c41.add(FloatVector.fromArray(SPECIES, c, row + L)) : c41).intoArray(c, row + L);
            row += ldc;
            (accumulate ? c50.add(FloatVector.fromArray(SPECIES, c, row)) : c50).intoArray(c, row);
            (accumulate ? c51.add(FloatVector.fromArray(SPECIES, c, row + L)) : c51).intoArray(c, row + L);
        }
    }
}
