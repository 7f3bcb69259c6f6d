// Gradient helpers for the fast gradients of src/kernels/gradients.ts.
#include "core.h"
#include "loops.h"

using namespace ltb;

namespace {

int reg() {
  // broadcastGrad(dy, keptShape, xShape, scale) -> id: dy (reduced over some axes) reshaped with
  // those axes kept as 1, scaled, and expanded to xShape as a stride-0 view (no copy): the
  // gradient of Sum (scale 1) and Mean (scale 1/count).
  def("broadcastGrad", [](const Napi::CallbackInfo& info) {
    auto g = T(info, 0).reshape(V(info, 1));
    double scale = D(info, 3);
    if (scale != 1) g = g * scale;
    return R(info, g.expand(V(info, 2)));
  });
  // squareGrad(dy, x) -> id: 2 * x * dy
  def("squareGrad", [](const Napi::CallbackInfo& info) {
    const auto& dy = T(info, 0);
    const auto& x = T(info, 1);
    if (plain(dy, x)) return R(info, zipWith(dy, x, [](float d, float v) { return 2 * v * d; }));
    return R(info, at::mul(dy, x).mul_(2));
  });
  return 0;
}
int registered = reg();

}  // namespace
