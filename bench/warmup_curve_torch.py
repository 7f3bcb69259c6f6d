"""PyTorch side of bench/warmup-curve.ts: the reference model (engine_speed_torch.py) in a fresh process, inference
(eval, no_grad) or training steps from the first one, mean us per step of each chunk of steps; prints one JSON line."""
import argparse
import json
import time

from torch_setup import pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
from torch import nn

from engine_speed_torch import forward, reference_model

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--chunks", type=int, default=16)
p.add_argument("--chunk", type=int, default=50)
p.add_argument("--phase", choices=["infer", "train"], default="infer")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
model = reference_model()
x = torch.rand(64, 1, 28, 28)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)


def step() -> None:
    if a.phase == "train":
        opt.zero_grad()
        nn.functional.mse_loss(forward(model, x), x).backward()
        opt.step()
    else:
        with torch.no_grad():
            forward(model, x)


model.train(a.phase == "train")
out = []
for _ in range(a.chunks):
    t0 = time.perf_counter()
    for _ in range(a.chunk):
        step()
    out.append((time.perf_counter() - t0) / a.chunk * 1e6)
print(json.dumps(out))
