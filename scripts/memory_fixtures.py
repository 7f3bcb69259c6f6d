#!/usr/bin/python3
"""Reference fixtures for memae's memory module, computed with PyTorch from the official MemAE formulas
(donggong1/memae-anomaly-detection, models/memory_module.py and models/entropy_loss.py, re-typed here).

Run with Debian's python3-torch:  /usr/bin/python3 scripts/memory_fixtures.py
Writes packages/memae/test/fixtures/memory.json. Arrays are flat, row-major, in tfjs layout
(channels last): queries [B, (D,) (H,) W, C] or [B, C]; weights [B, ..., N]; memory [N, C].
Scalar objective for the gradients: L = sum(z_hat * G) + 0.7 * entropy(w_hat), G a fixed array.
"""
import json
import os

import torch
import torch.nn.functional as F

EPS = 1e-12
torch.set_default_dtype(torch.float64)


def hard_shrink_relu(w, lambd, eps=EPS):
    # official: (F.relu(input - lambd) * input) / (torch.abs(input - lambd) + epsilon)
    return (F.relu(w - lambd) * w) / (torch.abs(w - lambd) + eps)


def memory_unit(z, mem, lambd, similarity):
    """z: [Q, C] queries, mem: [N, C]. Returns (z_hat [Q, C], w_hat [Q, N])."""
    if similarity == 'cosine':
        att = F.linear(F.normalize(z, dim=1, eps=EPS), F.normalize(mem, dim=1, eps=EPS))
    else:
        att = F.linear(z, mem)  # official: plain dot product
    att = F.softmax(att, dim=1)
    if lambd > 0:
        att = hard_shrink_relu(att, lambd)
        att = F.normalize(att, p=1, dim=1, eps=EPS)
    return F.linear(att, mem.t()), att


def mem_module(x, mem, lambd, similarity):
    """x in torch layout [B, C] / [B, C, H, W] / [B, C, D, H, W], as the official MemModule."""
    c = x.shape[1]
    if x.dim() == 2:
        y, att = memory_unit(x, mem, lambd, similarity)
        return y, att
    perm = [0] + list(range(2, x.dim())) + [1]  # channels last
    xl = x.permute(*perm).contiguous()
    y, att = memory_unit(xl.view(-1, c), mem, lambd, similarity)
    y = y.view(xl.shape)
    att = att.view(*xl.shape[:-1], mem.shape[0])
    return y, att  # channels last (tfjs layout); the official code permutes y back to channels first


def entropy_loss(att):
    n = att.shape[-1]
    w = att.reshape(-1, n)
    return (-(w * torch.log(w + EPS)).sum(dim=1)).mean()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(name, torch_shape, slots, lambd, similarity, seed, scale):
    g = torch.Generator().manual_seed(seed)
    c = torch_shape[1]
    for attempt in range(100):
        x = (torch.rand(torch_shape, generator=g) * 2 - 1) * scale
        bound = 1 / c ** 0.5
        mem = (torch.rand(slots, c, generator=g) * 2 - 1) * bound * 3
        with torch.no_grad():
            _, att0 = mem_module(x, mem, 0.0, similarity)
        # keep the softmax weights away from the shrinkage kink so float32 vs float64 stays well conditioned
        if lambd == 0 or float((att0 - lambd).abs().min()) > 2e-3:
            break
    x.requires_grad_(True)
    mem.requires_grad_(True)
    y, att = mem_module(x, mem, lambd, similarity)
    gmul = torch.rand(y.shape, generator=g) * 2 - 1
    ent = entropy_loss(att)
    obj = (y * gmul).sum() + 0.7 * ent
    gx, gm = torch.autograd.grad(obj, [x, mem])
    perm = [0] + list(range(2, x.dim())) + [1] if x.dim() > 2 else [0, 1]
    tf_shape = list(x.permute(*perm).shape)
    return {
        'name': name, 'similarity': similarity, 'shrinkThreshold': lambd, 'slots': slots,
        'inputShape': tf_shape,
        'input': flat(x.permute(*perm)), 'memory': flat(mem), 'gradMultiplier': flat(gmul),
        'output': flat(y), 'weights': flat(att), 'weightsShape': list(att.shape), 'entropy': float(ent),
        'objective': float(obj), 'gradInput': flat(gx.permute(*perm)), 'gradMemory': flat(gm),
    }


def main():
    cases = []
    shapes = {'1d': ([4, 6], 10), '2d': ([2, 5, 3, 4], 8), '3d': ([2, 4, 2, 3, 3], 7)}
    seed = 1
    for dim, (shape, slots) in shapes.items():
        for similarity in ('dot', 'cosine'):
            for lambd in (0.0, 1.0 / slots):
                scale = 2.0 if similarity == 'dot' else 1.0
                name = f'{dim}-{similarity}-lambda{lambd:g}'
                cases.append(case(name, shape, slots, lambd, similarity, seed, scale))
                seed += 1
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'packages', 'memae', 'test', 'fixtures', 'memory.json')
    with open(out, 'w') as f:
        json.dump({'generator': 'scripts/memory_fixtures.py', 'torch': torch.__version__, 'objective': 'sum(z_hat * gradMultiplier) + 0.7 * entropy', 'cases': cases}, f)
    print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')


if __name__ == '__main__':
    main()
