#!/usr/bin/python3
"""Reference values for memae's metrics from scikit-learn and numpy (Debian python3-sklearn).

Writes packages/memae/test/fixtures/metrics.json. Run: /usr/bin/python3 scripts/metric_fixtures.py
Cases: random scores (continuous, and rounded to force many ties), a few hand-made edge cases.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.metrics import (average_precision_score, precision_recall_curve, precision_recall_fscore_support,
                             roc_auc_score, roc_curve)

rng = np.random.default_rng(20260522)
cases = []


def add(name, y, s):
    y = np.asarray(y, dtype=int)
    s = np.asarray(s, dtype=float)
    fpr, tpr, th = roc_curve(y, s)  # drop_intermediate=True (the default)
    p, r, pth = precision_recall_curve(y, s)
    thr = float(np.percentile(s, 80))
    pred = (s > thr).astype(int)
    P, R, F, _ = precision_recall_fscore_support(y, pred, average='binary', zero_division=0)
    cases.append({
        'name': name,
        'labels': y.tolist(),
        'scores': s.tolist(),
        'auroc': float(roc_auc_score(y, s)),
        'ap': float(average_precision_score(y, s)),
        'roc': {'fpr': fpr.tolist(), 'tpr': tpr.tolist(), 'thresholds': th[1:].tolist()},
        'pr': {'precision': p.tolist(), 'recall': r.tolist(), 'thresholds': pth.tolist()},
        'percentiles': {str(q): float(np.percentile(s, q)) for q in (0, 5, 33.3, 50, 80, 95, 99, 100)},
        'at80': {'threshold': thr, 'precision': float(P), 'recall': float(R), 'f1': float(F)},
    })


for n, pos in ((10, 0.3), (57, 0.5), (300, 0.2), (1000, 0.1)):
    y = (rng.random(n) < pos).astype(int)
    y[0], y[1] = 0, 1
    s = rng.normal(size=n) + 1.2 * y
    add(f'continuous n={n}', y, s)
    add(f'ties n={n}', y, np.round(s, 0))
add('all tied', [0, 1, 0, 1, 1], [0.5] * 5)
add('perfect', [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
add('inverted', [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])
add('sklearn doc example', [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])

out = os.path.join(os.path.dirname(__file__), '..', 'packages', 'memae', 'test', 'fixtures', 'metrics.json')
with open(out, 'w') as f:
    json.dump({'generator': f'scripts/metric_fixtures.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}',
               'cases': cases}, f)
print(f'wrote {len(cases)} cases to {os.path.normpath(out)}')
