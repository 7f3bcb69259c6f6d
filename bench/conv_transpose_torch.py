# PyTorch's side of bench/profile/conv-transpose-micro.ts: the reference model's two decoder transposed convolutions
# (nn.ConvTranspose2d, NCHW, float32), alone and warm; prints JSON {name: median us per call}.
import json, sys, time
from torch_setup import pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
import torch.nn as nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)


def med(f, n=300):
    with torch.no_grad():
        for _ in range(50):
            f()
        t = []
        for _ in range(n):
            t0 = time.perf_counter()
            f()
            t.append(time.perf_counter() - t0)
    return sorted(t)[n // 2] * 1e6


x, x2 = torch.randn(64, 16, 16, 16), torch.randn(64, 32, 8, 8)
c1 = nn.ConvTranspose2d(16, 1, 3, 2, padding=1, output_padding=1)
c2 = nn.ConvTranspose2d(32, 16, 3, 2, padding=1, output_padding=1)
print(json.dumps({'16->1': med(lambda: c1(x)), '32->16': med(lambda: c2(x2))}))
