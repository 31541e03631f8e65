#!/usr/bin/env python3
"""PyTorch twin of CqtMl.Torch's CqtVisionTransformer, for users who continue training at scale in PyTorch.

It loads the generator.safetensors that `cqtml train-generator` writes, by parameter name, into a plain PyTorch module
with the same names (patch_embed, pos_embed_freq, pos_embed_time, blocks.i.norm1 / attn.qkv / attn.proj / norm2 /
mlp.fc1 / mlp.fc2, norm, head) and the same forward pass, and:

  forward     runs it on a [B, 2, bins, T] float32 .npy and writes the logits [B, 4, K, T] as .npy;
  export      writes the graph torch.onnx.export makes of it (opset 17, dynamic batch and time axes);
  bench       times PyTorch eager inference (no gradients) for the given T and batch sizes;
  train-step  times AdamW training steps (cross-entropy on random level targets) and can save the trained weights
              as safetensors that the project loads back (GeneratorWeights.LoadSafetensors).

The project's tests use `forward` to check that PyTorch reads the weights by name and computes the project's logits;
its benchmarks use `export` to compare the project's own exported graph with PyTorch's on ONNX Runtime in one run.
Needs only torch and numpy (Debian 12: apt-get install python3-torch); safetensors files are read directly.
"""
import argparse
import json
import math
import os
import struct
import sys
import time

# Debian's PyTorch calls the system BLAS; a multi-threaded OpenBLAS under PyTorch's own threads oversubscribes small
# machines (here, 2 cores: 0.84 s instead of 0.39 s per tiny forward at T = 344, batch 8). Override from outside if wanted.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

TIME_PATCH = 4
CONTROLS = 4
INPUT_CHANNELS = 2
SAFETENSORS_DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    """Reads a safetensors file (8-byte header length, JSON header, raw little-endian data) into a name -> tensor dict."""
    with open(path, "rb") as f:
        (header_length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_length))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in SAFETENSORS_DTYPES:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        flat = torch.frombuffer(bytearray(data[start:end]), dtype=SAFETENSORS_DTYPES[info["dtype"]])
        tensors[name] = flat.reshape(info["shape"]).to(torch.float32)
    return tensors


