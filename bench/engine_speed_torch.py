"""PyTorch side of the engine speed benchmark (bench/engine-speed.ts runs it).

The reference model of docs/engine.md in PyTorch, trained with MSE and Adam(1e-3) on a fixed
random batch; prints one JSON line: samples/s for training and inference, peak RSS.
Run with Debian's python3-torch: /usr/bin/python3 bench/engine_speed_torch.py --threads 2
"""
import argparse
import json
import resource
import time

from torch_setup import OPENBLAS, pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
from torch import nn


def reference_model() -> nn.Module:
    def block(layer: nn.Module, c: int) -> list:
        return [layer, nn.BatchNorm2d(c), nn.LeakyReLU(0.2)]

    layers = []
    for cin, cout in [(1, 16), (16, 32), (32, 64)]:
        layers += block(nn.Conv2d(cin, cout, 3, stride=2, padding=1), cout)
    for cin, cout in [(64, 32), (32, 16)]:
        layers += block(nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1), cout)
    layers.append(nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1))
    return nn.Sequential(*layers)


def forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return model(x)[:, :, 2:30, 2:30]  # 4x4 -> 32x32, crop to 28x28


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--train-steps", type=int, default=60)
    p.add_argument("--infer-steps", type=int, default=200)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args()
    base_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = reference_model().to(memory_format=fmt)
    x = torch.rand(a.batch, 1, 28, 28).contiguous(memory_format=fmt)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step() -> None:
        opt.zero_grad()
        loss = nn.functional.mse_loss(forward(model, x), x)
        loss.backward()
        opt.step()

    model.train()
    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(a.train_steps):
        step()
    train = a.batch * a.train_steps / (time.perf_counter() - t0)

    model.eval()
    with torch.no_grad():
        for _ in range(a.warmup):
            forward(model, x)
        t0 = time.perf_counter()
        for _ in range(a.infer_steps):
            forward(model, x)
        infer = a.batch * a.infer_steps / (time.perf_counter() - t0)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"torch": torch.__version__, "malloc": MALLOC, "openblas": OPENBLAS, "threads": torch.get_num_threads(), "train": train, "infer": infer, "peakRssMb": rss_mb, "baseRssMb": base_rss_mb}))


if __name__ == "__main__":
    main()
