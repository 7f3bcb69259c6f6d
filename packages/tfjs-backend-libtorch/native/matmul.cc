// Batched matrix products (tfjs BatchMatMul: [B, M, K] x [B, K, N] with batch broadcasting)
// and the fused version with bias and activation (_FusedMatMul, used by tf.layers Dense).
#include "activation.h"
#include "core.h"

using namespace ltb;

namespace {

at::Tensor mm(const at::Tensor& a, const at::Tensor& b, bool ta, bool tb) {
  auto x = ta ? a.transpose(-1, -2) : a;
  auto y = tb ? b.transpose(-1, -2) : b;
  if (x.scalar_type() != at::kFloat) return at::matmul(x.to(at::kFloat), y.to(at::kFloat)).to(a.scalar_type());
  return at::matmul(x, y);
}

int reg() {
  // matmul(a, b, transposeA, transposeB, biasId|0, act, alpha, preluId|0) -> id
  def("matmul", [](const Napi::CallbackInfo& info) {
    auto y = mm(T(info, 0), T(info, 1), B(info, 2), B(info, 3));
    auto bias = OT(info, 4);
    if (bias.defined()) y.add_(bias);
    return R(info, activate(y, I(info, 5), D(info, 6), OT(info, 7)));
  });
  return 0;
}
int registered = reg();

}  // namespace
