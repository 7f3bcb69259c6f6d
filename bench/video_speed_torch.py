"""PyTorch reference speed of the official MemAE 3D-conv architecture (clips/s), for bench/video-speed.ts.

The architecture follows docs (method.md): encoder Conv3d 1->96 (stride 1,2,2), 96->128, 128->256, 256->256 (stride 2),
memory N=2000 x C=256 (dot-product addressing, hard shrinkage 0.0025, entropy loss 0.0002), decoder ConvTranspose3d
256->256->128->96 (stride 2, output_padding 1), 96->1 (stride 1,2,2, output_padding 0,1,1); BN + LeakyReLU(0.2).
Written here from that description. Run with Debian's python3-torch: /usr/bin/python3 bench/video_speed_torch.py
Prints one JSON object.
"""
import argparse
import json
import time

from torch_setup import pin_malloc  # noqa: E402  (before torch: it sets OpenBLAS threads)
import torch


MALLOC = pin_malloc()  # every process in PyTorch's fast allocation mode (torch_setup.py)
import torch.nn as nn
import torch.nn.functional as F


def block(conv, cout):
    return [conv, nn.BatchNorm3d(cout), nn.LeakyReLU(0.2, inplace=True)]


class Memory(nn.Module):
    def __init__(self, slots, dim, shrink):
        super().__init__()
        bound = 1.0 / dim ** 0.5
        self.weight = nn.Parameter(torch.empty(slots, dim).uniform_(-bound, bound))
        self.shrink = shrink

    def forward(self, z):
        b, c, d, h, w = z.shape
        q = z.permute(0, 2, 3, 4, 1).reshape(-1, c)
        att = F.softmax(q @ self.weight.t(), dim=1)
        if self.shrink > 0:
            shifted = att - self.shrink
            att = F.relu(shifted) * att / (shifted.abs() + 1e-12)
            att = att / att.sum(dim=1, keepdim=True).clamp_min(1e-12)
        out = (att @ self.weight).reshape(b, d, h, w, c).permute(0, 4, 1, 2, 3)
        return out, att


class MemAE3D(nn.Module):
    def __init__(self, memory=True, slots=2000, shrink=0.0025, widths=(96, 128, 256, 256)):
        super().__init__()
        k = dict(kernel_size=3, padding=1)
        c1, c2, c3, c4 = widths
        self.encoder = nn.Sequential(
            *block(nn.Conv3d(1, c1, stride=(1, 2, 2), **k), c1),
            *block(nn.Conv3d(c1, c2, stride=2, **k), c2),
            *block(nn.Conv3d(c2, c3, stride=2, **k), c3),
            *block(nn.Conv3d(c3, c4, stride=2, **k), c4),
        )
        self.memory = Memory(slots, c4, shrink) if memory else None
        self.decoder = nn.Sequential(
            *block(nn.ConvTranspose3d(c4, c3, stride=2, output_padding=1, **k), c3),
            *block(nn.ConvTranspose3d(c3, c2, stride=2, output_padding=1, **k), c2),
            *block(nn.ConvTranspose3d(c2, c1, stride=2, output_padding=1, **k), c1),
            nn.ConvTranspose3d(c1, 1, stride=(1, 2, 2), output_padding=(0, 1, 1), **k),
        )

    def forward(self, x):
        z = self.encoder(x)
        att = None
        if self.memory is not None:
            z, att = self.memory(z)
        return self.decoder(z), att


def entropy(att):
    return (-att * torch.log(att + 1e-12)).sum(dim=1).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mode', choices=['train', 'score'], default='train')
    ap.add_argument('--size', type=int, default=128)
    ap.add_argument('--frames', type=int, default=16)
    ap.add_argument('--batch', type=int, default=2)
    ap.add_argument('--steps', type=int, default=3, help='timed steps after one warm-up step')
    ap.add_argument('--variant', choices=['ae', 'memae'], default='memae')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--widths', default='96,128,256,256', help='encoder widths (official: 96,128,256,256)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    widths = tuple(int(w) for w in a.widths.split(','))
    model = MemAE3D(memory=a.variant == 'memae', widths=widths)
    x = torch.rand(a.batch, 1, a.frames, a.size, a.size) * 2 - 1
    if a.mode == 'train':
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-4)

        def step():
            opt.zero_grad()
            rec, att = model(x)
            loss = F.mse_loss(rec, x) + (0.0002 * entropy(att) if att is not None else 0)
            loss.backward()
            opt.step()
    else:
        model.eval()

        def step():
            with torch.no_grad():
                rec, _ = model(x)
                torch.sqrt(((rec - x) ** 2).sum(dim=1)).flatten(1).mean(dim=1).tolist()

    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    sec = time.perf_counter() - t0
    print(json.dumps({
        'engine': 'pytorch', 'torch': torch.__version__, 'threads': torch.get_num_threads(), 'mode': a.mode,
        'variant': a.variant, 'widths': list(widths), 'clip': [a.frames, a.size, a.size], 'batch': a.batch, 'steps': a.steps,
        'seconds': sec, 'clipsPerSec': a.batch * a.steps / sec,
    }))


if __name__ == '__main__':
    main()
