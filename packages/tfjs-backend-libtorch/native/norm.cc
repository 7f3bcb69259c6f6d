// Batch normalization with given statistics (tfjs FusedBatchNorm) and its gradient in one call.
// Parameters (mean, variance, offset, scale) broadcast against x, usually as [C] on NHWC.
#include <ATen/ExpandUtils.h>
#include <ATen/Parallel.h>
#include <mutex>
#include "core.h"

using namespace ltb;

namespace {

// Fast path of batchNormGrad for the common case (float, dy and x contiguous with the same shape,
// per-channel [C] parameters on the last axis): one pass accumulates both channel sums, one pass
// writes dx. ATen ops take six passes and two temporaries.
bool channelSums(const at::Tensor& dy, const at::Tensor& x, const at::Tensor& mean, at::Tensor& sumDy, at::Tensor& sumDyXm) {
  if (dy.scalar_type() != at::kFloat || x.scalar_type() != at::kFloat || mean.scalar_type() != at::kFloat) return false;
  if (!dy.is_contiguous() || !x.is_contiguous() || dy.sizes() != x.sizes() || x.dim() < 1) return false;
  int64_t c = x.size(-1);
  if (mean.dim() != 1 || mean.size(0) != c) return false;
  int64_t rows = x.numel() / c;
  auto m = mean.contiguous();
  const float* pdy = dy.data_ptr<float>();
  const float* px = x.data_ptr<float>();
  const float* pm = m.data_ptr<float>();
  std::vector<double> a(c, 0.0), b(c, 0.0);
  std::mutex mu;
  at::parallel_for(0, rows, std::max<int64_t>(1, 16384 / c), [&](int64_t r0, int64_t r1) {
    std::vector<float> la(c, 0.f), lb(c, 0.f);
    for (int64_t r = r0; r < r1; ++r) {
      const float* d = pdy + r * c;
      const float* v = px + r * c;
      for (int64_t k = 0; k < c; ++k) {
        la[k] += d[k];
        lb[k] += d[k] * (v[k] - pm[k]);
      }
    }
    std::lock_guard<std::mutex> g(mu);
    for (int64_t k = 0; k < c; ++k) {
      a[k] += la[k];
      b[k] += lb[k];
    }
  });
  sumDy = at::empty({c}, x.options());
  sumDyXm = at::empty({c}, x.options());
  for (int64_t k = 0; k < c; ++k) {
    sumDy.data_ptr<float>()[k] = static_cast<float>(a[k]);
    sumDyXm.data_ptr<float>()[k] = static_cast<float>(b[k]);
  }
  return true;
}

// dy * s with s per channel (last axis), dy contiguous float.
at::Tensor scaleChannels(const at::Tensor& dy, const at::Tensor& s) {
  auto out = at::empty_like(dy);
  int64_t c = s.numel(), n = dy.numel();
  auto sc = s.contiguous();
  const float* pdy = dy.data_ptr<float>();
  const float* ps = sc.data_ptr<float>();
  float* po = out.data_ptr<float>();
  at::parallel_for(0, n / c, std::max<int64_t>(1, 32768 / c), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      for (int64_t k = 0; k < c; ++k) po[r * c + k] = pdy[r * c + k] * ps[k];
  });
  return out;
}

int reg() {
  // batchNorm(x, mean, variance, offsetId|0, scaleId|0, eps) -> id: y = (x - mean) * rsqrt(var + eps) * scale + offset
  def("batchNorm", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    const auto& mean = T(info, 1);
    const auto& var = T(info, 2);
    auto offset = OT(info, 3), scale = OT(info, 4);
    double eps = D(info, 5);
    // Fold into y = x * a + b with per-parameter a, b: one pass over x.
    auto a = at::rsqrt(var + eps);
    if (scale.defined()) a = a * scale;
    auto b = -mean * a;
    if (offset.defined()) b = b + offset;
    return R(info, at::addcmul(b, x, a));
  });
  // batchNormGrad(dy, x, mean, variance, scaleId|0, eps) -> [dx, dmean, dvariance, (dscale,) doffset]
  // (tfjs' gradient, which treats mean and variance as inputs of their own; dscale only with a
  // scale; doffset has the shape of mean, as in tfjs).
  def("batchNormGrad", [](const Napi::CallbackInfo& info) {
    const auto& dy = T(info, 0);
    const auto& x = T(info, 1);
    const auto& mean = T(info, 2);
    const auto& var = T(info, 3);
    auto scale = OT(info, 4);
    double eps = D(info, 5);
    auto p = at::infer_size(mean.sizes(), var.sizes());
    if (scale.defined()) p = at::infer_size(p, scale.sizes());
    auto inv = at::rsqrt(var + eps);
    auto s = scale.defined() ? inv * scale : inv;
    // The two reductions over x's batch positions.
    at::Tensor sumDy, sumDyXm, dx;
    bool fast = p.size() == 1 && channelSums(dy, x, mean, sumDy, sumDyXm) && s.dim() == 1;
    if (fast) {
      dx = scaleChannels(dy, s);
    } else {
      sumDy = at::sum_to(dy, p);
      sumDyXm = at::sum_to(dy * (x - mean), p);
      dx = dy * s;
    }
    std::vector<at::Tensor> r = {
        dx,
        at::sum_to(-s * sumDy, mean.sizes()),
        at::sum_to(-0.5 * inv * inv * s * sumDyXm, var.sizes()),
    };
    if (scale.defined()) r.push_back(at::sum_to(inv * sumDyXm, scale.sizes()));
    r.push_back(at::sum_to(sumDy, mean.sizes()));
    return RN(info, r);
  });
  return 0;
}
int registered = reg();

}  // namespace
