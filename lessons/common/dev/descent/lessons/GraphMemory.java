package dev.descent.lessons;

import dev.descent.core.Op;
import dev.descent.core.Storage;
import dev.descent.core.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * How many bytes of tensor data an autograd graph keeps alive until backward runs.
 *
 * <p>Starting from a result (usually the loss) it visits the op that created each tensor and collects every
 * tensor that op holds in a field: its inputs, and whatever it saved for backward (a softmax keeps its output, a
 * layer norm its per-row mean and 1/σ, a matmul its broadcast operands). Each distinct storage is counted once
 * (a reshape shares its input's storage), at 4 bytes per float. Tensors the caller names, usually the model's
 * parameters, are left out: they exist whether or not a graph is recorded. What remains is the activation
 * memory that recording the graph costs; it drops to almost nothing once backward has released the graph.
 *
 * <p>The fields are read by reflection because saved tensors are private to each op; only the reading is done
 * that way, nothing is changed.
 */
public final class GraphMemory {
    private GraphMemory() {
    }

    /** Bytes of the distinct storages reachable from {@code root}'s graph, excluding those of {@code exclude}. */
    public static long bytesHeld(Tensor root, Collection<Tensor> exclude) {
        Set<Storage> excluded = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor t : exclude) {
            excluded.add(t.storage());
        }
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Storage> counted = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> todo = new ArrayDeque<>();
        todo.push(root);
        long bytes = 0;
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (!seen.add(t)) {
                continue;
            }
            if (!excluded.contains(t.storage()) && counted.add(t.storage())) {
                bytes += (long) t.storage().size() * Float.BYTES;
            }
            if (t.creator() != null) {
                todo.addAll(t.creator().inputs());
                todo.addAll(savedTensors(t.creator()));
            }
        }
        return bytes;
    }

    /** Every tensor an op holds in an instance field, directly or in a collection or array. */
    private static Collection<Tensor> savedTensors(Op op) {
        Deque<Tensor> found = new ArrayDeque<>();
        for (Class<?> c = op.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                try {
                    addTensors(field.get(op), found);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read field " + field + " of op " + op.name(), e);
                }
            }
        }
        return found;
    }

    private static void addTensors(Object value, Deque<Tensor> found) {
        if (value instanceof Tensor t) {
            found.add(t);
        } else if (value instanceof Collection<?> items) {
            for (Object item : items) {
                addTensors(item, found);
            }
        } else if (value instanceof Object[] items) {
            for (Object item : items) {
                addTensors(item, found);
            }
        }
    }
}
