// Fused optimizer updates: one call updates every variable of a model in place.
// tfjs' AdamOptimizer issues about 14 kernels (and scalar uploads) per variable; this is one
// pass per variable over (param, m, v, grad), with tfjs' float32 formula and rounding order.
#include <ATen/Parallel.h>
#include <cmath>
#include "core.h"

using namespace ltb;

namespace {

// The slot's tensor, made safe to update in place: float32, contiguous and the only user of its
// storage (a tensor that shares storage with another id, e.g. a view, is replaced by a copy).
at::Tensor& owned(int32_t id) {
  auto& t = mut(id);
  if (t.scalar_type() != at::kFloat) throw std::runtime_error("adamUpdate: variables must be float32");
  if (!t.is_contiguous() || t.storage().use_count() != 1) t = t.clone(at::MemoryFormat::Contiguous);
  noteInPlaceWrite();
  return t;
}

int32_t idAt(const Napi::Array& a, uint32_t k) { return a.Get(k).As<Napi::Number>().Int32Value(); }

int reg() {
  // adamUpdate(params[], grads[], m[], v[], accBeta1, accBeta2, learningRate, beta1, beta2, epsilon)
  // tfjs' Adam, per element, every operation rounded to float32 as tfjs' kernels do:
  //   m = m*b1 + g*(1-b1); v = v*b2 + g*g*(1-b2)
  //   p = (m/(1-accBeta1)) / (sqrt(v/(1-accBeta2)) + eps) * -lr + p
  // then accBeta1 *= b1, accBeta2 *= b2. Everything is updated in place; returns undefined.
  def("adamUpdate", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto ps = info[0].As<Napi::Array>(), gs = info[1].As<Napi::Array>();
    auto ms = info[2].As<Napi::Array>(), vs = info[3].As<Napi::Array>();
    uint32_t n = ps.Length();
    if (gs.Length() != n || ms.Length() != n || vs.Length() != n) throw std::runtime_error("adamUpdate: list lengths differ");
    auto& acc1 = owned(info[4].As<Napi::Number>().Int32Value());
    auto& acc2 = owned(info[5].As<Napi::Number>().Int32Value());
    // tfjs uploads each JS number as a float32 scalar; 1 - beta is computed in double first.
    const float nlr = static_cast<float>(-D(info, 6));
    const double b1d = D(info, 7), b2d = D(info, 8);
    const float b1 = static_cast<float>(b1d), b2 = static_cast<float>(b2d);
    const float c1 = static_cast<float>(1.0 - b1d), c2 = static_cast<float>(1.0 - b2d);
    const float eps = static_cast<float>(D(info, 9));
    float* a1 = acc1.data_ptr<float>();
    float* a2 = acc2.data_ptr<float>();
    const float bc1 = 1.0f - *a1, bc2 = 1.0f - *a2;
    for (uint32_t k = 0; k < n; ++k) {
      auto& p = owned(idAt(ps, k));
      auto& m = owned(idAt(ms, k));
      auto& v = owned(idAt(vs, k));
      auto g = get(idAt(gs, k));
      if (g.scalar_type() != at::kFloat || g.numel() != p.numel() || m.numel() != p.numel() || v.numel() != p.numel()) {
        throw std::runtime_error("adamUpdate: a gradient or moment does not match its variable");
      }
      g = g.contiguous();
      const float* pg = g.data_ptr<float>();
      float* pp = p.data_ptr<float>();
      float* pm = m.data_ptr<float>();
      float* pv = v.data_ptr<float>();
      at::parallel_for(0, p.numel(), 65536, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
          const float gi = pg[i];
          const float mi = pm[i] * b1 + gi * c1;
          const float vi = pv[i] * b2 + (gi * gi) * c2;
          pm[i] = mi;
          pv[i] = vi;
          const float mh = mi / bc1, vh = vi / bc2;
          pp[i] = (mh / (std::sqrt(vh) + eps)) * nlr + pp[i];
        }
      });
    }
    *a1 = *a1 * b1;
    *a2 = *a2 * b2;
    return info.Env().Undefined();
  }, Replay::Barrier);
  return 0;
}
int registered = reg();

}  // namespace
