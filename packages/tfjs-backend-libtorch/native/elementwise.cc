// Elementwise kernels: unary math, binary arithmetic with broadcasting, comparisons.
// Opcodes are shared with src/kernels/elementwise.ts.
#include "core.h"
#include "loops.h"
#include <string>

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

// Add, Sub or Multiply of a tensor and a per-channel vector (a bias add: tf.layers'
// Conv2DTranspose adds its bias as a kernel of its own) in one pass (loops.h channelAffine);
// an undefined tensor when the operands do not have that form.
at::Tensor channelBinary(int64_t op, const at::Tensor& a, const at::Tensor& b) {
  if (op > 2) return {};
  bool aIsX = channelVector(b, a), bIsX = !aIsX && op != 1 && channelVector(a, b);
  if (!aIsX && !bIsX) return {};
  const auto& x = aIsX ? a : b;
  auto p = (aIsX ? b : a).contiguous();
  if (op == 1) p = -p;
  return op == 2 ? channelAffine(x, p.data_ptr<float>(), nullptr) : channelAffine(x, nullptr, p.data_ptr<float>());
}

int reg() {
  // unary(op, x) -> id
  def("unary", [](const Napi::CallbackInfo& info) { return R(info, unary(I(info, 0), T(info, 1))); });
  // binary(op, a, b, outDtypeCode) -> id; the result is cast to the dtype tfjs expects.
  def("binary", [](const Napi::CallbackInfo& info) {
    auto st = scalarType(I(info, 3));
    if (st == at::kFloat) {
      auto r = channelBinary(I(info, 0), T(info, 1), T(info, 2));
      if (r.defined()) return R(info, r);
    }
    auto r = binary(I(info, 0), T(info, 1), T(info, 2));
    return R(info, r.scalar_type() == st ? r : r.to(st));
  });
  return 0;
}
int registered = reg();

// Unary math by name (the kernels added after the opcode table above). The input is computed
// in float32 unless the op is exact on integers; the result is cast to the dtype tfjs returns.
// a and b carry the op's scalar attributes (Step's alpha, ClipByValue's bounds).
at::Tensor math(const std::string& op, at::Tensor x, double a, double b) {
  bool isFloat = x.is_floating_point();
  if (op == "floor") return isFloat ? at::floor(x) : x;
  if (op == "ceil") return isFloat ? at::ceil(x) : x;
  if (op == "round") return isFloat ? at::round(x) : x;  // half to even, as tfjs' Round
  if (op == "isNan") return isFloat ? at::isnan(x) : at::zeros_like(x, at::kBool);
  if (op == "isInf") return isFloat ? at::isinf(x) : at::zeros_like(x, at::kBool);
  if (op == "isFinite") return isFloat ? at::isfinite(x) : at::ones_like(x, at::kBool);
  if (op == "logicalNot") return at::logical_not(x);
  if (op == "clip") return at::clamp(x.scalar_type() == at::kBool ? x.to(at::kFloat) : x, a, b);
  if (!isFloat) x = x.to(at::kFloat);
  if (op == "sin") return at::sin(x);
  if (op == "cos") return at::cos(x);
  if (op == "tan") return at::tan(x);
  if (op == "asin") return at::asin(x);
  if (op == "acos") return at::acos(x);
  if (op == "atan") return at::atan(x);
  if (op == "sinh") return at::sinh(x);
  if (op == "cosh") return at::cosh(x);
  if (op == "asinh") return at::asinh(x);
  if (op == "acosh") return at::acosh(x);
  if (op == "atanh") return at::atanh(x);
  if (op == "log1p") return at::log1p(x);
  if (op == "expm1") return at::expm1(x);
  if (op == "erf") return at::erf(x);
  if (op == "softplus") return at::softplus(x);
  if (op == "selu") return at::selu(x);
  // Step: 1 where x > 0, alpha elsewhere, NaN stays NaN
  if (op == "step") return at::where(at::isnan(x), x, at::where(x > 0, at::ones_like(x), at::full_like(x, a)));
  throw std::runtime_error("math: unknown op " + op);
}

