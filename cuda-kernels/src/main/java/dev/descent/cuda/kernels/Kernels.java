package dev.descent.cuda.kernels;

import java.util.List;

/**
 * The catalog of every kernel the Java side launches: file, name and parameter letters (see {@link KernelSpec}).
 * A CPU test compiles each file with nvcc and checks every entry against the PTX's {@code .entry} signatures.
 */
public final class Kernels {
    private static final String ELEMENTWISE = "elementwise.cu";
    private static final String LAYOUT = "layout.cu";
    private static final String REDUCE = "reduce.cu";
    private static final String SOFTMAX = "softmax.cu";
    private static final String LAYERNORM = "layernorm.cu";
    private static final String EMBEDDING = "embedding.cu";
    private static final String CROSSENTROPY = "crossentropy.cu";
    private static final String OPTIM = "optim.cu";
    private static final String MATMUL = "matmul.cu";
    private static final String ATTENTION = "attention.cu";
    private static final String MATMUL_TILED = "matmul_v7.cu";

    public static final KernelSpec FILL = new KernelSpec(ELEMENTWISE, "fill_f32", "ifp");
    public static final KernelSpec UNARY = new KernelSpec(ELEMENTWISE, "unary_f32", "iipp");
    public static final KernelSpec BINARY = new KernelSpec(ELEMENTWISE, "binary_f32", "iippp");
    public static final KernelSpec BINARY_SCALAR = new KernelSpec(ELEMENTWISE, "binary_scalar_f32", "iipfp");
    public static final KernelSpec ADD_INTO = new KernelSpec(ELEMENTWISE, "add_into_f32", "ispp");
    public static final KernelSpec SCALE = new KernelSpec(ELEMENTWISE, "scale_f32", "ifp");
    public static final KernelSpec BINARY_BCAST = new KernelSpec(ELEMENTWISE, "binary_bcast_f32", "iisppp");
    public static final KernelSpec WHERE = new KernelSpec(ELEMENTWISE, "where_f32", "ispppp");
    public static final KernelSpec BIAS_GELU = new KernelSpec(ELEMENTWISE, "bias_gelu_f32", "iippp");
    public static final KernelSpec BIAS_GELU_BACKWARD = new KernelSpec(ELEMENTWISE, "bias_gelu_backward_f32", "iipppp");

    public static final KernelSpec GATHER = new KernelSpec(LAYOUT, "gather_f32", "ispp");
    public static final KernelSpec COPY_ROWS = new KernelSpec(LAYOUT, "copy_rows_f32", "iiiiiipp");
    public static final KernelSpec TRANSPOSE = new KernelSpec(LAYOUT, "transpose_f32", "iipp");

    public static final KernelSpec REDUCE_ROWS = new KernelSpec(REDUCE, "reduce_rows_f32", "iiipp");
    public static final KernelSpec REDUCE_COLS = new KernelSpec(REDUCE, "reduce_cols_f32", "iiiipp");

    public static final KernelSpec SOFTMAX_V1 = new KernelSpec(SOFTMAX, "softmax_v1", "iiipp");
    public static final KernelSpec SOFTMAX_V2 = new KernelSpec(SOFTMAX, "softmax_v2", "iiipp");
    public static final KernelSpec SOFTMAX_V3 = new KernelSpec(SOFTMAX, "softmax_v3", "iiipp");
    public static final KernelSpec SOFTMAX_BACKWARD = new KernelSpec(SOFTMAX, "softmax_backward", "iiippp");

