#!/usr/bin/env bash
# Runs README's first command, `./descent`, as a new user would (a fresh clone of this checkout's HEAD, build
# included; Maven's dependencies come from the local repository when cached) and writes what it printed and
# measured into the docs, between the markers
#   <!-- run-figures:NAME -->  ...  <!-- /run-figures -->
# of README.md (first-command), docs/PERFORMANCE.md (performance) and lessons/32-tiny-gpt/README.md (lesson-run),
# and copies its loss.png to lessons/32-tiny-gpt/full-run.png. So these numbers cannot drift from a run.
#
#   scripts/refresh-run-figures.sh            # run, then rewrite the docs
#   scripts/refresh-run-figures.sh --log DIR  # rewrite the docs from an earlier run's DIR (run.log, summary.json, ..)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ "${1:-}" = "--log" ]; then
  out="$(cd "$2" && pwd)"
else
  out="$root/runs/run-figures"
  rm -rf "$out" && mkdir -p "$out"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  git clone -q "$root" "$work/descent"
  cd "$work/descent"
  echo "refresh-run-figures: ./descent in a fresh clone at $work/descent (commit $(git rev-parse --short HEAD))" >&2
  cut -d' ' -f1-3 /proc/loadavg > "$out/load-before"
  start=$(date +%s.%N)
  ./descent 2>&1 | tee "$out/run.log"
  end=$(date +%s.%N)
  cut -d' ' -f1-3 /proc/loadavg > "$out/load-after"
  echo "$start $end" | awk '{printf "%.0f\n", $2 - $1}' > "$out/seconds"
  git rev-parse --short HEAD > "$out/commit"
  date -u '+%Y-%m-%d %H:%M UTC' > "$out/date"
  cp runs/tiny-cpu/summary.json runs/tiny-cpu/loss.png "$out/"
  cd "$root"
fi

log="$out/run.log"
# a number field of summary.json: json NAME
json() { sed -n "s/^  \"$1\": \\([-0-9.eE]*\\),\\{0,1\\}$/\\1/p" "$out/summary.json"; }
fmt() { printf "%.${1}f" "$2"; }
commas() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }
seconds=$(cat "$out/seconds")
minutes=$(awk -v s="$seconds" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }')
val=$(fmt 4 "$(json validationLoss)")
bits=$(fmt 2 "$(json validationBitsPerCharacter)")
uni=$(fmt 4 "$(json unigramBaselineLoss)")
unibits=$(fmt 2 "$(json unigramBaselineBitsPerCharacter)")
tps=$(fmt 0 "$(json meanTokensPerSecond)")
steps=$(json steps)
params=$(commas "$(json parameters)")
tokenizer=$(sed -n 's/^  "tokenizer": "\(.*\)",$/\1/p' "$out/summary.json")
# (Maven's quiet build leaves colour resets, ESC[0m, at the start of the line: drop them first)
data=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n 's/^preparing the embedded Moby-Dick corpus in \([^ ]*\) .*/\1/p')
# the sample: every line after its header up to the closing `wrote ...` line (it may hold blank lines; the
# blank line before `wrote` is dropped by $(...))
sample=$(awk '/^sample \(temperature/ { on = 1; next } on && /^wrote / { exit } on' "$log")
load="load average $(cut -d' ' -f1 "$out/load-before") at the start, $(cut -d' ' -f1 "$out/load-after") at the end"
run="$(cat "$out/date"), commit $(cat "$out/commit"), $(nproc) cores, $load"

# replace the block NAME of FILE with the contents of the file BODY
splice() {
  local file="$1" name="$2" body="$3"
  grep -q "<!-- run-figures:$name -->" "$root/$file" || { echo "no block $name in $file" >&2; exit 1; }
  awk -v name="$name" -v body="$body" '
    $0 == "<!-- run-figures:" name " -->" { print; while ((getline line < body) > 0) print line; skip = 1; next }
    skip && $0 == "<!-- /run-figures -->" { skip = 0 }
    !skip' "$root/$file" > "$root/$file.tmp" && mv "$root/$file.tmp" "$root/$file"
}
block="$out/block"

cat > "$block" <<EOF
The first command builds descent (downloading its dependencies the first time), learns a byte-pair vocabulary
of $(commas "${tokenizer#bpe-}") tokens from the embedded Moby-Dick and writes the book in those tokens to \`$data/\`,
trains the \`tiny-cpu\` GPT for $steps steps with a log line per step, writes \`runs/tiny-cpu/loss.png\`,
\`runs/tiny-cpu/summary.json\` and a checkpoint, and prints a sample. From a fresh clone it took $minutes on
$(nproc) cores, build included, and ended at **$bits bits per character** of the held-out chapters ($val nats per token),
against $unibits for a unigram model of the same tokens ($uni nats). Its sample:

\`\`\`
$sample
\`\`\`
EOF
splice README.md first-command "$block"

cat > "$block" <<EOF
| command | steps | wall time (fresh clone, build included) | tokens/s (mean) | validation loss | unigram baseline |
|---|---|---|---|---|---|
| \`./descent\` (\`tiny-cpu\`, $tokenizer tokens, $params parameters) | $steps | $minutes | $tps | $val nats = **$bits bits per character** | $uni nats = $unibits bits per character |

Measured by \`scripts/refresh-run-figures.sh\` ($run). The run's
$(grep '^tensor memory held at peak' "$log") (the planner: next section).
EOF
splice docs/PERFORMANCE.md performance "$block"

# the run's header, its validation steps, the final line and the sample
{
  echo "\`./descent\` ($minutes from a fresh clone, build included; $run):"
  echo
  echo '```'
  grep -E '^(preparing|[0-9,]+ training|tiny-cpu:)' "$log"
  grep -E '^step .*bits per character' "$log"
  grep -E '^validation loss' "$log"
  echo "sample (temperature 0.8, top-k 40):"
  echo "$sample"
  echo '```'
} > "$block"
splice lessons/32-tiny-gpt/README.md lesson-run "$block"
cp "$out/loss.png" "$root/lessons/32-tiny-gpt/full-run.png"
echo "refresh-run-figures: wrote README.md, docs/PERFORMANCE.md, lessons/32-tiny-gpt/README.md and full-run.png" \
  "from $out ($bits bits per character, $minutes)" >&2
