#!/usr/bin/env bash
# The one command for a GPU machine (no Java, no network, PyTorch in python3): from the repository root, with the
# .devkit/ and .gpu/ folders made by scripts/gpu/prepare.sh carried along,
#
#   bash scripts/gpu/run.sh [BUDGET_SECONDS] [STEP...]        (default: 470 s, every step, in this order)
#
# runs, each step under its own timeout and logging to its own file in $OUT (default ./gpu-out):
#   doctor  nvidia-smi, the runtime, descent's Doctor, and a cuBLAS check (retargeted JCublas turned off if it fails)
#   junit   the GPU tests of cuda-kernels and train (JUnit console, --details=testfeed), then the slowest tests
#           and the kernel build cost
#   train   3 optimizer steps of the GPT-2 124M preset (8 micro-batches of 2 x 1024 each) with --profile, or
#           without it where this build's CLI has no such flag
#   torch   PyTorch eager on the same card, fp32 with TF32 off: the same GPT-2 shapes, plus the anchors
#   bench   the benchmark mains: launch overhead, matmul (--quick), softmax, layer norm, memory-bound families
# and prints one line per step (exit status, seconds) with the step's key lines; all of it also goes to
# $OUT/summary.txt. Six files come back. A step is skipped when less than 20 s of the budget is left.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/scripts/gpu"
BUDGET="${1:-470}"; shift || true
STEPS="${*:-doctor junit train torch bench}"
OUT="${OUT:-$ROOT/gpu-out}"; mkdir -p "$OUT"
KIT="$ROOT/.devkit" GPU="$ROOT/.gpu"
T0=$(date +%s)
exec > >(tee -a "$OUT/summary.txt") 2>&1
cd "$ROOT"

# ---------------------------------------------------------------- Java from the kit, the class path, CUDA libraries
jre() {
  local tgz="$KIT/jre.tar.gz" dest
  [[ -f "$tgz" ]] || { command -v java >/dev/null && return; echo "run: no $tgz and no java: run prepare.sh"; exit 2; }
  dest="${TMPDIR:-/tmp}/descent-jre-$(cksum < "$tgz" | cut -d' ' -f1)"
  if [[ ! -x "$dest/jre/bin/java" ]]; then
    rm -rf "$dest.part" && mkdir -p "$dest.part" && tar -xzf "$tgz" -C "$dest.part" && mv "$dest.part" "$dest"
  fi
  export JAVA_HOME="$dest/jre" PATH="$dest/jre/bin:$PATH"
}
jre
[[ -d "$GPU/jars" ]] || { echo "run: no $GPU/jars: run scripts/gpu/prepare.sh and carry .gpu"; exit 2; }
CONSOLE="$(ls "$KIT"/lib/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)"
CP="$(ls "$GPU"/jars/*.jar "$GPU"/lib/*.jar "$KIT"/lib/*.jar 2>/dev/null | grep -v junit-platform-console | paste -sd:)"
TESTS="$GPU/test-cuda:$GPU/test-train"
JOPTS=(--enable-native-access=ALL-UNNAMED -Djava.awt.headless=true --add-modules jdk.incubator.vector)
native_on() {        # the retargeted JCublas needs CUDA 13's libcublas.so.13, which PyTorch's pip packages hold
  local libs
  libs="$(python3 -c 'import glob, os, site
print(":".join(sorted({os.path.dirname(f) for s in site.getsitepackages()
  for f in glob.glob(os.path.join(s, "nvidia", "**", "lib*.so.1[0-9]*"), recursive=True)})))' 2>/dev/null || true)"
  export LD_LIBRARY_PATH="${libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  JOPTS+=("-Djava.library.path=$KIT/native")
}
[[ -d "$KIT/native" ]] && native_on
export DESCENT_PTX_CACHE="$GPU/ptx" DEVKIT_REQUIRE_GPU=1 DESCENT_GPU_REPORT=1 PYTHONUNBUFFERED=1

# ---------------------------------------------------------------- steps
left() { echo $(( BUDGET - ($(date +%s) - T0) )); }
# run LOG LIMIT CMD...: appends to $OUT/LOG.txt under a timeout of LIMIT s (or what is left); prints rc and time
run() {
  local log="$1" limit="$2"; shift 2
  local l s rc; l=$(left)
  if [[ "$l" -lt 20 ]]; then echo "== $log: skipped, ${l}s of the budget left"; return 99; fi
  [[ "$limit" -gt "$l" ]] && limit=$l
  s=$(date +%s)
  echo "\$ $*" | sed -E 's/-cp [^ ]+ /-cp <the class path> /' >> "$OUT/$log.txt"
  timeout -k 5 "$limit" "$@" >> "$OUT/$log.txt" 2>&1; rc=$?
  echo "== $log: rc=$rc in $(( $(date +%s) - s ))s (limit ${limit}s)$([[ $rc == 124 ]] && echo ', TIMED OUT')"
  return $rc
}
# runj LOG LIMIT CLASS ARGS...: a Java main class on the project's class path (test classes included: the benchmarks)
runj() { run "$1" "$2" java "${JOPTS[@]}" -cp "$CP:$TESTS" "${@:3}"; }

