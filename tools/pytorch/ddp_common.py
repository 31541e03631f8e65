"""What the DDP training scripts share: starting the ranks, and the .NET trainers' learning-rate schedule and weight
average (CqtMl.Torch/Training/LearningRateSchedule.cs, WeightAverage.cs), so a run here trains as `cqtml train-*` does.

Ranks run under torchrun (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set), or N local ranks are spawned here (Debian
12's torchrun is broken; torch.distributed itself works)."""
import json
import math
import os
import socket
import sys

import torch
import torch.distributed as dist

from cqt_vit import write_safetensors


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


def read_table(path, header, first_column, what):
    """The rows (lists of fields) of a table cqtml writes: a '# <header> ...' line, a line of column names starting with
    `first_column`, then one tab-separated row per line."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if len(lines) < 2 or not lines[0].startswith(f"# {header} ") or lines[1].split("\t")[0] != first_column:
        raise ValueError(f"{path}: not {what}")
    return [line.split("\t") for line in lines[2:] if line]


def add_training_arguments(parser, lr, average_decay, batch_help):
    """The options both training scripts take (the .NET trainer's defaults where it has one)."""
    parser.add_argument("--nproc", type=int, default=0, help="start this many local ranks (without torchrun)")
    parser.add_argument("--backend", choices=["gloo", "nccl"], help="default: nccl with CUDA, else gloo")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--global-batch", type=int, default=8, help=batch_help)
    parser.add_argument("--lr", type=float, default=lr, help="peak learning rate")
    parser.add_argument("--warmup", type=float, default=0.1, help="share of the steps the learning rate warms up over")
    parser.add_argument("--average-decay", type=float, default=average_decay, help="decay of the weight average that is written (0: the last weights)")
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads per rank")
    parser.add_argument("--quiet", action="store_true")


def start_rank(rank, world, args):
    """Joins the process group (gloo on CPUs, NCCL with CUDA unless --backend says otherwise); returns the device."""
    torch.set_num_threads(args.threads)
    backend = args.backend or ("nccl" if torch.cuda.is_available() else "gloo")
    dist.init_process_group(backend, rank=rank, world_size=world)
    device = torch.device(f"cuda:{rank % torch.cuda.device_count()}") if backend == "nccl" else torch.device("cpu")
    if args.global_batch % world:
        raise ValueError(f"--global-batch {args.global_batch} must be a multiple of the {world} ranks")
    return device


def run_steps(ddp, optimizer, average, rank, world, args, step_loss):
    """The training loop both scripts share. Every step: dropout seeded with (--seed, step, rank), the schedule's learning
    rate, this rank's loss from step_loss(step), a clipped AdamW step and the weight average; at the end the average
    becomes the weights. Returns the global mean loss of every step."""
    warmup = int(args.warmup * args.steps)
    losses = []
    for step in range(args.steps):
        torch.manual_seed(args.seed * 1_000_003 + step * world + rank)  # dropout
        for group in optimizer.param_groups:
            group["lr"] = warmup_cosine(step, args.steps, warmup, args.lr)
        optimizer.zero_grad()
        loss = step_loss(step)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ddp.parameters(), args.clip)
        optimizer.step()
        average.update()
        record_loss(loss, world, rank, step, losses, args)
    average.copy_to_parameters()
    return losses


def record_loss(loss, world, rank, step, losses, args):
    """Appends the step's global mean loss (the ranks' losses averaged) to `losses`, printed by rank 0."""
    mean = loss.detach().clone()
    dist.all_reduce(mean)
    losses.append(mean.item() / world)
    if rank == 0 and not args.quiet:
        print(f"step {step + 1}/{args.steps}: loss {losses[-1]:.6f}", flush=True)


def finish(rank, model, weights_name, losses, summary, args):
    """Rank 0 writes the weights (atomically), loss.tsv and training.json to --out; every rank leaves the group and
    ends its process here (exit code 0)."""
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        write_safetensors({k: v.detach().cpu() for k, v in model.state_dict().items()}, os.path.join(args.out, weights_name))
        with open(os.path.join(args.out, "loss.tsv"), "w", encoding="utf-8") as f:
            f.write("step\tloss\n" + "".join(f"{i + 1}\t{v!r}\n" for i, v in enumerate(losses)))
        with open(os.path.join(args.out, "training.json"), "w", encoding="utf-8") as f:
            json.dump({"world_size": dist.get_world_size(), "backend": dist.get_backend(), "steps": args.steps, "global_batch": args.global_batch,
                       **summary, "torch": torch.__version__}, f, indent=2)
    dist.destroy_process_group()
    # PyTorch 1.13 can deadlock when DDP's reducer is freed after this: freeing the gloo process group joins its worker
    # thread, which waits for the GIL the freeing thread holds (seen as a rank that never exits, its files written). So
    # the rank ends here, without running those destructors: its files are closed and its output is flushed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
