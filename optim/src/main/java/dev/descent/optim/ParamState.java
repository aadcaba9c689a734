package dev.descent.optim;

import dev.descent.core.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer remembers about one parameter: the number of updates applied to it ({@code step}, PyTorch's
 * per-parameter counter, incremented before the update so the first update sees t = 1) and named buffers such as
 * {@code exp_avg}.
 *
 * <p>Buffers live on the parameter's backend. The first {@link #put} of a name stores the tensor; later ones
 * write the new values into it, so the state's memory is allocated once (what a device needs) and a map from
 * {@link #buffers()} or an optimizer's state export always shows the current values.
 */
public final class ParamState {
    private long step;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    ParamState(long step) {
        this.step = step;
    }

    /** t: the number of updates applied to this parameter, counting the one in progress. */
    public long step() {
        return step;
    }

    void advance() {
        step++;
    }

    /** The buffer called {@code name}, or null before its first update (SGD's momentum starts that way). */
    public Tensor get(String name) {
        return buffers.get(name);
    }

    /** The buffer called {@code name}, or zeros shaped like {@code param} on its backend when there is none yet. */
    public Tensor getOrZeros(String name, Tensor param) {
        Tensor buffer = buffers.get(name);
        return buffer != null ? buffer : param.backend().full(param.shape(), 0f);
    }

    /** Stores the new value of a buffer: the tensor itself the first time, its values into the buffer after. */
    public void put(String name, Tensor value) {
        Tensor buffer = buffers.get(name);
        if (buffer == null) {
            buffers.put(name, value);
        } else if (buffer != value) {
            buffer.copyFrom(value);
        }
    }

    /** Every buffer by name, in the order they were first stored. */
    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }
}
