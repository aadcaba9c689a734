package dev.descent.cuda.kernels;

/** The versions of {@code softmax.cu}'s forward pass; {@link #DEFAULT} is the online one. */
public enum SoftmaxVersion {
    /** One thread per row, three passes. */
    V1_NAIVE(Kernels.SOFTMAX_V1),
    /** One block per row, max and sum by warp-shuffle reductions. */
    V2_WARP_REDUCTION(Kernels.SOFTMAX_V2),
    /** One block per row, max and sum in a single online pass. */
    V3_ONLINE(Kernels.SOFTMAX_V3);

    public static final SoftmaxVersion DEFAULT = V3_ONLINE;

    private final KernelSpec kernel;

    SoftmaxVersion(KernelSpec kernel) {
        this.kernel = kernel;
    }

    public KernelSpec kernel() {
        return kernel;
    }

    /** Launch shape for {@code rows} rows: v1 packs 256 rows per block, the others take one block per row. */
    LaunchShape shape(int rows) {
        return this == V1_NAIVE ? LaunchShape.covering(rows, 256) : LaunchShape.perItem(rows, 256);
    }
}
