// Fused optimizer updates: one call updates every variable of a model in place.
// tfjs' AdamOptimizer issues about 14 kernels (and scalar uploads) per variable; this is one
// pass per variable over (param, m, v, grad), with tfjs' float32 formula and rounding order.
#include <ATen/Parallel.h>
#include <cmath>
#include "core.h"
#include "replay.h"

using namespace ltb;

namespace {

// The slot's float32 tensor made safe to update in place (core.cc writable).
void own(int32_t id) {
  if (get(id).scalar_type() != at::kFloat) throw std::runtime_error("adamUpdate: variables must be float32");
  writable(id);
}

void ownAll(const Napi::Value& ids) {
  auto a = ids.As<Napi::Array>();
  for (uint32_t k = 0; k < a.Length(); ++k) own(a.Get(k).As<Napi::Number>().Int32Value());
}

// A tensor the update writes into: float32 and contiguous (own made it so; a replayed plan's constant stays so).
float* target(const at::Tensor& t) {
  if (t.scalar_type() != at::kFloat || !t.is_contiguous()) throw std::runtime_error("adamUpdate: a variable is not a contiguous float32 tensor");
  return t.data_ptr<float>();
}

int reg() {
  // adamUpdate(params[], grads[], m[], v[], accBeta1, accBeta2, learningRate, beta1, beta2, epsilon)
  // tfjs' Adam, per element, every operation rounded to float32 as tfjs' kernels do:
  //   m = m*b1 + g*(1-b1); v = v*b2 + g*g*(1-b2)
  //   p = (m/(1-accBeta1)) / (sqrt(v/(1-accBeta2)) + eps) * -lr + p
  // then accBeta1 *= b1, accBeta2 *= b2. Everything is updated in place; returns undefined. A recorded training step
  // replays it (Replay::InPlace) on the same tensors, with the learning rate as the plan's parameter (P).
  def("adamUpdate", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!rp::playing) {
      for (size_t k : {0, 2, 3}) ownAll(info[k]);
      own(info[4].As<Napi::Number>().Int32Value());
      own(info[5].As<Napi::Number>().Int32Value());
    }
    auto ps = TS(info, 0), gs = TS(info, 1), ms = TS(info, 2), vs = TS(info, 3);
    const size_t n = ps.size();
    if (gs.size() != n || ms.size() != n || vs.size() != n) throw std::runtime_error("adamUpdate: list lengths differ");
    float* a1 = target(T(info, 4));
    float* a2 = target(T(info, 5));
    // tfjs uploads each JS number as a float32 scalar; 1 - beta is computed in double first.
    const float nlr = static_cast<float>(-P(info, 6));
    const double b1d = D(info, 7), b2d = D(info, 8);
    const float b1 = static_cast<float>(b1d), b2 = static_cast<float>(b2d);
    const float c1 = static_cast<float>(1.0 - b1d), c2 = static_cast<float>(1.0 - b2d);
    const float eps = static_cast<float>(D(info, 9));
    for (size_t k = 0; k < n; ++k) {
      const auto& p = ps[k];
      auto g = gs[k];
      if (g.scalar_type() != at::kFloat || g.numel() != p.numel() || ms[k].numel() != p.numel() || vs[k].numel() != p.numel()) {
        throw std::runtime_error("adamUpdate: a gradient or moment does not match its variable");
      }
      target(p), target(ms[k]), target(vs[k]);
    }
    noteInPlaceWrite();
    const float bc1 = 1.0f - *a1, bc2 = 1.0f - *a2;
    for (size_t k = 0; k < n; ++k) {
      auto g = gs[k].contiguous();
      const float* pg = g.data_ptr<float>();
      float* pp = target(ps[k]);
      float* pm = target(ms[k]);
      float* pv = target(vs[k]);
      at::parallel_for(0, ps[k].numel(), 65536, [&](int64_t i0, int64_t i1) {
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
  }, Replay::InPlace);
  return 0;
}
int registered = reg();

}  // namespace
