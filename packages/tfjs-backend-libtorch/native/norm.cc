// Batch normalization with given statistics (tfjs FusedBatchNorm) and its gradient in one call; training-mode batch
// norm with the batch's statistics and its gradient through them (memae's BatchNorm layer).
// Parameters (mean, variance, offset, scale) broadcast against x, usually as [C] on NHWC.
#include <ATen/ExpandUtils.h>
#include "core.h"
#include "loops.h"
#include "transpose.h"
#include <cmath>
#include <vector>

using namespace ltb;

namespace {

// What ATen's training batch norm runs on, for x [N, s..., C] (channels last in tfjs' order): the [N, C, s...] view
// where that is dense memory (a 3D convolution's result is NCDHW memory), else the dense [N * s..., C] matrix
// (channels innermost). Its CPU kernels are fast on dense operands and many times slower on other strides (a
// channels_last_3d view: 35 ms instead of 3 for a 1x16x32x32x96 gradient), so dy is brought to x's form.
struct BnLayout {
  bool second;  // the [N, C, s...] view; else [M, C]
  std::vector<int64_t> shape;  // x's tfjs shape
  at::Tensor in(const at::Tensor& t) const {
    return second ? contiguousFast(channelsFirstView(t)) : t.contiguous().view({-1, t.size(-1)});
  }
  at::Tensor out(const at::Tensor& y) const { return second ? channelsLastView(y) : y.view(shape); }
};
BnLayout bnLayout(const at::Tensor& x) {
  return {x.dim() > 2 && channelsFirstView(x).is_contiguous(), x.sizes().vec()};
}

int reg() {
  // batchNorm(x, mean, variance, offsetId|0, scaleId|0, eps) -> id: y = (x - mean) * rsqrt(var + eps) * scale + offset
  def("batchNorm", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    const auto& mean = T(info, 1);
    const auto& var = T(info, 2);
    auto offset = OT(info, 3), scale = OT(info, 4);
    double eps = D(info, 5);
    // Parameters per channel of an NHWC x (tf.layers): a and b per channel, then one loop
    // (loops.h channelAffine), same formula as below.
    bool perChannel = channelVector(mean, x) && channelVector(var, x) && (!offset.defined() || channelVector(offset, x)) &&
                      (!scale.defined() || channelVector(scale, x));
    if (perChannel) {
      int64_t C = x.size(-1);
      auto m = mean.contiguous(), v = var.contiguous();
      at::Tensor o = offset.defined() ? offset.contiguous() : at::Tensor(), s = scale.defined() ? scale.contiguous() : at::Tensor();
      std::vector<float> a(C), b(C);
      for (int64_t c = 0; c < C; ++c) {
        float ac = 1.0f / std::sqrt(v.data_ptr<float>()[c] + static_cast<float>(eps));
        if (s.defined()) ac *= s.data_ptr<float>()[c];
        a[c] = ac;
        b[c] = -m.data_ptr<float>()[c] * ac + (o.defined() ? o.data_ptr<float>()[c] : 0.0f);
      }
      auto y = channelAffine(x, a.data(), b.data());
      if (y.defined()) return R(info, y);
    }
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
    // (A hand-written single-pass loop measured slower than these AVX2 ATen kernels: docs/engine.md.)
    auto sumDy = at::sum_to(dy, p);
    auto sumDyXm = at::sum_to(dy * (x - mean), p);
    auto dx = dy * s;
    std::vector<at::Tensor> r = {
        dx,
        at::sum_to(-s * sumDy, mean.sizes()),
        at::sum_to(-0.5 * inv * inv * s * sumDyXm, var.sizes()),
    };
    if (scale.defined()) r.push_back(at::sum_to(inv * sumDyXm, scale.sizes()));
    r.push_back(at::sum_to(sumDy, mean.sizes()));
    return RN(info, r);
  });

  // batchNormTrain(x, scale, offset, eps) -> [y, mean, variance]: training-mode batch norm of x [N, ..., C] with the
  // batch's own statistics over every axis but the last (biased variance), in ATen's training kernel on the
  // [N, C, ...] view (one pass for the statistics, one to normalise), the layout of x kept.
  def("batchNormTrain", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    const auto& scale = T(info, 1);
    const auto& offset = T(info, 2);
    double eps = D(info, 3);
    auto L = bnLayout(x);
    auto r = at::native_batch_norm(L.in(x), scale, offset, {}, {}, true, 0.0, eps);
    auto invstd = std::get<2>(r);
    // the kernel keeps 1 / sqrt(var + eps): var back from it (relative error ~1e-7 of var + eps)
    auto var = at::clamp_min(invstd.pow(-2) - eps, 0);
    return RN(info, {L.out(std::get<0>(r)), std::get<1>(r), var});
  });
  // batchNormTrainGrad(dy, x, mean, variance, scale, eps) -> [dx, dscale, doffset]: the gradient of batchNormTrain's y,
  // through the batch statistics too (ATen's training batch-norm backward).
  def("batchNormTrainGrad", [](const Napi::CallbackInfo& info) {
    const auto& dy = T(info, 0);
    const auto& x = T(info, 1);
    const auto& mean = T(info, 2);
    const auto& var = T(info, 3);
    const auto& scale = T(info, 4);
    double eps = D(info, 5);
    auto L = bnLayout(x);
    auto r = at::native_batch_norm_backward(L.in(dy), L.in(x), scale, {}, {}, mean, at::rsqrt(var + eps), true, eps, {true, true, true});
    return RN(info, {L.out(std::get<0>(r)), std::get<1>(r), std::get<2>(r)});
  });
  return 0;
}
int registered = reg();

}  // namespace
