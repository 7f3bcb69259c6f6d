"""glibc malloc settings for the PyTorch side of every speed benchmark (imported before any timing).

Why: with glibc's dynamic mmap threshold some PyTorch processes allocate their large temporaries (activations of a
batch, im2col buffers) with mmap and return them with munmap on every call, so every forward pays ~700 page faults
(zeroed pages) and runs ~5x slower than an identical process that keeps them in the heap: the "bimodal" PyTorch of
bench/results/inference-matrix-quick.md (2.7 vs 15 ms per batch of 64, same seed, same input). Fixing the
thresholds (as MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ would) gives every process the fast mode, so our
ratios are against PyTorch at its best. BENCH_TORCH_MALLOC=default keeps glibc's behaviour (to see the two modes).
"""
import ctypes
import os

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def pin_malloc() -> str:
    """Applies the fixed thresholds unless BENCH_TORCH_MALLOC=default; returns the mode for the JSON."""
    if os.environ.get('BENCH_TORCH_MALLOC') == 'default':
        return 'glibc-default'
    libc = ctypes.CDLL('libc.so.6')
    # 32 MiB is glibc's largest mmap threshold on 64-bit; freed heap memory is kept up to 256 MiB
    ok = libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 256 << 20)
    return 'pinned' if ok else 'glibc-default (mallopt failed)'
