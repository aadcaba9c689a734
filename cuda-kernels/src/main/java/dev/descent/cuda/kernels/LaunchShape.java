package dev.descent.cuda.kernels;

/** Grid and block dimensions of a kernel launch; prints as {@code <<<(gx, gy, gz), (bx, by, bz)>>>}. */
public record LaunchShape(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
    /** Grid-stride kernels need no more blocks than this to fill any current GPU. */
    static final int MAX_STRIDED_BLOCKS = 65_535;
    private static final int MAX_GRID_YZ = 65_535;

    public LaunchShape {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
            throw new IllegalArgumentException("launch dimensions must be positive: " + describe(gridX, gridY, gridZ,
                    blockX, blockY, blockZ));
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("grid " + describe(gridX, gridY, gridZ, blockX, blockY, blockZ)
                    + " exceeds CUDA's limit of 65535 blocks along y and z");
        }
        if ((long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("block " + describe(gridX, gridY, gridZ, blockX, blockY, blockZ)
                    + " has more than 1024 threads");
        }
    }

    /** {@code threads}-wide blocks covering {@code work} items with a grid-stride loop (at least one block). */
    public static LaunchShape strided(long work, int threads) {
        long blocks = Math.max(1, Math.min(MAX_STRIDED_BLOCKS, (work + threads - 1) / threads));
        return new LaunchShape((int) blocks, 1, 1, threads, 1, 1);
    }

    /** One thread per item for kernels without a grid-stride loop: ⌈work / threads⌉ blocks of {@code threads}. */
    public static LaunchShape covering(long work, int threads) {
        return new LaunchShape(Math.max(1, ceilDiv(work, threads)), 1, 1, threads, 1, 1);
    }

    /** One block of {@code threads} per item, e.g. per row. */
    public static LaunchShape perItem(int items, int threads) {
        return new LaunchShape(items, 1, 1, threads, 1, 1);
    }

    /** ⌈a / b⌉ for positive b. */
    public static int ceilDiv(long a, int b) {
        long q = (a + b - 1) / b;
        if (q > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(a + " / " + b + " blocks do not fit a CUDA grid");
        }
        return (int) q;
    }

    @Override
    public String toString() {
        return describe(gridX, gridY, gridZ, blockX, blockY, blockZ);
    }

    private static String describe(int gx, int gy, int gz, int bx, int by, int bz) {
        return "<<<(" + gx + ", " + gy + ", " + gz + "), (" + bx + ", " + by + ", " + bz + ")>>>";
    }
}
