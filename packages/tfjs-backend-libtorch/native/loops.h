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

}  // namespace ltb
