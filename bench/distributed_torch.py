"""PyTorch side of bench/distributed.ts: the same models, batch and processes under DistributedDataParallel (gloo).

Trains the engine reference model (engine_speed_torch.py) or the official 3D MemAE (video_speed_torch.py) on a fixed
random batch; with RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT set, DDP over gloo with the global batch split across
ranks. Prints one JSON line: samples/s of the group, and the time of one allreduce of all gradients (one flat tensor).
Run with Debian's python3-torch (bench/distributed.ts starts it).
"""
import argparse
import json
import os
import sys
import time

from torch_setup import pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_speed_torch import forward as image_forward, reference_model  # noqa: E402
from video_speed_torch import MemAE3D, entropy  # noqa: E402

MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["image", "video"], default="image")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--frames", type=int, default=16)
    p.add_argument("--widths", default="96,128,256,256")
    a = p.parse_args()
    torch.set_num_threads(int(os.environ.get("LIBTORCH_NUM_THREADS", "1")))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    dist = world > 1 or "RANK" in os.environ
    if dist:
        import torch.distributed as td
        td.init_process_group("gloo")
    local = a.batch // world + (1 if rank < a.batch % world else 0)
    torch.manual_seed(1 + rank)
    if a.model == "image":
        model = reference_model()
        x = torch.rand(local, 1, 28, 28)
        lr = 1e-3
    else:
        model = MemAE3D(widths=tuple(int(w) for w in a.widths.split(",")))
        x = torch.rand(local, 1, a.frames, a.size, a.size) * 2 - 1
        lr = 1e-4
    params = sum(p.numel() for p in model.parameters())
    net = torch.nn.parallel.DistributedDataParallel(model) if dist else model
    opt = torch.optim.Adam(net.parameters(), lr=lr)

    def step() -> None:
        opt.zero_grad()
        if a.model == "image":
            loss = F.mse_loss(image_forward(net, x), x)
        else:
            rec, att = net(x)
            loss = F.mse_loss(rec, x) + 0.0002 * entropy(att)
        loss.backward()
        opt.step()

    net.train()
    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    sec = time.perf_counter() - t0
    reduce_ms = None
    if dist:
        flat = torch.zeros(params)
        td.all_reduce(flat)
        t = time.perf_counter()
        for _ in range(10):
            td.all_reduce(flat)
        reduce_ms = (time.perf_counter() - t) / 10 * 1000
    print(json.dumps({
        "engine": "pytorch", "torch": torch.__version__, "model": a.model, "rank": rank, "world": world, "globalBatch": a.batch,
        "localBatch": local, "steps": a.steps, "seconds": sec, "samplesPerSec": a.batch * a.steps / sec, "params": params,
        "reduceOnlyMs": reduce_ms,
    }), flush=True)
    if dist:
        # PyTorch 1.13 can deadlock tearing DDP down (~ProcessGroupGloo joins a Gloo thread that waits for the GIL
        # held by the thread destroying the Reducer; seen under gdb): leave without teardown once the line is out
        os._exit(0)


if __name__ == "__main__":
    main()
