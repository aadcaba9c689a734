#!/usr/bin/env python3
"""Where a training step's time goes: runs `./descent train ...` under Java Flight Recorder and prints a breakdown.

Usage, from the repository root:
  python3 scripts/bench/profile_train.py [--skip-steps 3] [--jfr out.jfr] -- <arguments of ./descent train>
e.g.
  python3 scripts/bench/profile_train.py -- --vocab 50304 --layers 4 --heads 4 --width 128 --context 128 \\
      --micro-batch 8 --seq-len 128 --total-batch 1024 --steps 20 --eval-every 0 --sample-tokens 0 --dropout 0

Only CPU samples taken between the step lines of step --skip-steps and of the last step count (the first steps
include the JIT's warm-up; after the last come validation, the checkpoint and the report). Four tables, each in percent of those samples:
  - phases: forward, backward, gradient clipping, AdamW update (main thread, see below);
  - methods: the top frame of each sample (where the CPU was);
  - ops: the autograd op or optimizer that the sample ran under (the innermost forward or backward of an op class
    in dev.descent.core, an Op.of op named by its lambda, or a frame of dev.descent.optim, else "other"), forward
    and backward apart; main thread only, since the pool's worker threads
    do not know which op handed them work (the main thread runs its share of every parallel loop and all the
    serial work);
  - kernels: the top frame grouped into matmul kernel, packing, row kernels, attention, elementwise lambdas, other;
and the heap allocated per step (JFR's allocation samples, each weighted by the bytes its thread allocated since
its last sample), all threads, by the innermost descent method on the stack and the class allocated.
"""
import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

KERNEL_GROUPS = [
    ("matmul micro-kernel", ("PackedMatmul.kernel", "CpuMatmul.reference", "CpuMatmul.kernel")),
    ("matmul packing", ("MatmulPacking.", "CpuMatmul.pack", "CpuMatmul.lambda$packB")),
    ("matmul other", ("Matmul",)),
    ("attention", ("Attention",)),
    ("row kernels (softmax, cross-entropy, layer norm, GELU)", ("VectorRows", "VectorFused", "VectorMath", "CpuFused")),
    ("fused optimizer (CpuOptim: AdamW, sum of squares)", ("CpuOptim",)),
    ("elementwise ops and reductions (CpuBackend loops)", ("CpuBackend",)),
    ("optimizer", ("dev.descent.optim",)),
]


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


NOT_OPS = ("Autograd", "Backprop", "Tensor")


def op_of(frames):
    """The innermost descent op/optimizer frame, with forward/backward; frames are top (innermost) first."""
    for i, f in enumerate(frames):
        name = frame_name(f)
        cls, method = name.rsplit(".", 1)
        short = cls.rsplit(".", 1)[1]
        if name.startswith("dev.descent.optim."):
            return "optimizer: " + short + "." + method
        if cls.count(".") != 3 or not cls.startswith("dev.descent.core.") or method not in ("forward", "backward"):
            continue
        if short in NOT_OPS:
            continue
        if short.startswith("Op$"):
            # an op made by Op.of: the lambda it runs (e.g. Reductions.lambda$sum$0) names it
            for inner in reversed(frames[:i]):
                inner_cls, inner_method = frame_name(inner).rsplit(".", 1)
                if inner_method.startswith("lambda$"):
                    short = inner_cls.rsplit(".", 1)[1] + "." + inner_method.split("$")[1]
                    break
        return short + "." + method
    return "other (train loop, data, autograd bookkeeping)"


PHASES = [
    ("AdamW update", ("dev.descent.optim.Optimizer.step", "dev.descent.optim.AbstractAdam.stepAndCheckFinite")),
    ("gradient clipping (global norm)", ("dev.descent.optim.GradClip.",)),
    ("backward", ("dev.descent.core.Backprop.",)),
    ("forward", ("dev.descent.optim.GradAccumulation.accumulate",)),
    ("validation, checkpoint, report", ("dev.descent.train.loop.Trainer.validationLoss", "dev.descent.train.loop.RunReport",
                                        "dev.descent.train.loop.Checkpoint")),
]


