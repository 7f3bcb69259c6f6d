// Tiled batched 2D transpose for channel-order conversions (see transpose.h).
#include "transpose.h"
#include <ATen/Parallel.h>

namespace ltb {

namespace {

constexpr int64_t TILE = 32;

// out[n][a][b] = in[n][b][a] for n < N, a < A, b < B (both dense).
void transpose(const float* in, float* out, int64_t N, int64_t A, int64_t B) {
  int64_t ta = (A + TILE - 1) / TILE, tb = (B + TILE - 1) / TILE;
  at::parallel_for(0, N * ta * tb, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t n = t / (ta * tb), r = t % (ta * tb);
      int64_t a0 = (r / tb) * TILE, b0 = (r % tb) * TILE;
      int64_t a1 = std::min(A, a0 + TILE), b1 = std::min(B, b0 + TILE);
      const float* src = in + n * A * B;
      float* dst = out + n * A * B;
      for (int64_t a = a0; a < a1; ++a)
        for (int64_t b = b0; b < b1; ++b) dst[a * B + b] = src[b * A + a];
    }
  });
}

}  // namespace

at::Tensor transposedCopy(const at::Tensor& t) {
  if (t.scalar_type() != at::kFloat || t.is_contiguous() || t.numel() == 0) return {};
  // Logical dims without size-1 ones, adjacent ones merged where contiguous with each other.
  std::vector<int64_t> size, stride;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 1) continue;
    if (!size.empty() && stride.back() == t.stride(d) * t.size(d)) {
      size.back() *= t.size(d);
      stride.back() = t.stride(d);
    } else {
      size.push_back(t.size(d));
      stride.push_back(t.stride(d));
    }
  }
  int64_t N = 1, A, B;
  if (size.size() == 3) {
    N = size[0];
    A = size[1];
    B = size[2];
    if (stride[0] != A * B) return {};
    size.erase(size.begin());
    stride.erase(stride.begin());
  } else if (size.size() == 2) {
    A = size[0];
    B = size[1];
  } else {
    return {};
  }
  if (stride[0] != 1 || stride[1] != A) return {};
  auto out = at::empty(t.sizes(), t.options());
  // The memory starts at the lowest address the view touches: its data pointer (all strides >= 0).
  transpose(t.data_ptr<float>(), out.data_ptr<float>(), N, A, B);
  return out;
}

at::Tensor contiguousFast(const at::Tensor& t) {
  if (t.is_contiguous()) return t;
  auto r = transposedCopy(t);
  return r.defined() ? r : t.contiguous();
}

}  // namespace ltb
