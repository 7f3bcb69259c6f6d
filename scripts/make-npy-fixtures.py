# Writes small .npy label files with NumPy itself, so the TypeScript .npy reader is tested on real NumPy output.
# Run: /usr/bin/python3 scripts/make-npy-fixtures.py
import numpy as np

out = 'packages/memae/test/video/fixtures/'
labels = np.array([0, 0, 1, 1, 1, 0, 0, 1], dtype=np.int64)
np.save(out + 'labels_int64.npy', labels)
np.save(out + 'labels_bool.npy', labels.astype(bool))
np.save(out + 'labels_f4_big.npy', labels.astype('>f4'))
np.save(out + 'labels_u1_row.npy', labels.astype(np.uint8).reshape(1, -1))
np.save(out + 'matrix_f8_fortran.npy', np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
np.save(out + 'labels_bad_values.npy', np.array([0, 2, 1], dtype=np.int32))