// Binary ops by name; int32 FloorDiv/Mod run in double like tfjs' JS arithmetic, where a
// division by zero gives a non-finite value that an Int32Array stores as 0.
at::Tensor binaryNamed(const std::string& op, const at::Tensor& a, const at::Tensor& b, at::ScalarType out) {
  if (op == "logicalAnd") return at::logical_and(a, b);
  if (op == "logicalOr") return at::logical_or(a, b);
  if (op == "bitwiseAnd") return at::bitwise_and(a, b);
  bool exactInt = !at::isFloatingType(out);
  auto fa = a.to(exactInt ? at::kDouble : at::kFloat), fb = b.to(exactInt ? at::kDouble : at::kFloat);
  at::Tensor r;
  if (op == "floorDiv") r = at::floor(fa / fb);
  else if (op == "mod") r = at::remainder(fa, fb);  // sign of the divisor, as tfjs
  else if (op == "atan2") r = at::atan2(fa, fb);
  else throw std::runtime_error("binaryNamed: unknown op " + op);
  if (exactInt) r = at::where(at::isfinite(r), r, at::zeros_like(r));
  return r;
}

// x as dtype st with tfjs' Cast semantics: float -> int32 truncates toward zero and maps
// NaN and +-Infinity to 0 (what an Int32Array stores); anything -> bool is x != 0.
at::Tensor castTo(const at::Tensor& x, at::ScalarType st) {
  if (x.scalar_type() == st) return x;
  if (st == at::kBool) return x.ne(0);
  if (st == at::kInt && x.is_floating_point()) {
    if (at::isfinite(x).all().item<bool>()) return x.to(at::kInt);
    return at::where(at::isfinite(x), x, at::zeros_like(x)).to(at::kInt);
  }
  return x.to(st);
}

at::Tensor as(const at::Tensor& r, int64_t code) { return castTo(r, scalarType(code)); }

int regNamed() {
  // math(op, x, outDtypeCode, a, b) -> id
  def("math", [](const Napi::CallbackInfo& info) {
    auto op = S(info, 0);
    return R(info, as(math(op, T(info, 1), D(info, 3), D(info, 4)), I(info, 2)));
  });
  // binaryNamed(op, a, b, outDtypeCode) -> id
  def("binaryNamed", [](const Napi::CallbackInfo& info) {
    auto op = S(info, 0);
    auto st = scalarType(I(info, 3));
    return R(info, castTo(binaryNamed(op, T(info, 1), T(info, 2), st), st));
  });
  // cast(x, dtypeCode) -> id
  def("cast", [](const Napi::CallbackInfo& info) { return R(info, as(T(info, 0), I(info, 1))); });
  // select(condition, t, e, outDtypeCode) -> id; a rank-1 condition picks whole rows of t/e.
  def("select", [](const Napi::CallbackInfo& info) {
    auto c = T(info, 0);
    const auto& t = T(info, 1);
    auto st = scalarType(I(info, 3));
    if (c.dim() == 1 && t.dim() > 1) {
      std::vector<int64_t> shape(t.dim(), 1);
      shape[0] = c.size(0);
      c = c.reshape(shape);
    }
    return R(info, at::where(c.to(at::kBool), castTo(t, st), castTo(T(info, 2), st)));
  });
  // addN([ids], outDtypeCode) -> id
  def("addN", [](const Napi::CallbackInfo& info) {
    auto ts = TS(info, 0);
    if (ts.empty()) throw std::runtime_error("addN: no tensors");
    auto st = scalarType(I(info, 1));
    auto acc = castTo(ts[0], st).clone();
    for (size_t k = 1; k < ts.size(); ++k) acc.add_(ts[k]);
    return R(info, acc);
  });
  return 0;
}
int registeredNamed = regNamed();

}  // namespace
