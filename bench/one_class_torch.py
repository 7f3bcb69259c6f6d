"""One-class image protocol in PyTorch: the same networks as memae's image models, for recipe search and as a
reference implementation.

For each (recipe, class, seed): train on the class's training images (minus a held-out 10%), then report
  val_auroc  - held-out normal training images vs training images of the other classes (training split only),
  test_auroc - the test set, other classes anomalous (the paper's protocol).
Recipes are chosen on val_auroc, never on test_auroc. Every model is also scored the other ways in SCORE_KINDS
(by_score in the JSON: validation and test AUROC per score); a recipe's "score" key picks the one reported first.

  python3 bench/one_class_torch.py --data-dir DIR --data mnist --recipes '[{"name":"paper"}]' --out results.json
"""
import argparse, gzip, json, multiprocessing as mp, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir, name):
    p = lambda s: os.path.join(data_dir, f'{name}-{s}.gz')
    x_tr, y_tr = read_idx(p('train-images-idx3-ubyte')), read_idx(p('train-labels-idx1-ubyte'))
    x_te, y_te = read_idx(p('t10k-images-idx3-ubyte')), read_idx(p('t10k-labels-idx1-ubyte'))
    norm = lambda x: torch.from_numpy(x.astype(np.float32) / 127.5 - 1).unsqueeze(1)
    return norm(x_tr), torch.from_numpy(y_tr.astype(np.int64)), norm(x_te), torch.from_numpy(y_te.astype(np.int64))


DEFAULTS = dict(name='paper', enc=[16, 32, 64], slots=100, shrink=3 / 100, alpha=0.0002, variant='memae', memory='location',
                epochs=20, lr=1e-3, batch=64, score='mse', out_act='none', weight_decay=0.0, code=None, adam_eps=1e-8, shift=0)


class Memory(nn.Module):
    def __init__(self, slots, dim, shrink):
        super().__init__()
        b = 1 / dim ** 0.5
        self.m = nn.Parameter(torch.empty(slots, dim).uniform_(-b, b))
        self.shrink = shrink

    def forward(self, z):  # z: [Q, C]
        w = F.softmax(z @ self.m.t(), dim=1)
        if self.shrink > 0:
            w = F.relu(w - self.shrink) * w / (torch.abs(w - self.shrink) + 1e-12)
            w = w / torch.clamp(w.sum(1, keepdim=True), min=1e-12)
        return w @ self.m, w


class AE(nn.Module):
    def __init__(self, r):
        super().__init__()
        enc = r['enc']
        layers, c = [], 1
        for ch in enc:
            layers += [nn.Conv2d(c, ch, 3, 2, 1), nn.BatchNorm2d(ch), nn.LeakyReLU(0.2)]
            c = ch
        if r['code']:  # optional 1x1 bottleneck
            layers += [nn.Conv2d(c, r['code'], 1), nn.BatchNorm2d(r['code']), nn.LeakyReLU(0.2)]
            c = r['code']
        self.enc = nn.Sequential(*layers)
        self.variant, self.mode = r['variant'], r['memory']
        dim = c * 16 if self.mode == 'global' else c
        shrink = r['shrink'] if r['variant'] == 'memae' else 0.0
        self.mem = Memory(r['slots'], dim, shrink) if r['variant'] != 'ae' else None
        dec, widths = [], list(reversed(enc))[:-1] + [1]
        if r['code']:
            widths = list(reversed(enc))[:-1] + [1]
        for i, ch in enumerate(widths):
            dec.append(nn.ConvTranspose2d(c, ch, 3, 2, 1, output_padding=1))
            if i < len(widths) - 1:
                dec += [nn.BatchNorm2d(ch), nn.LeakyReLU(0.2)]
            c = ch
        self.dec = nn.Sequential(*dec)
        self.out_act = r['out_act']
        for mod in self.modules():
            if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(mod.weight, 0, 0.02); nn.init.zeros_(mod.bias)
            elif isinstance(mod, nn.BatchNorm2d):
                nn.init.normal_(mod.weight, 1, 0.02); nn.init.zeros_(mod.bias)

    def forward(self, x):
        z = self.enc(x)
        w = None
        self.code, self.read = z, z  # the encoder's code and what the decoder got (the memory read, if any)
        if self.mem is not None:
            b, c, h, wd = z.shape
            if self.mode == 'global':
                zq, w = self.mem(z.reshape(b, -1))
                z = zq.reshape(b, c, h, wd)
            else:
                zq, w = self.mem(z.permute(0, 2, 3, 1).reshape(-1, c))
                z = zq.reshape(b, h, wd, c).permute(0, 3, 1, 2)
            self.read = z
        y = self.dec(z)[:, :, :28, :28]
        if self.out_act == 'tanh':
            y = torch.tanh(y)
        return y, w


SCORE_KINDS = ['mse', 'l1', 'pool4-max', 'top5pct', 'latent', 'maxw', 'mse+latent']


