#!/usr/bin/env python3
"""Trains the generator (the PyTorch twin in cqt_vit.py) with PyTorch DistributedDataParallel on extracted shards.

Data: an output folder of `cqtml extract` over a MusicNet-layout data set (manifest.tsv, cqt/<track>.npy [2, bins, T],
targets/<track>.npy [4, T]). Start: --init generator.safetensors (as cqtml train-generator writes it), or from scratch
(--dim/--depth/--heads/--mlp; defaults: the project's demo preset). Result: <out>/generator.safetensors under the
project's parameter names (cqtml export --weights ... --config generator.onnx turns it into ONNX), loss.tsv (the global
mean loss of every step) and training.json.

Every step draws one global batch of --global-batch crops of --frames frames from a generator seeded with
(--seed, step), the same in every rank; rank r trains on crops r, r + world, ...; DDP averages the gradients, so the
update equals one process's on the whole batch (up to float summation order). Loss: cross-entropy over the level
logits with the targets' active registers at the top level and inactive ones at 0, weighted as the .NET trainer weights
it (each register's active and silent frames weigh 0.5 / p and 0.5 / (1 - p), p its active fraction over the data, in
[0.02, 0.98]; --no-balance for plain cross-entropy), as a weighted mean over the global batch. AdamW with the .NET
trainer's schedule (linear warm-up over --warmup of the steps, then cosine decay), gradient clipping at 1, and its
weight average (--average-decay; the average is what is written). Not reproduced: the .NET trainer's augmentations
(gain, mixing, pitch shift, spectral tilt).

Launch: `torchrun --nproc-per-node N train_ddp.py ...` (ranks read RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), or
`train_ddp.py --nproc N ...`, which starts N local ranks itself (Debian 12's torchrun is broken; DDP works). Backend:
gloo on CPUs, NCCL when CUDA is available (--backend to choose).
"""
import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cqt_vit import CONTROLS, CqtVisionTransformer, read_safetensors  # noqa: E402
from ddp_common import WeightAverage, add_training_arguments, finish, launch, read_table, run_steps, start_rank  # noqa: E402


def read_manifest(folder):
    """The extracted tracks with register targets: (cqt path, targets path, frames), sorted by track id."""
    path = os.path.join(folder, "manifest.tsv")
    tracks = []
    for _, _, frames, cqt_file, _, targets_file, _, error in read_table(path, "cqtml extract v1", "track_id", "a merged manifest of cqtml extract"):
        if error or not targets_file:
            continue
        tracks.append((os.path.join(folder, cqt_file), os.path.join(folder, targets_file), int(frames)))
    if not tracks:
        raise ValueError(f"{path}: no tracks with register targets (extract a MusicNet-layout data set)")
    return tracks


def global_batch(tracks, data, step, seed, batch, frames, levels):
    """The step's crops, drawn the same way in every rank: x [batch, 2, bins, frames], y [batch, 4, frames] levels."""
    rng = np.random.default_rng([seed, step])
    xs, ys = [], []
    for _ in range(batch):
        index = int(rng.integers(len(tracks)))
        cqt, targets = data[index]
        length = cqt.shape[2]
        start = int(rng.integers(max(1, length - frames + 1)))
        x = np.zeros((cqt.shape[0], cqt.shape[1], frames), dtype=np.float32)
        y = np.zeros((CONTROLS, frames), dtype=np.int64)
        take = min(frames, length - start)
        x[:, :, :take] = cqt[:, :, start:start + take]
        y[:, :take] = np.where(targets[:, start:start + take] > 0.5, levels - 1, 0)
        xs.append(x)
        ys.append(y)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def register_balance(data):
    """[4, 2]: the (silent, active) loss weights of every register, from its active fraction over all frames."""
    on = np.zeros(CONTROLS)
    frames = 0
    for _, targets in data:
        on += (np.asarray(targets) > 0.5).sum(1)
        frames += targets.shape[1]
    p = np.clip(on / max(1, frames), 0.02, 0.98)
    return torch.tensor(np.stack([0.5 / (1 - p), 0.5 / p], 1), dtype=torch.float32)


def train(rank, world, args):
    device = start_rank(rank, world, args)

    torch.manual_seed(args.seed)  # the same initial weights in every rank (DDP also broadcasts rank 0's)
    if args.init:
        model = CqtVisionTransformer.from_state_dict(read_safetensors(args.init), heads=args.heads, gain=args.gain, dropout=args.dropout)
    else:
        model = CqtVisionTransformer(args.dim, args.depth, args.heads, args.mlp, levels=args.levels, gain=args.gain, dropout=args.dropout)
    model.to(device).train()
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.AdamW(ddp.parameters(), lr=args.lr, weight_decay=0.05)
    average = WeightAverage(model.parameters(), args.average_decay)
    tracks = read_manifest(args.data)
    data = [(np.load(c, mmap_mode="r"), np.load(t, mmap_mode="r")) for c, t, _ in tracks]
    balance = register_balance(data) if args.balance else torch.ones(CONTROLS, 2)
    registers = torch.arange(CONTROLS).reshape(1, CONTROLS, 1)

    def step_loss(step):
        x, y = global_batch(tracks, data, step, args.seed, args.global_batch, args.frames, model.levels)
        weights = balance[registers, (y == model.levels - 1).long()]  # [B, 4, T], the whole global batch
        total = weights.sum()
        x, y, weights = x[rank::world].to(device), y[rank::world].to(device), weights[rank::world].to(device)
        logits = ddp(x)  # [b, 4, K, T]
        per_frame = nn.functional.cross_entropy(logits.transpose(1, 2), y, reduction="none")  # [b, 4, T]
        # This rank's share of the global weighted mean; DDP averages the ranks' gradients, hence x world.
        return (per_frame * weights).sum() * world / total

    start = time.perf_counter()
    losses = run_steps(ddp, optimizer, average, rank, world, args, step_loss)
    finish(rank, model, "generator.safetensors", losses, {"frames": args.frames, "seconds": time.perf_counter() - start, "tracks": len(tracks)}, args)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="output folder of cqtml extract (MusicNet layout: register targets)")
    parser.add_argument("--out", required=True, help="folder for generator.safetensors, loss.tsv, training.json")
    parser.add_argument("--init", help="generator.safetensors to start from (else from scratch)")
    add_training_arguments(parser, lr=3e-4, average_decay=0.98, batch_help="crops per step over all ranks")
    parser.add_argument("--frames", type=int, default=344, help="frames per crop")
    parser.add_argument("--no-balance", dest="balance", action="store_false", help="plain cross-entropy, without the register balance weights")
    parser.add_argument("--dim", type=int, default=96)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--heads", type=int, default=3)
    parser.add_argument("--mlp", type=int, default=384)
    parser.add_argument("--levels", type=int, default=16)
    parser.add_argument("--gain", type=float, default=100.0)
    args = parser.parse_args(argv)
    launch(train, args)


if __name__ == "__main__":
    main(sys.argv[1:])
