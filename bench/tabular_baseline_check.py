"""scikit-learn's k-NN distance and PCA reconstruction error on the splits bench/tabular-baseline-check.ts wrote,
beside ours, plus PyOD's PCA score (all components, squared projections over the explained variance ratio) and the
duplicated anomalies in the contaminated training part. Needs Debian python3-sklearn (a check, not for CI).
Run: /usr/bin/python3 bench/tabular_baseline_check.py
"""
import glob, json, os
import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '.cache', 'tabular-check')
for path in sorted(glob.glob(os.path.join(DIR, '*.json'))):
    d = json.load(open(path)); f = d['features']
    tr = np.array(d['train']).reshape(-1, f); te = np.array(d['test']).reshape(-1, f)
    ytr = np.array(d['trainY']); y = np.array(d['testY'])
    knn = NearestNeighbors(n_neighbors=5).fit(tr).kneighbors(te)[0][:, -1]
    p = PCA(0.9).fit(tr); rec = ((te - p.inverse_transform(p.transform(te))) ** 2).sum(1)
    pa = PCA().fit(tr); proj = (te - pa.mean_) @ pa.components_.T
    pyod = (proj ** 2 / (pa.explained_variance_ratio_ + 1e-12)).sum(1)
    key = lambda r: tuple(np.round(r, 5))
    train_anom = {key(r) for r in tr[ytr == 1]}
    copies = np.mean([key(r) in train_anom for r in te[y == 1]])
    print(f"{os.path.basename(path)[:-5]}: k-NN sklearn {roc_auc_score(y, knn):.4f} (max |ours - sklearn| {np.abs(knn - np.array(d['knn'])).max():.1e}), "
          f"PCA-90% sklearn {roc_auc_score(y, rec):.4f} (max |diff| {np.abs(rec - np.array(d['pca'])).max():.1e}), PyOD-style PCA {roc_auc_score(y, pyod):.4f}; "
          f"training anomalies {int((ytr == 1).sum())} rows, {len(train_anom)} distinct; test anomalies with an exact copy among them {copies:.2f}; "
          f"5th-neighbour distance 0: anomalies {np.mean(knn[y == 1] == 0):.2f}, normals {np.mean(knn[y == 0] == 0):.2f}")
