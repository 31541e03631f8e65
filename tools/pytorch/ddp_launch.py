"""Starting DDP ranks for the training scripts: under torchrun (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set), or N
local ranks spawned here (Debian 12's torchrun is broken; torch.distributed itself works)."""
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
