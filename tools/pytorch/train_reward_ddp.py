#!/usr/bin/env python3
"""Trains the reward model (the PyTorch twin in cqt_reward.py) with PyTorch DistributedDataParallel on labelled pairs.

Data: an output folder of `cqtml extract --pairs labelled.parquet --data <root> --out <dir>` (pairs.tsv, clips/<k>.npy
[2, bins, T], controls/<pair>.npy [2, 4, T]: sample A then sample B; target 1 when A is preferred, 0 when B is, 0.5 for
a tie). Start: --init reward.safetensors (as cqtml train-reward writes it); with --reinit only its architecture is kept
and the weights are drawn afresh from --seed (training from scratch: PyTorch's default initialisation of every layer,
truncated normal with std 0.02 for the position tables). Result: <out>/reward.safetensors under the
project's parameter names (cqtml export --weights ... --config reward.onnx turns it into ONNX), loss.tsv (the global
mean loss of every step) and training.json.

Every step draws one global batch of --global-batch pairs of one length (T) from a generator seeded with (--seed,
step), the same in every rank; rank r scores pairs r, r + world, ...; DDP averages the gradients, so the update equals
one process's on the whole batch (up to float summation order). Loss: the Bradley-Terry loss with ties of the .NET
trainer (BradleyTerryLoss.cs): y softplus(m' - d) + (1 - y) softplus(d + m'), d = r_A - r_B, m' = --margin for strict
preferences and 0 for ties, plus --centring x mean((r_A + r_B)^2). AdamW with the .NET trainer's schedule (linear
warm-up over --warmup of the steps, then cosine decay), gradient clipping at 1, and its weight average
(--average-decay; the average is what is written).

Launch: `torchrun --nproc-per-node N train_reward_ddp.py ...`, or `train_reward_ddp.py --nproc N ...` (N local ranks;
Debian 12's torchrun is broken, DDP works). Backend: gloo on CPUs, NCCL when CUDA is available (--backend to choose).
"""
import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cqt_reward import C1, RewardModel  # noqa: E402
from cqt_vit import read_safetensors  # noqa: E402
from ddp_common import WeightAverage, add_training_arguments, finish, launch, read_table, run_steps, start_rank  # noqa: E402


def read_pairs(folder):
    """The labelled pairs: (clip file, controls file, frames, target), in pair order."""
    path = os.path.join(folder, "pairs.tsv")
    pairs = []
    for _, _, frames, target, clip_file, controls_file in read_table(path, "cqtml extract --pairs v1", "pair", "a pairs table of cqtml extract --pairs"):
        pairs.append((os.path.join(folder, clip_file), os.path.join(folder, controls_file), int(frames), float(target)))
    if not pairs:
        raise ValueError(f"{path}: no pairs")
    return pairs


def by_length(pairs):
    """The pairs' indices grouped by length (T), in increasing length."""
    groups = {}
    for index, (_, _, frames, _) in enumerate(pairs):
        groups.setdefault(frames, []).append(index)
    return [groups[t] for t in sorted(groups)]


def global_batch(pairs, groups, clips, controls, step, seed, batch):
    """The step's pairs, drawn the same way in every rank, all of one length: cqt [batch, 2, bins, T], a and b
    [batch, 4, T], targets [batch]. The length group is drawn first (weighted by its number of pairs), then the pairs."""
    rng = np.random.default_rng([seed, step])
    sizes = np.array([len(group) for group in groups], dtype=np.float64)
    members = groups[int(rng.choice(len(groups), p=sizes / sizes.sum()))]
    chosen = [members[int(rng.integers(len(members)))] for _ in range(batch)]
    cqt = np.stack([clips[pairs[i][0]] for i in chosen]).astype(np.float32)
    ab = np.stack([controls[i] for i in chosen]).astype(np.float32)
    targets = np.array([pairs[i][3] for i in chosen], dtype=np.float32)
    return torch.from_numpy(cqt), torch.from_numpy(ab[:, 0]), torch.from_numpy(ab[:, 1]), torch.from_numpy(targets)


