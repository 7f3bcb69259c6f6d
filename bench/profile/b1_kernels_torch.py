"""PyTorch side of bench/profile/b1-kernels.ts: the reference model's (--model ref) or the CIFAR AE's convolutions (NCHW, as PyTorch's model runs
them), CPU us per call (median of --rounds chunks), one layer at a time and the 6-layer sequence.
  /usr/bin/python3 bench/profile/b1_kernels_torch.py [--batch 1] [--calls 500] [--rounds 5] [--threads 1] [--model ref]
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from torch_setup import pin_malloc  # noqa: E402  (before torch)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

pin_malloc()
p = argparse.ArgumentParser()
p.add_argument('--batch', type=int, default=1)
p.add_argument('--calls', type=int, default=500)
p.add_argument('--rounds', type=int, default=5)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--model', default='ref', choices=['ref', 'cifar'])
a = p.parse_args()
torch.set_num_threads(a.threads)
N = a.batch
layers = []
size, enc, dec = (32, [3, 64, 128, 128, 256], [256, 256, 128, 128, 3]) if a.model == 'cifar' else (28, [1, 16, 32, 64], [64, 32, 16, 1])
h = size
for ci, co in zip(enc, enc[1:]):
    w, b = torch.randn(co, ci, 3, 3), torch.randn(co)
    layers.append((f'conv {h}x{h}x{ci}->{co}', (N, ci, h, h), lambda x, w=w, b=b: F.leaky_relu(F.conv2d(x, w, b, 2, 1), 0.2)))
    h = (h + 1) // 2
for ci, co in zip(dec, dec[1:]):
    w = torch.randn(ci, co, 3, 3)
    layers.append((f'convT {h}x{h}x{ci}->{co}', (N, ci, h, h), lambda x, w=w: F.conv_transpose2d(x, w, None, 2, 1, 1)))
    h *= 2


def cpu_per_call(f):
    for _ in range(50):
        f()
    per = []
    for _ in range(a.rounds):
        c0 = time.process_time()
        for _ in range(a.calls):
            f()
        per.append((time.process_time() - c0) / a.calls * 1e6)
    return sorted(per)[a.rounds // 2]


row = {}
with torch.inference_mode():
    inputs = [torch.randn(*s) for _, s, _ in layers]
    for (name, _, f), x in zip(layers, inputs):
        row[name] = cpu_per_call(lambda f=f, x=x: f(x))

    def seq():
        x = inputs[0]
        for _, _, f in layers:
            x = f(x)
    row[f'sequence ({len(layers)} layers)'] = cpu_per_call(seq)
for k, v in row.items():
    print(f'{k:24} {v:.1f} us')
print(json.dumps({'side': 'pytorch', 'model': a.model, 'batch': N, **row}))
