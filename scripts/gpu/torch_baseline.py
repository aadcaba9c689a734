#!/usr/bin/env python3
"""PyTorch eager on the same GPU as descent's run, the yardstick of issue-level speed claims. fp32 with TF32 off
(descent computes in fp32 and has no tensor-core path):

- the GPT-2 124M preset of `descent train --preset gpt2-124m-1070ti` (vocabulary 50304, 12 layers, 12 heads,
  768 channels, context 1024, tied embeddings, GELU tanh, no dropout) at micro-batch 2 x 1024: a forward+backward
  micro-step, and a whole optimizer step of 8 micro-batches (16,384 tokens, as the GPU script's 3-step run) with
  gradient clipping at 1.0 and AdamW;
- anchors: device-to-device copy bandwidth, SGEMM at descent's benchmark shapes, softmax and layer norm.

Runs only on a GPU machine: python3 scripts/gpu/torch_baseline.py [--tf32-bf16] (adds the TF32 and bf16 rows,
for reference only).
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DEV = "cuda"
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
V, T, L, H, C = 50304, 1024, 12, 12, 768
B, MICRO_STEPS = 2, 8


def ms_per_call(fn, reps=20, warm=3):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) / reps


def anchors():
    n = 1 << 28
    a = torch.empty(n, device=DEV)
    b = torch.empty_like(a)
    ms = ms_per_call(lambda: b.copy_(a))
    print(f"copy: {2 * 4 * n / ms / 1e6:.0f} GB/s (read + write)", flush=True)
    del a, b
    shapes = [("1024^3", 1024, 1024, 1024), ("4096^3", 4096, 4096, 4096), ("gpt2 qkv", 2048, 768, 2304),
              ("gpt2 attn proj", 2048, 768, 768), ("gpt2 mlp fc", 2048, 768, 3072),
              ("gpt2 mlp proj", 2048, 3072, 768), ("gpt2 lm head", 2048, 768, 50304)]
    for name, m, k, n in shapes:
        x, w = torch.randn(m, k, device=DEV), torch.randn(k, n, device=DEV)
        ms = ms_per_call(lambda: torch.mm(x, w))
        print(f"sgemm {name} ({m}x{k} . {k}x{n}): {ms:.3f} ms, {2 * m * k * n / ms / 1e9:.1f} TFLOP/s", flush=True)
    for rows, cols in [(B * H * T, T), (B * T, V)]:
        x = torch.randn(rows, cols, device=DEV)
        ms = ms_per_call(lambda: torch.softmax(x, -1))
        print(f"softmax ({rows}, {cols}): {ms:.3f} ms, {2 * 4 * rows * cols / ms / 1e6:.0f} GB/s", flush=True)
    x, ln = torch.randn(B * T, C, device=DEV), nn.LayerNorm(C).to(DEV)
    ms = ms_per_call(lambda: ln(x))
    print(f"layernorm ({B * T}, {C}) forward: {ms:.4f} ms, {2 * 4 * B * T * C / ms / 1e6:.0f} GB/s", flush=True)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.qkv, self.proj = nn.LayerNorm(C), nn.Linear(C, 3 * C), nn.Linear(C, C)
        self.ln2, self.fc, self.fc_proj = nn.LayerNorm(C), nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, 2)
        q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, C)
        x = x + self.proj(y)
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.blocks = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1], device=idx.device))
        for block in self.blocks:
            x = block(x)
        logits = self.ln_f(x) @ self.wte.weight.t()                     # tied weights, as descent's GPT
        return F.cross_entropy(logits.view(-1, V), targets.view(-1))


def gpt2(modes):
    torch.manual_seed(1337)
    model = GPT().to(DEV)
    print(f"gpt2-124m: {sum(p.numel() for p in model.parameters())} parameters, micro-batch {B} x {T}", flush=True)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=6e-4, betas=(0.9, 0.95), eps=1e-8)
    idx = torch.randint(0, 50257, (B, T), device=DEV)
    tgt = torch.randint(0, 50257, (B, T), device=DEV)

    def micro(mode):
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=mode == "bf16"):
            loss = model(idx, tgt) / MICRO_STEPS
        loss.backward()

    def step(mode):
        for _ in range(MICRO_STEPS):
            micro(mode)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for mode in modes:
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
        torch.cuda.reset_peak_memory_stats()
        ms = ms_per_call(lambda: micro(mode), reps=10, warm=3)
        opt.zero_grad(set_to_none=True)
        print(f"gpt2-124m {mode} micro-step forward+backward: {ms:.1f} ms = {B * T / ms * 1e3:.0f} tokens/s", flush=True)
        t0 = time.time()
        ms = ms_per_call(lambda: step(mode), reps=2, warm=1)
        print(f"gpt2-124m {mode} optimizer step ({MICRO_STEPS} micro-batches, clip, AdamW): {ms:.0f} ms = "
              f"{MICRO_STEPS * B * T / ms * 1e3:.0f} tokens/s; peak {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB"
              f" ({time.time() - t0:.0f} s)", flush=True)
    torch.backends.cuda.matmul.allow_tf32 = False


if __name__ == "__main__":
    print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}; fp32, TF32 off unless a row says so",
          flush=True)
    gpt2(["fp32", "tf32", "bf16"] if "--tf32-bf16" in sys.argv else ["fp32"])
    anchors()
