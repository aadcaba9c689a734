package dev.descent.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.nn.layers.BatchNorm1d;
import dev.descent.nn.layers.Dropout;
import dev.descent.nn.layers.Linear;
import dev.descent.nn.layers.ReLU;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** A module with its own parameter registered between two children, and a tied tensor. */
    static final class Net extends Module {
        final Linear first;
        final Tensor scale;
        final Linear second;

        Net(Rng rng) {
            first = module("first", new Linear(2, 3, rng));
            scale = parameter("scale", Tensor.ones(3));
            second = module("second", new Linear(3, 1, rng));
            module("norm", new BatchNorm1d(3));
        }

        @Override
        public Tensor forward(Tensor x) {
            return second.forward(first.forward(x).mul(scale));
        }
    }

    @Test
    void namesAreDottedOwnParametersFirstThenChildrenInRegistrationOrder() {
        Net net = new Net(new Rng(1));
        assertThat(net.namedParameters().keySet()).containsExactly("scale", "first.weight", "first.bias",
                "second.weight", "second.bias", "norm.weight", "norm.bias");
        assertThat(net.namedBuffers().keySet()).containsExactly("norm.running_mean", "norm.running_var");
        assertThat(net.stateDict().keySet()).containsExactly("scale", "first.weight", "first.bias",
                "second.weight", "second.bias", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var");
        assertThat(net.parameters()).allMatch(Tensor::requiresGrad);
        assertThat(net.namedBuffers().values()).noneMatch(Tensor::requiresGrad);
        assertThat(net.parameterCount()).isEqualTo(3 + 6 + 3 + 3 + 1 + 3 + 3);
    }

    @Test
    void nestedModulesJoinNamesWithDotsAndWrappersAddNone() {
        Rng rng = new Rng(2);
        Sequential seq = new Sequential(new Linear(2, 2, rng), new Residual(new Sequential(new ReLU(), new Linear(2, 2, rng))));
        assertThat(seq.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.1.weight", "1.1.bias");
        Sequential checkpointed = new Sequential(new GradientCheckpoint(new Linear(2, 2, rng)));
        assertThat(checkpointed.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
    }

    @Test
    void aTensorRegisteredTwiceIsListedAndCountedOnce() {
        Linear shared = new Linear(2, 2, new Rng(3));
        Sequential tied = new Sequential(shared, shared);
        assertThat(tied.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
        assertThat(tied.parameterCount()).isEqualTo(6);
        assertThat(tied.modules()).hasSize(2);
    }

    @Test
    void trainAndEvalReachEveryModule() {
        Rng rng = new Rng(4);
        Dropout deep = new Dropout(0.5f, rng);
        Sequential net = new Sequential(new Linear(2, 2, rng), new Residual(new Sequential(deep)));
        assertThat(net.modules()).allMatch(Module::isTraining);
        net.eval();
        assertThat(net.modules()).noneMatch(Module::isTraining);
        assertThat(deep.isTraining()).isFalse();
        net.train();
        assertThat(net.modules()).allMatch(Module::isTraining);
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Net net = new Net(new Rng(5));
        net.forward(Tensor.randn(new Rng(6), 4, 2)).sum().backward();
        assertThat(net.scale.grad()).isNotNull();
        assertThat(net.first.weight().grad()).isNotNull();
        net.zeroGrad();
        assertThat(net.parameters()).allMatch(p -> p.grad() == null);
    }

    @Test
    void toStringIsAnIndentedTree() {
        Rng rng = new Rng(7);
        Sequential net = new Sequential(new Linear(2, 4, rng), new ReLU(), new Residual(new Linear(4, 4, false, rng)));
        assertThat(net.toString()).isEqualTo("""
                Sequential(
                  (0): Linear(in=2, out=4, bias=true)
                  (1): ReLU()
                  (2): Residual(
                    Linear(in=4, out=4, bias=false)
                  )
                )""");
    }

    @Test
    void badNamesAreRejected() {
        class Bad extends Module {
            Bad(String first, String second) {
                parameter(first, Tensor.zeros(1));
                buffer(second, Tensor.zeros(1));
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        assertThatThrownBy(() -> new Bad("w", "w")).hasMessageContaining("'w' is already registered");
        assertThatThrownBy(() -> new Bad("a.b", "c")).hasMessageContaining("'a.b' must be non-empty and contain no dot");
        assertThatThrownBy(() -> new Bad("", "c")).hasMessageContaining("must be non-empty");
    }

    @Test
    void loadStateDictCopiesValuesAndRejectsMismatchesWithoutChangingAnything() {
        Net source = new Net(new Rng(8));
        Net target = new Net(new Rng(9));
        Map<String, float[]> before = snapshot(target);

        Map<String, Tensor> missing = new LinkedHashMap<>(source.stateDict());
        missing.remove("first.bias");
        missing.put("extra", Tensor.zeros(1));
        missing.put("second.weight", Tensor.zeros(3, 1));
        assertThatThrownBy(() -> target.loadStateDict(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing key 'first.bias' (expected shape (3))")
                .hasMessageContaining("key 'second.weight' has shape (3, 1), the module expects (1, 3)")
                .hasMessageContaining("unexpected key 'extra'");
        assertThat(snapshot(target)).usingRecursiveComparison().isEqualTo(before);

        target.loadStateDict(source.stateDict());
        assertThat(snapshot(target)).usingRecursiveComparison().isEqualTo(snapshot(source));
    }

    static Map<String, float[]> snapshot(Module m) {
        Map<String, float[]> values = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> values.put(k, v.toArray()));
        return values;
    }
}
