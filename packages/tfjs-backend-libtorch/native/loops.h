// Single-pass elementwise loops for the common case of same-shape contiguous float tensors, where
// ATen would compose two or three passes with temporaries (gradient kernels).
#pragma once
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

namespace ltb {

// Same shape, same strides, dense memory (any dimension order, e.g. an NHWC view of NCHW memory).
inline bool plain(const at::Tensor& a, const at::Tensor& b) {
  return a.scalar_type() == at::kFloat && b.scalar_type() == at::kFloat && a.sizes() == b.sizes() &&
         a.strides() == b.strides() && a.is_non_overlapping_and_dense();
}

// f over the memory of a and b in storage order; the result has their strides.
template <typename F>
at::Tensor zipWith(const at::Tensor& a, const at::Tensor& b, F f) {
  auto out = at::empty_strided(a.sizes(), a.strides(), a.options());
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* po = out.data_ptr<float>();
  at::parallel_for(0, a.numel(), 32768, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) po[i] = f(pa[i], pb[i]);
  });
  return out;
}

// Per-channel parameter p of x (channels = x's last dimension, C): float32, C values, broadcasting
// against x as a trailing [C] (shape [C], [1, C], [1, 1, 1, C]...; any shape when C is 1).
inline bool channelVector(const at::Tensor& p, const at::Tensor& x) {
  if (p.scalar_type() != at::kFloat || x.dim() == 0 || p.dim() > x.dim()) return false;
  int64_t c = x.size(-1);
  if (p.numel() != c) return false;
  return c == 1 || p.size(-1) == c;
}

// Calls f(in, out, len) on dense blocks of x (float32) in storage order, writing a fresh
// contiguous result: the blocks are x's trailing dimensions that are dense together (the last one
// with stride 1), at most 3 dimensions outside them with any strides (e.g. an NHWC view cropped
// by narrow). Each block is a whole number of rows of the last dimension. Returns an undefined
// tensor when x does not have that form (the caller falls back to ATen). at::parallel_for splits
// the rows over libtorch's threads (the addon is built with -fopenmp, as libtorch: without it
// ATen's inline parallel_for runs serially).
template <typename F>
at::Tensor mapBlocks(const at::Tensor& x, F f) {
  if (x.scalar_type() != at::kFloat || x.dim() == 0) return {};
  int64_t d = x.dim() - 1;
  if (x.size(d) != 1 && x.stride(d) != 1) return {};
  int64_t inner = x.size(d);
  for (--d; d >= 0 && (x.size(d) == 1 || x.stride(d) == inner); --d) inner *= x.size(d);
  // More than 3 outer dimensions, or blocks so short that the per-block work dominates
  // (ATen's kernels are faster there: a 1-channel cropped view has blocks of one image row).
  if (d >= 3 || (inner < 128 && inner < x.numel())) return {};
  // Outer dimensions, padded to three.
  int64_t size[3] = {1, 1, 1}, stride[3] = {0, 0, 0};
  for (int64_t k = 0; k <= d; ++k) {
    size[3 - (d + 1) + k] = x.size(k);
    stride[3 - (d + 1) + k] = x.stride(k);
  }
  auto out = at::empty(x.sizes(), x.options());
  if (x.numel() == 0) return out;
  const float* px = x.data_ptr<float>();
  float* po = out.data_ptr<float>();
  // Parallel over rows of the last dimension (C values each), a chunk may span blocks.
  int64_t C = std::max<int64_t>(1, x.size(-1)), rowsPerBlock = inner / C;
  int64_t rows = size[0] * size[1] * size[2] * rowsPerBlock;
  at::parallel_for(0, rows, std::max<int64_t>(1, 32768 / C), [&](int64_t r0, int64_t r1) {
    while (r0 < r1) {
      int64_t b = r0 / rowsPerBlock, first = r0 - b * rowsPerBlock;
      int64_t n = std::min(r1 - r0, rowsPerBlock - first);
      int64_t i2 = b % size[2], q = b / size[2];
      int64_t i1 = q % size[1], i0 = q / size[1];
      f(px + i0 * stride[0] + i1 * stride[1] + i2 * stride[2] + first * C, po + r0 * C, n * C);
      r0 += n;
    }
  });
  return out;
}

// out = x * a[c] + b[c] over the channels c of x's last dimension (C = x.size(-1)); a or b may be
// null (1 and 0). One pass, vectorised (AVX2 where the CPU has it; rows.cc).
// Returns an undefined tensor when x does not suit mapBlocks or the one-pass kernels are switched
// off (setChannelKernels(false), for measurements).
at::Tensor channelAffine(const at::Tensor& x, const float* a, const float* b);

}  // namespace ltb