    public static final KernelSpec LAYERNORM_FORWARD = new KernelSpec(LAYERNORM, "layernorm_forward", "iifpppppp");
    public static final KernelSpec RESIDUAL_LAYERNORM_FORWARD =
            new KernelSpec(LAYERNORM, "residual_layernorm_forward", "iifpppppppp");
    public static final KernelSpec LAYERNORM_BACKWARD_DX = new KernelSpec(LAYERNORM, "layernorm_backward_dx", "iippppppi");
    public static final KernelSpec LAYERNORM_BACKWARD_PARAMS_PARTIAL =
            new KernelSpec(LAYERNORM, "layernorm_backward_params_partial", "iiipppppp");
    public static final KernelSpec LAYERNORM_BACKWARD_PARAMS_FINAL =
            new KernelSpec(LAYERNORM, "layernorm_backward_params_final", "iipppp");

    public static final KernelSpec INDEX_CHECK = new KernelSpec(EMBEDDING, "index_check", "iiiipppi");
    public static final KernelSpec EMBEDDING_FORWARD = new KernelSpec(EMBEDDING, "embedding_forward", "iippp");
    public static final KernelSpec EMBEDDING_COUNT = new KernelSpec(EMBEDDING, "embedding_count", "ipp");
    public static final KernelSpec SCAN_EXCLUSIVE_INT = new KernelSpec(EMBEDDING, "scan_exclusive_int", "ippp");
    public static final KernelSpec EMBEDDING_SCATTER = new KernelSpec(EMBEDDING, "embedding_scatter", "ippp");
    public static final KernelSpec EMBEDDING_SORT_BUCKETS = new KernelSpec(EMBEDDING, "embedding_sort_buckets", "ippp");
    public static final KernelSpec EMBEDDING_ACCUMULATE = new KernelSpec(EMBEDDING, "embedding_accumulate", "iippppp");

    public static final KernelSpec CROSSENTROPY_FORWARD = new KernelSpec(CROSSENTROPY, "crossentropy_forward", "iiifppp");
    public static final KernelSpec CROSSENTROPY_BACKWARD = new KernelSpec(CROSSENTROPY, "crossentropy_backward", "iiifpppp");
    public static final KernelSpec CROSSENTROPY_INPLACE = new KernelSpec(CROSSENTROPY, "crossentropy_inplace", "iiippp");

    public static final KernelSpec SGD_STEP = new KernelSpec(OPTIM, "sgd_step", "ipppffffii");
    public static final KernelSpec RMSPROP_STEP = new KernelSpec(OPTIM, "rmsprop_step", "ipppppfffffi");
    public static final KernelSpec ADAM_MULTI = new KernelSpec(OPTIM, "adam_multi", "ipfffffip");
    public static final KernelSpec SUMSQ_MULTI = new KernelSpec(OPTIM, "sumsq_multi", "ipp");
    public static final KernelSpec SUM_PARTIALS = new KernelSpec(OPTIM, "sum_partials", "ippi");

    public static final KernelSpec MATMUL_V1 = matmul("matmul_v1");
    public static final KernelSpec MATMUL_V2 = matmul("matmul_v2");
    public static final KernelSpec MATMUL_V3 = matmul("matmul_v3");
    public static final KernelSpec MATMUL_V4 = matmul("matmul_v4");
    public static final KernelSpec MATMUL_V5 = matmul("matmul_v5");
    public static final KernelSpec MATMUL_V6 = matmul("matmul_v6");

    public static final KernelSpec ATTENTION_FORWARD = new KernelSpec(ATTENTION, "attention_forward", "iiiifppp");
    public static final KernelSpec ATTENTION_BACKWARD_DQ =
            new KernelSpec(ATTENTION, "attention_backward_dq", "iiiifpppppp");
    public static final KernelSpec ATTENTION_BACKWARD_DKV =
            new KernelSpec(ATTENTION, "attention_backward_dkv", "iiiifppppp");
    public static final KernelSpec ATTENTION_FORWARD_V2_HS64 = attention2Forward(64);
    public static final KernelSpec ATTENTION_BACKWARD_DQ_V2_HS64 = attention2BackwardDq(64);
    public static final KernelSpec ATTENTION_BACKWARD_DKV_V2_HS64 = attention2BackwardDkv(64);
    public static final KernelSpec ATTENTION_FORWARD_V2_HS128 = attention2Forward(128);
    public static final KernelSpec ATTENTION_BACKWARD_DQ_V2_HS128 = attention2BackwardDq(128);
    public static final KernelSpec ATTENTION_BACKWARD_DKV_V2_HS128 = attention2BackwardDkv(128);

