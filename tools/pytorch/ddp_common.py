"""What the DDP training scripts share: starting the ranks, and the .NET trainers' learning-rate schedule and weight
average (CqtMl.Torch/Training/LearningRateSchedule.cs, WeightAverage.cs), so a run here trains as `cqtml train-*` does.

Ranks run under torchrun (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set), or N local ranks are spawned here (Debian
12's torchrun is broken; torch.distributed itself works)."""
import math
import os
import socket

import torch


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawned(rank, world, port, train, args):
    os.environ.update({"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank), "WORLD_SIZE": str(world), "LOCAL_RANK": str(rank)})
    train(rank, world, args)


def launch(train, args):
    """Runs train(rank, world, args): in args.nproc local processes when it is positive, else as this torchrun rank."""
    if args.nproc > 0:
        torch.multiprocessing.spawn(_spawned, args=(args.nproc, free_port(), train, args), nprocs=args.nproc, join=True)
    else:
        train(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), args)


def warmup_cosine(step, total, warmup, peak):
    """The rate of 0-based step `step` of `total`: linear warm-up over `warmup` steps, then cosine decay to 0."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1 + math.cos(math.pi * progress))


class WeightAverage:
    """An exponential moving average of the trainable parameters (average = decay x average + (1 - decay) x weights after
    every step, starting from the initial weights); the trainers export the average."""

    def __init__(self, parameters, decay):
        self.parameters = list(parameters)
        self.decay = decay
        self.average = [p.detach().clone() for p in self.parameters]

    @torch.no_grad()
    def update(self):
        for average, parameter in zip(self.average, self.parameters):
            average.mul_(self.decay).add_(parameter, alpha=1 - self.decay)

    @torch.no_grad()
    def copy_to_parameters(self):
        for average, parameter in zip(self.average, self.parameters):
            parameter.copy_(average)