def write_safetensors(tensors, path):
    """Writes float32 tensors as safetensors (names sorted, header padded to 8 bytes), atomically (temp file, rename)."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temp = path + ".tmp"
    with open(temp, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for chunk in chunks:
            f.write(chunk)
    os.replace(temp, path)


class Attention(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads = heads
        self.scale = 1.0 / math.sqrt(dim // heads)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.attn_drop = nn.Dropout(dropout)

    def forward(self, x):
        b, n, c = x.shape
        parts = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = parts[0], parts[1], parts[2]
        weights = self.attn_drop((q @ k.transpose(-2, -1) * self.scale).softmax(-1))
        return self.proj((weights @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden, dropout):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(nn.functional.gelu(self.fc1(x)))))


class Block(nn.Module):
    """x + attn(norm1 x), then x + mlp(norm2 x); without attention (the baseline preset) only the second half."""

    def __init__(self, dim, heads, mlp, dropout, attention=True):
        super().__init__()
        if attention:
            self.norm1 = nn.LayerNorm(dim, eps=1e-6)
            self.attn = Attention(dim, heads, dropout)
        self.attention = attention
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, mlp, dropout)
        self.drop_path = nn.Dropout(dropout)

    def forward(self, x):
        if self.attention:
            x = x + self.drop_path(self.attn(self.norm1(x)))
        return x + self.drop_path(self.mlp(self.norm2(x)))


class CqtVisionTransformer(nn.Module):
    """[B, 2, bins, T] linear CQT magnitudes -> logits [B, 4, K, T].

    The time-position table is sliced (the first T/4 rows, the default) or resampled linearly to T/4 rows
    (interpolated=True, as GeneratorPositions.Interpolated); the weights do not say which, so say it when loading.

    Dropout sits where the project's has it (positions, attention weights, MLP hidden units and output, each residual
    branch); it has no weights, so it is not in the safetensors file and is a no-op in evaluation mode.
    """

    def __init__(self, dim, depth, heads, mlp, levels=16, bins=84, frequency_patch=84, max_time_tokens=4096, gain=100.0, dropout=0.1, interpolated=False, attention=True):
        super().__init__()
        self.levels = levels
        self.interpolated = interpolated
        self.gain = gain
        self.patch_embed = nn.Conv2d(INPUT_CHANNELS, dim, (frequency_patch, TIME_PATCH), stride=(frequency_patch, TIME_PATCH))
        self.pos_embed_freq = nn.Parameter(torch.zeros(bins // frequency_patch, dim))
        self.pos_embed_time = nn.Parameter(torch.zeros(max_time_tokens, dim))
        self.pos_drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp, dropout, attention) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, CONTROLS * levels * TIME_PATCH)

    @staticmethod
    def from_state_dict(state, heads=3, gain=100.0, dropout=0.1, interpolated=False):
        """Builds the module whose shapes the weights imply (heads and gain are not in the weights) and loads them."""
        embed = state["patch_embed.weight"]
        if embed.shape[1] != INPUT_CHANNELS:
            raise ValueError(f"{embed.shape[1]} input channels: harmonic stacking is not supported by this twin")
        depth = sum(1 for name in state if name.startswith("blocks.") and name.endswith(".norm2.weight"))
        attention = "blocks.0.attn.qkv.weight" in state
        model = CqtVisionTransformer(
            dim=embed.shape[0], depth=depth, heads=heads, mlp=state["blocks.0.mlp.fc1.weight"].shape[0],
            levels=state["head.weight"].shape[0] // (CONTROLS * TIME_PATCH),
            bins=state["pos_embed_freq"].shape[0] * embed.shape[2], frequency_patch=embed.shape[2],
            max_time_tokens=state["pos_embed_time"].shape[0], gain=gain, dropout=dropout, interpolated=interpolated, attention=attention)
        model.load_state_dict(state, strict=True)
        return model.eval()

    def forward(self, x):
        b, t = x.shape[0], x.shape[3]
        time_tokens = (t + TIME_PATCH - 1) // TIME_PATCH
        h = torch.log1p(x * self.gain)
        # Zero-pad T up to a multiple of 4 (pad 3, keep the first time_tokens * 4: export-friendly for any T).
        h = nn.functional.pad(h, (0, TIME_PATCH - 1))[..., : time_tokens * TIME_PATCH]
        tokens = self.patch_embed(h).permute(0, 2, 3, 1)  # [B, F, Tt, D]
        f, d = tokens.shape[1], tokens.shape[3]
        if self.interpolated:
            table = nn.functional.interpolate(self.pos_embed_time.t().unsqueeze(0), size=time_tokens, mode="linear", align_corners=False)
            positions = table.squeeze(0).t()
        else:
            positions = self.pos_embed_time[:time_tokens]
        tokens = tokens + self.pos_embed_freq.reshape(1, f, 1, d) + positions.reshape(1, 1, time_tokens, d)
        tokens = self.pos_drop(tokens.reshape(b, f * time_tokens, d))
        for block in self.blocks:
            tokens = block(tokens)
        pooled = self.norm(tokens).reshape(b, f, time_tokens, d).mean(1)
        logits = self.head(pooled).reshape(b, time_tokens, CONTROLS, self.levels, TIME_PATCH)
        logits = logits.permute(0, 2, 3, 1, 4).reshape(b, CONTROLS, self.levels, time_tokens * TIME_PATCH)
        return logits[..., :t]


def load(args):
    torch.set_num_threads(args.threads)
    return CqtVisionTransformer.from_state_dict(read_safetensors(args.weights), heads=args.heads, gain=args.gain, dropout=args.dropout,
        interpolated=args.positions == "interpolated")


def run_forward(args):
    model = load(args)
    x = torch.from_numpy(np.load(args.input).astype(np.float32))
    with torch.no_grad():
        np.save(args.out, model(x).numpy())


def run_export(args):
    model = load(args)
    bins = model.pos_embed_freq.shape[0] * model.patch_embed.kernel_size[0]
    example = torch.rand(1, INPUT_CHANNELS, bins, args.frames)
    torch.onnx.export(
        model, example, args.out, opset_version=17, input_names=["cqt"], output_names=["logits"],
        dynamic_axes={"cqt": {0: "batch", 3: "frames"}, "logits": {0: "batch", 3: "frames"}})


def run_bench(args):
    model = load(args)
    bins = model.pos_embed_freq.shape[0] * model.patch_embed.kernel_size[0]
    print(f"PyTorch {torch.__version__} eager, {torch.get_num_threads()} threads, no gradients")
    for frames in args.frames:
        for batch in args.batch:
            x = torch.rand(batch, INPUT_CHANNELS, bins, frames)
            with torch.no_grad():
                for _ in range(args.warmup):
                    model(x)
                times = []
                for _ in range(args.iterations):
                    start = time.perf_counter()
                    model(x)
                    times.append(time.perf_counter() - start)
            mean, best = sum(times) / len(times), min(times)
            print(f"T={frames} batch={batch}: mean {mean * 1000:.1f} ms ({batch * frames / mean:,.0f} frames/s), best {best * 1000:.1f} ms")


def run_train_step(args):
    model = load(args).train()
    bins = model.pos_embed_freq.shape[0] * model.patch_embed.kernel_size[0]
    torch.manual_seed(args.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.05)
    x = torch.rand(args.batch, INPUT_CHANNELS, bins, args.frames)
    target = torch.randint(0, model.levels, (args.batch, CONTROLS, args.frames))
    times = []
    for step in range(args.steps):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x).transpose(1, 2), target)  # classes (levels) on dim 1
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step > 0:  # the first step allocates the optimizer state
            times.append(time.perf_counter() - start)
    if times:
        print(f"PyTorch {torch.__version__} eager training, {torch.get_num_threads()} threads, batch {args.batch}, T={args.frames}: "
              f"{sum(times) / len(times):.3f} s per step (mean of {len(times)})")
    if args.out:
        write_safetensors(model.state_dict(), args.out)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, function, help_text):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--weights", required=True, help="generator.safetensors written by cqtml")
        sub.add_argument("--heads", type=int, default=3, help="attention heads (3 for the demo and tiny presets)")
        sub.add_argument("--gain", type=float, default=100.0, help="input gain of log(1 + gain x) (default 100)")
        sub.add_argument("--dropout", type=float, default=0.1, help="training dropout (default 0.1, as the project's)")
        sub.add_argument("--positions", choices=["sliced", "interpolated"], default="sliced",
                         help="time positions the model was trained with (default sliced)")
        sub.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
        sub.set_defaults(function=function)
        return sub

    forward = command("forward", run_forward, "logits of a [B, 2, bins, T] .npy")
    forward.add_argument("--input", required=True)
    forward.add_argument("--out", required=True)
    export = command("export", run_export, "torch.onnx.export, opset 17, dynamic batch and frames")
    export.add_argument("--out", required=True)
    export.add_argument("--frames", type=int, default=344, help="T of the example input used for tracing")
    bench = command("bench", run_bench, "eager inference timings")
    bench.add_argument("--frames", type=int, nargs="+", default=[344, 1723])
    bench.add_argument("--batch", type=int, nargs="+", default=[1, 8])
    bench.add_argument("--warmup", type=int, default=2)
    bench.add_argument("--iterations", type=int, default=5)
    train = command("train-step", run_train_step, "AdamW training-step timings")
    train.add_argument("--frames", type=int, default=344)
    train.add_argument("--batch", type=int, default=8)
    train.add_argument("--steps", type=int, default=6)
    train.add_argument("--seed", type=int, default=0, help="torch.manual_seed for the data and targets")
    train.add_argument("--out", help="write the trained weights here (safetensors)")

    args = parser.parse_args(argv)
    args.function(args)


if __name__ == "__main__":
    main(sys.argv[1:])