    /** v7's two tile sizes share one signature: (M, N, K, A, B, C, strideA, strideB, strideC, transA, transB). */
    public static final KernelSpec MATMUL_V7_LARGE = new KernelSpec(MATMUL_TILED, "matmul_v7_large", "iiipppiiiii");
    public static final KernelSpec MATMUL_V7_SMALL = new KernelSpec(MATMUL_TILED, "matmul_v7_small", "iiipppiiiii");

    /** Every kernel above, in file order. */
    public static final List<KernelSpec> ALL = List.of(FILL, UNARY, BINARY, BINARY_SCALAR, ADD_INTO, SCALE,
            BINARY_BCAST, WHERE, BIAS_GELU, BIAS_GELU_BACKWARD,
            GATHER, COPY_ROWS, TRANSPOSE, REDUCE_ROWS, REDUCE_COLS, SOFTMAX_V1, SOFTMAX_V2, SOFTMAX_V3,
            SOFTMAX_BACKWARD, LAYERNORM_FORWARD, RESIDUAL_LAYERNORM_FORWARD, LAYERNORM_BACKWARD_DX, LAYERNORM_BACKWARD_PARAMS_PARTIAL,
            LAYERNORM_BACKWARD_PARAMS_FINAL, INDEX_CHECK, EMBEDDING_FORWARD, EMBEDDING_COUNT, SCAN_EXCLUSIVE_INT,
            EMBEDDING_SCATTER, EMBEDDING_SORT_BUCKETS, EMBEDDING_ACCUMULATE, CROSSENTROPY_FORWARD,
            CROSSENTROPY_BACKWARD, CROSSENTROPY_INPLACE, SGD_STEP, RMSPROP_STEP, ADAM_MULTI, SUMSQ_MULTI, SUM_PARTIALS,
            MATMUL_V1, MATMUL_V2, MATMUL_V3, MATMUL_V4, MATMUL_V5, MATMUL_V6, ATTENTION_FORWARD, ATTENTION_BACKWARD_DQ,
            ATTENTION_BACKWARD_DKV, ATTENTION_FORWARD_V2_HS64, ATTENTION_BACKWARD_DQ_V2_HS64,
            ATTENTION_BACKWARD_DKV_V2_HS64, ATTENTION_FORWARD_V2_HS128, ATTENTION_BACKWARD_DQ_V2_HS128,
            ATTENTION_BACKWARD_DKV_V2_HS128, MATMUL_V7_LARGE, MATMUL_V7_SMALL);

    private Kernels() {
    }

    /** Tiled attention forward for head sizes up to {@code hs}: (T, heads, hs, scale, qkv, out, lse). */
    private static KernelSpec attention2Forward(int hs) {
        return new KernelSpec(ATTENTION, "attention_forward_v2_hs" + hs, "iiifppp");
    }

    /** (T, heads, hs, scale, qkv, out, lse, dout, delta, dqkv). */
    private static KernelSpec attention2BackwardDq(int hs) {
        return new KernelSpec(ATTENTION, "attention_backward_dq_v2_hs" + hs, "iiifpppppp");
    }

    /** (T, heads, hs, scale, qkv, lse, dout, delta, dqkv). */
    private static KernelSpec attention2BackwardDkv(int hs) {
        return new KernelSpec(ATTENTION, "attention_backward_dkv_v2_hs" + hs, "iiifppppp");
    }

    /** v1 to v6 share one signature: (M, N, K, A, B, C, strideA, strideB, strideC). */
    private static KernelSpec matmul(String name) {
        return new KernelSpec(MATMUL, name, "iiipppiii");
    }
}
