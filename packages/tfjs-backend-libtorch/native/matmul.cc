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
  // tfjs hands every product over as [batch, M, K] x [batch, K, N]. On CPU a batch-1 bmm is several times slower
  // than the plain 2-D product (measured 450 vs 120 us for [6272, 16] x [16, 16]), so 2-D products and products
  // with a shared right operand ([1, K, N], e.g. a weight) go through at::mm, the batch folded into the rows.
  // Inner size 1 (an outer product, e.g. the input gradient of a matrix-vector product): one broadcast multiply
  // is about 2x faster than a bmm with K = 1.
  if (x.size(-1) == 1) return x * y;
  if (x.dim() == 3 && y.dim() == 3 && y.size(0) == 1) {
    if (x.size(0) == 1) return at::mm(x[0], y[0]).unsqueeze(0);
    if (!ta) return at::mm(x.reshape({-1, x.size(2)}), y[0]).view({x.size(0), x.size(1), y.size(2)});
  }
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
