#!/usr/bin/env bash
# descent against llm.c's CPU trainer (train_gpt2.c) on the same model, batch and starting weights, 2 threads each.
#
#   scripts/bench/llmc-compare.sh LLMC_CHECKOUT [small|gpt2|both] [steps] [rounds]
#
# LLMC_CHECKOUT is a checkout of github.com/karpathy/llm.c (nothing is downloaded). Its train_gpt2.c and llmc/ are
# copied to a scratch folder outside this repository ($LLMC_SCRATCH, default /tmp/descent-llmc), where B, T and the
# step count are set in main() and its periodic validation and sampling are switched off, and the copy is built with
# gcc -Ofast -march=native -fopenmp. dev.descent.train.bench.LlmcFiles writes llm.c's checkpoint (the GPT that
# `./descent train` initialises for the same options and seed), tokenizer and data files there. Then, for each
# round, llm.c trains, then `./descent train`, each under /usr/bin/time -v with OMP_NUM_THREADS=2 and
# -XX:ActiveProcessorCount=2. Printed: tokens/s per side (the median step after the first 3, best and median over the
# rounds), the process peak memory (maximum resident set size), and descent / llm.c.
#
# Configurations: small = L4 H4 C128, vocab 50304, context 128, B8 T128; gpt2 = GPT-2 124M (L12 H12 C768,
# context 1024), B4 T64. Defaults: both, 12 steps, 2 rounds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
llmc="${1:?usage: $0 LLMC_CHECKOUT [small|gpt2|both] [steps] [rounds]}"
which="${2:-both}"
steps="${3:-12}"
rounds="${4:-2}"
scratch="${LLMC_SCRATCH:-/tmp/descent-llmc}"
warmup=3

[ -f "$llmc/train_gpt2.c" ] || { echo "no train_gpt2.c in $llmc: pass the path of an llm.c checkout" >&2; exit 2; }
mkdir -p "$scratch"
scratch="$(cd "$scratch" && pwd)"
case "$scratch/" in "$root"/*) echo "the scratch folder $scratch is inside the repository; set LLMC_SCRATCH" >&2; exit 2;; esac
[ "$steps" -gt "$warmup" ] || { echo "steps must exceed the $warmup warm-up steps" >&2; exit 2; }

cp="$("$root/scripts/classpath.sh" train)"

# config name -> "B T descent-options"
config() {
  case "$1" in
    small) echo "8 128 --tokenizer gpt2 --vocab 50304 --layers 4 --heads 4 --width 128 --context 128 --micro-batch 8 --seq-len 128 --total-batch 1024";;
    gpt2)  echo "4 64 --tokenizer gpt2 --vocab 50304 --layers 12 --heads 12 --width 768 --context 1024 --micro-batch 4 --seq-len 64 --total-batch 256";;
    *) echo "unknown configuration $1 (small, gpt2 or both)" >&2; exit 2;;
  esac
}

# Copies train_gpt2.c with B, T and the step count set and validation/sampling off, and builds it.
build_llmc() {
  local name="$1" b="$2" t="$3" src="$scratch/src-$1"
  rm -rf "$src" && mkdir -p "$src"
  cp -r "$llmc/train_gpt2.c" "$llmc/llmc" "$src/"
  # "pattern|replacement": each pattern must be there once, so that a changed train_gpt2.c is noticed
  local edits=("int B = 4; |int B = $b; " "int T = 64; |int T = $t; "
               "for (int step = 0; step <= 40; step++)|for (int step = 0; step < $steps; step++)"
               "if (step % 10 == 0) {|if (0) {" "if (step > 0 \&\& step % 20 == 0) {|if (0) {")
  for e in "${edits[@]}"; do
    local pattern="${e%%|*}" replacement="${e#*|}"
    [ "$(grep -cF "${pattern//\\/}" "$src/train_gpt2.c")" = 1 ] \
      || { echo "train_gpt2.c differs from the version this script knows: no single '${pattern//\\/}'" >&2; exit 1; }
    sed -i "s/$pattern/$replacement/" "$src/train_gpt2.c"
  done
  (cd "$src" && gcc -Ofast -march=native -fopenmp -DOMP -Wno-unused-result -o "$scratch/train_gpt2_$name" train_gpt2.c -lm)
}

# Median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# Runs one side; prints "tokens_per_s peak_kib". $1: label, $2: tokens per step, $3: step-time regex, rest: command.
run_side() {
  local label="$1" tokens="$2" pattern="$3"; shift 3
  local log="$scratch/$label.log" timelog="$scratch/$label.time"
  /usr/bin/time -v -o "$timelog" "$@" > "$log" 2>&1 || { echo "$label failed; see $log" >&2; tail -5 "$log" >&2; exit 1; }
  local ms
  ms="$(sed -nE "s/$pattern/\1/p" "$log" | tail -n +$((warmup + 1)) | median)"
  local peak
  peak="$(sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+).*/\1/p' "$timelog")"
  awk -v t="$tokens" -v ms="$ms" -v kib="$peak" 'BEGIN {printf "%.1f %d\n", t / ms * 1000, kib}'
}

