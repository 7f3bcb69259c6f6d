"""Process settings for the PyTorch side of every speed benchmark. Import it before torch: it sets OpenBLAS's thread
count, which OpenBLAS reads when torch loads it.

malloc: with glibc's dynamic mmap threshold some PyTorch processes allocate their large temporaries (activations of a
batch, im2col buffers) with mmap and return them with munmap on every call, so every forward pays ~700 page faults
(zeroed pages) and runs ~5x slower than an identical process that keeps them in the heap: the "bimodal" PyTorch of
the first inference matrix (2.7 vs 15 ms per batch of 64, same seed, same input). Fixing the thresholds (as
MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ would) gives every process the fast mode.
BENCH_TORCH_MALLOC=default keeps glibc's behaviour (to see the two modes; inference_matrix_torch.py reports the faults).

OpenBLAS: Debian's PyTorch runs some kernels (ATen's slow transposed convolution, linear layers) through OpenBLAS,
whose own thread pool (one thread per core by default) runs inside PyTorch's OpenMP threads: on 2 cores the
reference model's batch of 64 took 8.5-11.7 ms per forward with torch.set_num_threads(2) and the default pool, against
3.1-4.5 ms with one OpenBLAS thread (2.9-3.0 ms at 1 torch thread, 5 ms with the default pool). One OpenBLAS thread
is PyTorch's fastest setting in every cell measured, so every speed ratio is taken against it.
BENCH_TORCH_OPENBLAS=N sets another count.
"""
import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

OPENBLAS = os.environ.get('BENCH_TORCH_OPENBLAS', '1')
os.environ['OPENBLAS_NUM_THREADS'] = OPENBLAS  # before torch loads OpenBLAS (this module is imported first)


def pin_malloc() -> str:
    """Applies the fixed thresholds unless BENCH_TORCH_MALLOC=default; returns the mode for the JSON."""
    if os.environ.get('BENCH_TORCH_MALLOC') == 'default':
        return 'glibc-default'
    libc = ctypes.CDLL('libc.so.6')
    # 32 MiB is glibc's largest mmap threshold on 64-bit; freed heap memory is kept up to 256 MiB
    ok = libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 256 << 20)
    return 'pinned' if ok else 'glibc-default (mallopt failed)'