step_doctor() {
  run doctor 20 nvidia-smi
  run doctor 10 java -version
  runj doctor 30 dev.descent.cuda.doctor.Doctor
  grep -E "^(GPU|CUDA backend|nvcc|PTX cache):" "$OUT/doctor.txt" | cut -c1-200
  runj doctor 40 dev.descent.cuda.bench.CublasCheck
  local rc=$?                                       # 1: no GPU at all; anything else but 0: cuBLAS is the problem
  if [[ $rc != 0 && $rc != 1 && -d "$KIT/native" ]]; then
    mv "$KIT/native" "$KIT/native.off"; echo "cuBLAS check failed with the retargeted JCublas: turned it off"
    JOPTS=(--enable-native-access=ALL-UNNAMED -Djava.awt.headless=true --add-modules jdk.incubator.vector)
  fi
  grep -E "^cuBLAS" "$OUT/doctor.txt"
}

step_junit() {
  local reports="${TMPDIR:-/tmp}/descent-junit"; rm -rf "$reports"
  run junit 200 java "${JOPTS[@]}" -jar "$CONSOLE" execute --disable-banner --disable-ansi-colors \
    --details=testfeed --include-tag gpu --reports-dir "$reports" \
    --config=junit.jupiter.execution.timeout.default=60s \
    --class-path "$CP:$TESTS" --scan-class-path="$TESTS"
  python3 "$HERE/junit_summary.py" "$reports" >> "$OUT/junit.txt" 2>&1
  grep -E "GPU test kernels|FAILED|ABORTED" "$OUT/junit.txt" | head -40 | cut -c1-240
  sed -n '/^== JUnit summary/,$p' "$OUT/junit.txt" | head -30 | cut -c1-200
}

step_bench() {
  local b
  for b in "30 LaunchBenchmark" "30 JavaLaunchPathBenchmark" "100 MatmulBenchmark --quick" "60 AttentionBenchmark" "40 SoftmaxBenchmark" "30 LayernormBenchmark" \
           "60 MemoryBoundBenchmark"; do
    echo "==== ${b#* }" >> "$OUT/bench.txt"
    # shellcheck disable=SC2086
    runj bench ${b%% *} dev.descent.cuda.bench.${b#* }
  done
  grep -E "fastest|host|copy:|% copy|launch" "$OUT/bench.txt" | head -40 | cut -c1-200
}

step_train() {
  local args=(dev.descent.train.cli.DescentCli train --preset gpt2-124m-1070ti --steps 3 --warmup 1
              --total-batch 16384 --eval-every 0 --checkpoint-every 0 --sample-tokens 16)
  runj train 150 "${args[@]}" --out /tmp/descent-gpt2 --profile
  if grep -q "Unknown option: '--profile'" "$OUT/train.txt"; then
    echo "this build has no --profile: training without it"
    runj train 150 "${args[@]}" --out /tmp/descent-gpt2-noprofile
  fi
  # the kernels not yet measured on a GPU (matmul v7, tiled attention v2), the same steps: candidates for the default
  echo "==== DESCENT_MATMUL=v7 DESCENT_ATTENTION=v2" >> "$OUT/train.txt"
  run train 150 env DESCENT_MATMUL=v7 DESCENT_ATTENTION=v2 java "${JOPTS[@]}" -cp "$CP:$TESTS" "${args[@]}" \
    --out /tmp/descent-gpt2-v7 --profile
  grep -vE "^\s*$" "$OUT/train.txt" | tail -45 | cut -c1-220
}

step_torch() {
  run torch 90 python3 "$HERE/torch_baseline.py"
  cut -c1-200 "$OUT/torch.txt" | tail -20
}

echo "descent GPU run, $(date -u +%Y-%m-%dT%H:%M:%SZ), budget ${BUDGET}s, steps: $STEPS"
for step in $STEPS; do
  case "$step" in
    doctor|junit|bench|train|torch) "step_$step" ;;
    *) echo "run: unknown step '$step' (doctor junit bench train torch)" ;;
  esac
done
echo "== total $(( $(date +%s) - T0 ))s"