compare() {
  local name="$1" spec b t opts
  spec="$(config "$name")"
  b="${spec%% *}"; spec="${spec#* }"; t="${spec%% *}"; opts="${spec#* }"
  local common="$opts --dropout 0 --steps $steps --warmup 1 --eval-every 0 --checkpoint-every 0"
  echo "== $name: B$b T$t, $steps steps (median step after the first $warmup), $rounds rounds, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  build_llmc "$name" "$b" "$t"
  local run="$scratch/run-$name"
  # shellcheck disable=SC2086
  (cd "$root" && "$root/scripts/java.sh" -cp "$cp" dev.descent.train.bench.LlmcFiles --to "$run" $common)
  local ours=() theirs=() our_mem=0 their_mem=0
  local result tps mem
  for ((r = 1; r <= rounds; r++)); do
    result="$(cd "$run" && OMP_NUM_THREADS=2 run_side "llmc-$name" $((b * t)) \
        '^step [0-9]+: train loss [0-9.]+ \(took ([0-9.]+) ms\).*' "$scratch/train_gpt2_$name")"
    read -r tps mem <<< "$result"
    theirs+=("$tps"); [ "$mem" -gt "$their_mem" ] && their_mem="$mem"
    # shellcheck disable=SC2086
    result="$(cd "$root" && JAVA_TOOL_OPTIONS="-XX:ActiveProcessorCount=2" run_side "descent-$name" $((b * t)) \
        '^step +[0-9]+ \|.*\| +([0-9.]+) ms \|.*' ./descent train $common --sample-tokens 0 --out "$scratch/descent-$name" --replace)"
    read -r tps mem <<< "$result"
    ours+=("$tps"); [ "$mem" -gt "$our_mem" ] && our_mem="$mem"
    echo "round $r: llm.c ${theirs[-1]} tok/s, descent ${ours[-1]} tok/s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  local ob om tb tm
  ob="$(printf '%s\n' "${ours[@]}" | sort -g | tail -1)"; om="$(printf '%s\n' "${ours[@]}" | median)"
  tb="$(printf '%s\n' "${theirs[@]}" | sort -g | tail -1)"; tm="$(printf '%s\n' "${theirs[@]}" | median)"
  echo "| $name | descent tok/s best (median) | llm.c tok/s best (median) | descent / llm.c | peak RSS descent | peak RSS llm.c | ratio |"
  echo "|---|---|---|---|---|---|---|"
  awk -v n="$name" -v ob="$ob" -v om="$om" -v tb="$tb" -v tm="$tm" -v omem="$our_mem" -v tmem="$their_mem" 'BEGIN {
    printf "| %s | %.1f (%.1f) | %.1f (%.1f) | %.2f (%.2f) | %.2f GiB | %.2f GiB | %.2f |\n",
      n, ob, om, tb, tm, ob / tb, om / tm, omem / 1048576, tmem / 1048576, omem / tmem }'
}

case "$which" in
  both) compare small; compare gpt2;;
  *) compare "$which";;
esac
