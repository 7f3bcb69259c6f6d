// Elementwise kernels: unary math, binary arithmetic with broadcasting, comparisons.
// Opcodes are shared with src/kernels/elementwise.ts.
#include "core.h"

using namespace ltb;

namespace {

at::Tensor unary(int64_t op, const at::Tensor& x) {
  switch (op) {
    case 0: return at::relu(x);
    case 1: return at::sigmoid(x);
    case 2: return at::tanh(x);
    case 3: return at::exp(x);
    case 4: return at::log(x);
    case 5: return at::sqrt(x);
    case 6: return at::square(x);
    case 7: return at::abs(x);
    case 8: return at::sign(x);
    case 9: return at::neg(x);
    case 10: return at::reciprocal(x);
    case 11: return at::rsqrt(x);
  }
  throw std::runtime_error("unary: unknown opcode " + std::to_string(op));
}

at::Tensor binary(int64_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case 0: return at::add(a, b);
    case 1: return at::sub(a, b);
    case 2: return at::mul(a, b);
    case 3: return at::div(a, b);
    case 4: return at::maximum(a, b);
    case 5: return at::minimum(a, b);
    case 6: return at::pow(a, b);
    case 7: return at::sub(a, b).square_();
    case 8: return at::eq(a, b);
    case 9: return at::ne(a, b);
    case 10: return at::lt(a, b);
    case 11: return at::le(a, b);
    case 12: return at::gt(a, b);
    case 13: return at::ge(a, b);
  }
  throw std::runtime_error("binary: unknown opcode " + std::to_string(op));
}

int reg() {
  // unary(op, x) -> id
  def("unary", [](const Napi::CallbackInfo& info) { return R(info, unary(I(info, 0), T(info, 1))); });
  // binary(op, a, b, outDtypeCode) -> id; the result is cast to the dtype tfjs expects.
  def("binary", [](const Napi::CallbackInfo& info) {
    auto r = binary(I(info, 0), T(info, 1), T(info, 2));
    auto st = scalarType(I(info, 3));
    return R(info, r.scalar_type() == st ? r : r.to(st));
  });
  return 0;
}
int registered = reg();

}  // namespace
