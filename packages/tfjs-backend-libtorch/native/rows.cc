// Per-channel affine maps over NHWC tensors in one pass (channelAffine, loops.h): batch norm with
// given statistics (norm.cc) and bias add / per-channel scale (elementwise.cc). ATen's broadcasting
// kernels run a short inner loop per channel row here (C = 1..64) and take several calls for batch
// norm; this is one loop whose inner dimension the compiler vectorises, built for AVX2 and for
// plain x86-64 (the CPU picks at load time, GCC target_clones).
#include "core.h"
#include "loops.h"
#include <vector>

// The vectoriser needs more than -O2's cost model for a loop of unknown length.
#pragma GCC optimize("O3")

namespace ltb {

namespace {

bool enabled = true;

// len values of x into y, channels c = i % C; len is a multiple of C.
__attribute__((target_clones("avx2", "default")))
void affineRows(const float* __restrict x, float* __restrict y, int64_t len, int64_t C, const float* __restrict a, const float* __restrict b) {
  if (C == 1) {
    const float s = a[0], t = b[0];
    for (int64_t i = 0; i < len; ++i) y[i] = x[i] * s + t;
    return;
  }
  for (int64_t r = 0; r < len; r += C) {
    const float* __restrict xr = x + r;
    float* __restrict yr = y + r;
    for (int64_t c = 0; c < C; ++c) yr[c] = xr[c] * a[c] + b[c];
  }
}

}  // namespace

at::Tensor channelAffine(const at::Tensor& x, const float* a, const float* b) {
  if (!enabled) return {};
  int64_t C = x.dim() == 0 ? 1 : x.size(-1);
  std::vector<float> ones, zeros;
  if (!a) {
    ones.assign(C, 1.0f);
    a = ones.data();
  }
  if (!b) {
    zeros.assign(C, 0.0f);
    b = zeros.data();
  }
  return mapBlocks(x, [&](const float* in, float* out, int64_t len) { affineRows(in, out, len, C, a, b); });
}

namespace {
int reg() {
  // setChannelKernels(bool): the one-pass per-channel kernels on (default) or off (ATen's ops).
  def("setChannelKernels", [](const Napi::CallbackInfo& info) -> Napi::Value {
    enabled = B(info, 0);
    return info.Env().Undefined();
  });
  return 0;
}
int registered = reg();
}  // namespace

}  // namespace ltb
