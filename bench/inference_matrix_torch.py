"""PyTorch side of the inference matrix (bench/inference-matrix.ts runs it, one fresh process per cell and round).

Models (written from docs/method.md and bench/engine_speed_torch.py, not from memae's code):
  ref     the engine reference model, 28x28x1, 16/32/64, BN, LeakyReLU(0.2), crop to 28x28
  cifar   the paper's CIFAR config as memae builds it without memory: 32x32x3, Conv 64-128-128-256 (3x3, s2),
          ConvT 256-128-128-3 (3x3, s2), BN + LeakyReLU(0.2) after every layer but the last
  video3d the official 3D video net (bench/video_speed_torch.py) without memory, clips 16x64x64x1
Paths: predict, apply, folded and replay = model(x) under no_grad with the output read into numpy (PyTorch has one inference
call); score = the same plus the per-sample mean squared error read back as a list (memae's image score); train = one
training step in train mode (batch norm on batch statistics): mean squared reconstruction error, backward, Adam(1e-3).
Regimes: `first` = mean us per batch over the first --first batches of the process; `steady` = mean over
--steady batches after --warm batches; steadyFaults = minor page faults per steady batch (getrusage: glibc's slow
malloc mode shows as hundreds per batch, see torch_setup.py). Prints one JSON line.
  /usr/bin/python3 bench/inference_matrix_torch.py --model ref --batch 64 --path apply --threads 2
"""
import argparse
import json
import resource
import time

from torch_setup import OPENBLAS, pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
from torch import nn

from engine_speed_torch import forward as ref_forward, reference_model
from video_speed_torch import MemAE3D


def cifar_model() -> nn.Module:
    layers = []
    enc = [3, 64, 128, 128, 256]
    for cin, cout in zip(enc, enc[1:]):
        layers += [nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2)]
    dec = [256, 256, 128, 128, 3]
    for i, (cin, cout) in enumerate(zip(dec, dec[1:])):
        layers.append(nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1))
        if i < len(dec) - 2:
            layers += [nn.BatchNorm2d(cout), nn.LeakyReLU(0.2)]
    return nn.Sequential(*layers)


def build(name: str, train: bool):
    """(module, forward function, input shape without batch); the module in train or eval mode"""
    if name == 'ref':
        m = reference_model().train(train)
        return m, (lambda x: ref_forward(m, x)), (1, 28, 28)
    if name == 'cifar':
        m = cifar_model().train(train)
        return m, m, (3, 32, 32)
    if name == 'video3d':
        m = MemAE3D(memory=False).train(train)
        return m, (lambda x: m(x)[0]), (1, 16, 64, 64)
    raise SystemExit(f'unknown model {name}')


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--model', default='ref')
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--path', default='apply', choices=['predict', 'apply', 'folded', 'replay', 'score', 'rebuild', 'train'])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--first', type=int, default=50)
    p.add_argument('--warm', type=int, default=500)
    p.add_argument('--steady', type=int, default=100)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    m, f, shape = build(a.model, a.path == 'train')
    x = torch.rand(a.batch, *shape)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)

    def step() -> None:
        if a.path == 'train':
            opt.zero_grad()
            ((f(x) - x) ** 2).mean().backward()
            opt.step()
            return
        with torch.no_grad():
            y = f(x)
            if a.path in ('score', 'rebuild'):
                ((y - x) ** 2).flatten(1).mean(1).tolist()
            else:
                y.numpy()

    # wall time and this process's CPU time (all threads) per batch
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.first):
        step()
    first, first_cpu = (time.perf_counter() - t0) / a.first * 1e6, (time.process_time() - c0) / a.first * 1e6
    for _ in range(a.first, a.warm):
        step()
    t0, c0, f0 = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(a.steady):
        step()
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / a.steady
    steady, steady_cpu = (time.perf_counter() - t0) / a.steady * 1e6, (time.process_time() - c0) / a.steady * 1e6
    print(json.dumps({'side': 'pytorch', 'torch': torch.__version__, 'malloc': MALLOC, 'openblas': OPENBLAS, 'threads': torch.get_num_threads(), 'firstUs': first, 'steadyUs': steady,
                      'firstCpuUs': first_cpu, 'steadyCpuUs': steady_cpu, 'steadyFaults': faults}))


if __name__ == '__main__':
    main()