def phase_of(frames):
    """Which part of a training step the sample belongs to: the first phase whose frame is on the stack."""
    names = [frame_name(f) for f in frames]
    for phase, needles in PHASES:
        if any(name.startswith(n) for name in names for n in needles):
            return phase
    return "other"


def allocation_site(frames, allocated_class):
    """The innermost descent method on an allocation's stack (else its top frame), and the class it allocated."""
    names = [frame_name(f) for f in frames]
    site = next((n for n in names if n.startswith("dev.descent.")), names[0])
    return f"{site}: {allocated_class.replace('/', '.')}"


def kernel_group(top):
    for group, needles in KERNEL_GROUPS:
        if any(n in top for n in needles):
            return group
    return "JDK, GC and other"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-steps", type=int, default=3)
    parser.add_argument("--jfr", default=None, help="keep the recording here (default: a temporary file)")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("train_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    train_args = args.train_args[1:] if args.train_args[:1] == ["--"] else args.train_args
    jfr = args.jfr or tempfile.NamedTemporaryFile(suffix=".jfr", delete=False).name
    env = dict(os.environ)
    env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + " -XX:FlightRecorderOptions=stackdepth=256"
                                + f" -XX:StartFlightRecording=filename={jfr},settings=profile").strip()
    start_of_window = end_of_window = None
    last_step = None
    proc = subprocess.Popen(["./descent", "train"] + train_args, stdout=subprocess.PIPE, text=True, env=env)
    for line in proc.stdout:
        sys.stdout.write(line)
        if line.startswith("step "):
            now = datetime.datetime.now(datetime.timezone.utc)
            if start_of_window is None and int(line.split()[1]) == args.skip_steps:
                start_of_window = now
            end_of_window = now
            last_step = int(line.split()[1])
    if proc.wait() != 0:
        sys.exit(f"./descent train exited with {proc.returncode}")
    if start_of_window is None:
        sys.exit(f"no step line for step {args.skip_steps}: run more steps")
    dump = subprocess.run(["jfr", "print", "--json", "--stack-depth", "256", "--events",
                           "jdk.ExecutionSample,jdk.ObjectAllocationSample", jfr], capture_output=True,
                          text=True, check=True).stdout
    events = json.loads(dump)["recording"]["events"]
    methods, ops, groups, phases, allocated = (collections.Counter() for _ in range(5))
    counted = 0
    main_samples = 0
    for e in events:
        when = datetime.datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")[:26] + "+00:00")
        frames = (e["values"].get("stackTrace") or {}).get("frames") or []
        if when < start_of_window or when > end_of_window or not frames:
            continue
        if e["type"] == "jdk.ObjectAllocationSample":
            allocated[allocation_site(frames, e["values"]["objectClass"]["name"])] += e["values"]["weight"]
            continue
        counted += 1
        top = frame_name(frames[0])
        methods[top] += 1
        groups[kernel_group(top)] += 1
        if e["values"]["sampledThread"].get("javaName") == "main":
            main_samples += 1
            ops[op_of(frames)] += 1
            phases[phase_of(frames)] += 1
    print(f"\n{counted} CPU samples from step {args.skip_steps + 1} to the last (recording: {jfr})")
    tables = (("phases, main thread", phases, main_samples, None), ("kernels, all threads", groups, counted, None),
              ("ops, main thread", ops, main_samples, args.top),
              ("methods, all threads", methods, counted, args.top))
    for title, counter, total, limit in tables:
        print(f"\n| {title} | share of samples |\n|---|---|")
        for name, count in counter.most_common(limit):
            print(f"| {name} | {100.0 * count / total:.1f}% |")
    steps = last_step - args.skip_steps
    total = sum(allocated.values())
    print(f"\n| heap allocated per step, all threads (JFR samples, {steps} steps): {total / steps / 1e6:.1f} MB "
          f"| MB per step |\n|---|---|")
    for name, weight in allocated.most_common(args.top):
        print(f"| {name} | {weight / steps / 1e6:.1f} |")


if __name__ == "__main__":
    main()
