"""PyTorch side of bench/profile/video3d-b1-kernels.ts: the official 3D video net's eight (transposed) convolutions at
batch 1 (bench/video_speed_torch.py's MemAE3D without memory, eval mode), each with its batch norm and LeakyReLU as
PyTorch's model runs them, CPU us per call (median of --rounds chunks), one block at a time and the whole forward.
--ops prints torch.profiler's table (which ATen kernel each layer dispatches to).
  /usr/bin/python3 bench/profile/video3d_b1_kernels_torch.py [--calls 5] [--rounds 5] [--threads 1] [--ops]
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from torch_setup import pin_malloc  # noqa: E402  (before torch)
import torch  # noqa: E402

pin_malloc()
from video_speed_torch import MemAE3D  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--calls', type=int, default=5)
p.add_argument('--rounds', type=int, default=5)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--ops', action='store_true')
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)
m = MemAE3D(memory=False).eval()
mods = list(m.encoder) + list(m.decoder)
# blocks: each (transposed) convolution with the batch norm and LeakyReLU after it
blocks, cur = [], []
for mod in mods:
    if isinstance(mod, (torch.nn.Conv3d, torch.nn.ConvTranspose3d)) and cur:
        blocks.append(torch.nn.Sequential(*cur))
        cur = []
    cur.append(mod)
blocks.append(torch.nn.Sequential(*cur))
x = torch.rand(1, 1, 16, 64, 64)
tasks, h = [], x
with torch.no_grad():
    for b in blocks:
        c = b[0]
        kind = 'convT' if isinstance(c, torch.nn.ConvTranspose3d) else 'conv'
        name = f'{kind} {h.shape[2]}x{h.shape[3]}x{h.shape[4]}x{h.shape[1]}->{c.out_channels}'
        tasks.append((name, (lambda b=b, h=h: b(h))))
        h = b(h)
    tasks.append(('sequence (8 layers)', lambda: m(x)))
    per = {n: [] for n, _ in tasks}
    for _, f in tasks:
        f(), f()
    for _ in range(a.rounds):
        for n, f in tasks:
            f()
            c0 = time.process_time()
            for _ in range(a.calls):
                f()
            per[n].append((time.process_time() - c0) / a.calls * 1e6)
    if a.ops:
        from torch.profiler import profile, ProfilerActivity
        with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
            for _ in range(a.calls):
                m(x)
        print(prof.key_averages(group_by_input_shape=True).table(sort_by='self_cpu_time_total', row_limit=24))
med = {n: sorted(v)[len(v) // 2] for n, v in per.items()}
for n, v in med.items():
    print(f'{n:28s} {v:9.0f}')
print(json.dumps({'side': 'pytorch', 'model': 'video3d', 'batch': 1, 'threads': torch.get_num_threads(), 'us': med}))