def scores(model, x, bs=2000):
    """Every candidate anomaly score of the images x, one array per kind (larger = more anomalous)."""
    model.eval()
    out = {k: [] for k in SCORE_KINDS if k != 'mse+latent'}
    with torch.no_grad():
        for i in range(0, len(x), bs):
            xb = x[i:i + bs]
            y, w = model(xb)
            e = (y - xb) ** 2
            out['mse'].append(e.flatten(1).mean(1))
            out['l1'].append((y - xb).abs().flatten(1).mean(1))
            out['pool4-max'].append(F.avg_pool2d(e, 4, 1).flatten(1).max(1).values)
            k = max(1, e[0].numel() // 20)
            out['top5pct'].append(e.flatten(1).topk(k, 1).values.mean(1))
            out['latent'].append(((model.code - model.read) ** 2).flatten(1).mean(1))
            mw = w.max(1).values if w is not None else torch.zeros(len(xb), device=xb.device)
            if w is not None and model.mode != 'global':  # per-location weights: mean over the image's positions
                mw = mw.reshape(len(xb), -1).mean(1)
            out['maxw'].append(1 - mw)
    return {k: torch.cat(v).cpu().numpy() for k, v in out.items()}


def with_combined(s, ref):
    """Adds 'mse+latent': both scores standardised by their mean and std on normal training images (ref)."""
    z = lambda k: (s[k] - ref[k].mean()) / (ref[k].std() + 1e-12)
    return {**s, 'mse+latent': z('mse') + z('latent')}


def run_job(job):
    from sklearn.metrics import roc_auc_score
    r, cls, seed, data_dir, data, dev = job
    torch.manual_seed(seed); np.random.seed(seed)
    x_tr, y_tr, x_te, y_te = load(data_dir, data)
    g = torch.Generator().manual_seed(seed)
    idx = torch.nonzero(y_tr == cls).squeeze(1)
    idx = idx[torch.randperm(len(idx), generator=g)]
    n_val = len(idx) // 10
    val_n, tr_idx = idx[:n_val], idx[n_val:]
    other = torch.nonzero(y_tr != cls).squeeze(1)
    val_a = other[torch.randperm(len(other), generator=g)[:n_val * 4]]
    xt = x_tr[tr_idx].to(dev)
    model = AE(r).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=r['lr'], weight_decay=r['weight_decay'], eps=r['adam_eps'])
    t0 = time.time()
    alpha = r['alpha'] if r['variant'] == 'memae' else 0.0
    for ep in range(r['epochs']):
        model.train()
        perm = torch.randperm(len(xt), device=dev)
        for i in range(0, len(xt), r['batch']):
            xb = xt[perm[i:i + r['batch']]]
            if r['shift']:  # augmentation: the batch moved by up to `shift` pixels (one random offset per batch)
                dx, dy = (int(v) for v in torch.randint(-r['shift'], r['shift'] + 1, (2,)))
                xb = torch.roll(F.pad(xb, [r['shift']] * 4, value=-1), (dy, dx), (2, 3))[:, :, r['shift']:-r['shift'], r['shift']:-r['shift']]
            y, w = model(xb)
            loss = F.mse_loss(y, xb)
            if w is not None and alpha > 0:
                loss = loss + alpha * (-(w * torch.log(w + 1e-12)).sum(1)).mean()
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    ref = scores(model, xt[:2000])
    s_vn = with_combined(scores(model, x_tr[val_n].to(dev)), ref)
    s_va = with_combined(scores(model, x_tr[val_a].to(dev)), ref)
    s_te = with_combined(scores(model, x_te.to(dev)), ref)
    y_val = np.r_[np.zeros(len(val_n)), np.ones(len(val_a))]
    y_test = (y_te != cls).numpy().astype(int)
    by_kind = {k: dict(val=roc_auc_score(y_val, np.r_[s_vn[k], s_va[k]]), test=roc_auc_score(y_test, s_te[k])) for k in SCORE_KINDS}
    return dict(recipe=r['name'], cls=cls, seed=seed, val_auroc=by_kind[r['score']]['val'], test_auroc=by_kind[r['score']]['test'],
                by_score=by_kind, val_loss=float(s_vn['mse'].mean()), seconds=time.time() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data-dir', required=True)
    ap.add_argument('--data', default='mnist')
    ap.add_argument('--recipes', default='[{}]')
    ap.add_argument('--classes', default='0,1,2,3,4,5,6,7,8,9')
    ap.add_argument('--seeds', default='0')
    ap.add_argument('--workers', type=int, default=8)
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--out', default='one-class-torch.json')
    a = ap.parse_args()
    recipes = [{**DEFAULTS, **r} for r in json.loads(a.recipes)]
    jobs = [(r, int(c), int(s), a.data_dir, a.data, a.device) for r in recipes for c in a.classes.split(',') for s in a.seeds.split(',')]
    ctx = mp.get_context('spawn')
    results = []
    with ctx.Pool(a.workers) as pool:
        for res in pool.imap_unordered(run_job, jobs):
            results.append(res)
            print(json.dumps(res), flush=True)
    print('\nrecipe                          val_mean  test_mean  (classes x seeds)')
    for r in recipes:
        rs = [x for x in results if x['recipe'] == r['name']]
        print(f"{r['name']:<30} {np.mean([x['val_auroc'] for x in rs]):.4f}    {np.mean([x['test_auroc'] for x in rs]):.4f}    {len(rs)}")
        for k in SCORE_KINDS:
            print(f"    score {k:<22} {np.mean([x['by_score'][k]['val'] for x in rs]):.4f}    {np.mean([x['by_score'][k]['test'] for x in rs]):.4f}")
    with open(a.out, 'w') as f:
        json.dump(dict(recipes=recipes, results=results), f, indent=1)


if __name__ == '__main__':
    main()