def bradley_terry(rewards_a, rewards_b, targets, margin, centring):
    """The .NET trainer's loss (BradleyTerryLoss.cs)."""
    difference = rewards_a - rewards_b
    strict_margin = (targets * 2 - 1).abs() * margin
    loss = (targets * nn.functional.softplus(strict_margin - difference) + (1 - targets) * nn.functional.softplus(difference + strict_margin)).mean()
    if centring > 0:
        loss = loss + centring * (rewards_a + rewards_b).square().mean()
    return loss


def train(rank, world, args):
    # PyTorch 1.13 warns once per rank that the [1, D] reward head's gradient is laid out unlike its DDP bucket (it is
    # copied, correctly, just more slowly; the head is 32 to 192 values).
    warnings.filterwarnings("ignore", message="Grad strides do not match bucket view strides")
    device = start_rank(rank, world, args)

    model = RewardModel.from_state_dict(read_safetensors(args.init), heads=args.heads, gain=args.gain, dropout=args.dropout,
                                        fmin=args.fmin, bins_per_octave=args.bins_per_octave)
    if args.reinit:
        torch.manual_seed(args.seed)  # the same fresh weights in every rank (DDP also broadcasts rank 0's)
        for module in model.modules():
            if module is not model and hasattr(module, "reset_parameters"):
                module.reset_parameters()
        for name, parameter in model.named_parameters():
            if "pos_embed" in name:
                nn.init.trunc_normal_(parameter, std=0.02)  # learned position tables (timm's initialisation)
    for parameter in model.cqt_encoder.head.parameters():
        parameter.requires_grad_(False)  # the generator's head: part of the weights, unused by the reward
    model.to(device).train()
    ddp = DistributedDataParallel(model)
    trainable = [p for p in ddp.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.05)
    average = WeightAverage(trainable, args.average_decay)
    pairs = read_pairs(args.data)
    clips = {path: np.load(path, mmap_mode="r") for path in sorted({p[0] for p in pairs})}
    controls = [np.load(p[1], mmap_mode="r") for p in pairs]
    groups = by_length(pairs)

    def step_loss(step):
        cqt, a, b, y = global_batch(pairs, groups, clips, controls, step, args.seed, args.global_batch)
        cqt, a, b, y = (t[rank::world].to(device) for t in (cqt, a, b, y))
        # One forward over both samples (one DDP call per step): [2 b] rewards, A's first.
        rewards = ddp(torch.cat([cqt, cqt]), torch.cat([a, b]))
        return bradley_terry(rewards[: len(y)], rewards[len(y):], y, args.margin, args.centring)

    start = time.perf_counter()
    losses = run_steps(ddp, optimizer, average, rank, world, args, step_loss)
    finish(rank, model, "reward.safetensors", losses, {"seconds": time.perf_counter() - start, "pairs": len(pairs), "clips": len(clips)}, args)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="output folder of cqtml extract --pairs")
    parser.add_argument("--out", required=True, help="folder for reward.safetensors, loss.tsv, training.json")
    parser.add_argument("--init", required=True, help="reward.safetensors to start from (its architecture, and its weights unless --reinit)")
    parser.add_argument("--reinit", action="store_true", help="keep only --init's architecture: fresh weights from --seed")
    add_training_arguments(parser, lr=5e-4, average_decay=0.9, batch_help="pairs per step over all ranks")
    parser.add_argument("--margin", type=float, default=0.0, help="margin of strict preferences (the .NET trainer's Margin)")
    parser.add_argument("--centring", type=float, default=0.01, help="reward-centring coefficient (cqtml train-reward's default)")
    parser.add_argument("--heads", type=int, default=3, help="attention heads (3 for the demo and tiny presets)")
    parser.add_argument("--gain", type=float, default=100.0, help="input gain of log(1 + gain x)")
    parser.add_argument("--fmin", type=float, default=C1, help="the CQT's lowest bin in Hz (default C1, 32.70 Hz)")
    parser.add_argument("--bins-per-octave", type=int, default=12)
    args = parser.parse_args(argv)
    launch(train, args)


if __name__ == "__main__":
    main(sys.argv[1:])
