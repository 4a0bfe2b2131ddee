#!/usr/bin/env python3
"""PyTorch anchors of the train benchmark (scripts/bench-train.sh).

Trains the network Verdant trains (same layers, initialisation scheme, minibatch size, updater,
learning rate and data split) on the raw arrays that `TrainBenchmark export-raw` wrote from an
ingested feature table, in one process or with DistributedDataParallel (gloo) over N processes,
and prints the same lines as the Java ways:

    <way> setup <s> s                              (data loading)
    <way> epoch <n> <s> s cpu <s> s test <pct>%    (test accuracy after the epoch, not timed)

CPU seconds are those of every process of the way. Usage:

    bench_train_torch.py DATA_DIR WAY [--model lenet-300-100] [--epochs 12] [--batch 64]
        [--lr 0.1] [--momentum 0.9] [--lr-schedule none] [--l2 0] [--threads 1] [--procs 1] [--target 0.98] [--seed 42]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn


def load(data_dir, split):
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    n = meta["rows"][split]
    x = np.fromfile(os.path.join(data_dir, split + ".x"), dtype="<f4").reshape(n, meta["features"])
    y = np.fromfile(os.path.join(data_dir, split + ".y"), dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y), meta


def network(model, meta):
    """The layers of io.verdant.jobs.nn.Architectures: He-normal ReLU layers, Xavier output."""
    classes = meta["classes"]
    if model == "lenet5":
        c, h, w = meta["shape"]
        side = lambda s: ((s - 4) // 2 - 4) // 2
        net = nn.Sequential(
            nn.Unflatten(1, (c, h, w)),
            nn.Conv2d(c, 20, 5), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(50 * side(h) * side(w), 500), nn.ReLU(),
            nn.Linear(500, classes))
    else:
        sizes = [784, 300, 100, classes] if model == "lenet-300-100" else [
            int(s) for s in model.split(":", 1)[1].split("-")]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < len(sizes) - 2:
                layers.append(nn.ReLU())
        net = nn.Sequential(*layers)
    linears = [m for m in net.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
    for i, m in enumerate(linears):
        if i == len(linears) - 1 or isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
        else:
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)
    return net


def schedule(spec, epoch):
    """The learning-rate factor of an epoch under Verdant's --lr-schedule: none, step:F:N or exp:G."""
    p = spec.split(":")
    if p[0] == "step":
        return float(p[1]) ** ((epoch - 1) // int(p[2]))
    if p[0] == "exp":
        return float(p[1]) ** (epoch - 1)
    return 1.0


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                      for i in range(0, len(y), 1000))
    net.train()
    return correct / len(y)


def run(rank, args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.procs > 1:
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")  # MASTER_PORT: set by main()
        dist.init_process_group("gloo", rank=rank, world_size=args.procs)
    t0 = time.time()
    x, y, meta = load(args.data, "train")
    tx, ty, _ = load(args.data, "test")
    net = network(args.model, meta)
    if args.procs > 1:
        net = nn.parallel.DistributedDataParallel(net)
    if rank == 0:
        print(f"{args.way} setup {time.time() - t0:.2f} s (data load)", flush=True)
        print(f"# {args.way}: {args.model}, batch {args.batch} per process, Nesterov lr {args.lr} "
              f"momentum {args.momentum}, {args.procs} process(es) x {args.threads} thread(s), "
              f"torch {torch.__version__}", flush=True)
    opt = torch.optim.SGD(net.parameters(), lr=args.lr, momentum=args.momentum, nesterov=True,
                          weight_decay=args.l2)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        for g in opt.param_groups:
            g["lr"] = args.lr * schedule(args.lr_schedule, epoch)
        t, c = time.time(), time.process_time()
        # Each process takes every procs-th example of one permutation per epoch (as
        # DistributedSampler does), in minibatches of --batch.
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(args.seed + epoch))
        mine = order[rank::args.procs]
        for i in range(0, len(mine) - args.batch + 1, args.batch):
            idx = mine[i:i + args.batch]
            opt.zero_grad(set_to_none=True)
            loss_fn(net(x[idx]), y[idx]).backward()
            opt.step()
        secs, cpu = time.time() - t, time.process_time() - c
        if args.procs > 1:
            total = torch.tensor([cpu, secs], dtype=torch.float64)
            dist.all_reduce(total)
            cpu, secs = total[0].item(), total[1].item() / args.procs
        if rank == 0:
            acc = accuracy(net.module if args.procs > 1 else net, tx, ty)
            print(f"{args.way} epoch {epoch} {secs:.3f} s cpu {cpu:.3f} s test {100 * acc:.2f}%",
                  flush=True)
            stop = acc >= args.stop_at
        else:
            stop = False
        if args.procs > 1:
            flag = torch.tensor([1 if stop else 0])
            dist.broadcast(flag, 0)
            stop = bool(flag.item())
        if stop:
            break
    if args.procs > 1:
        dist.destroy_process_group()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("data")
    p.add_argument("way")
    p.add_argument("--model", default="lenet-300-100")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--lr-schedule", default="none")
    p.add_argument("--l2", type=float, default=0.0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--stop-at", type=float, default=2.0,
                   help="stop after the first epoch at this test accuracy (default: never)")
    args = p.parse_args()
    if args.procs > 1:
        os.environ["MASTER_PORT"] = str(29500 + os.getpid() % 1000)
        mp.spawn(run, args=(args,), nprocs=args.procs, join=True)
    else:
        run(0, args)


if __name__ == "__main__":
    sys.exit(main())
