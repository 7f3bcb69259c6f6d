// Reductions over a list of axes (Sum, Mean, Max, Min, Prod, All, Any), arg reductions and
// cumulative sums/products. TypeScript resolves the axes (non-negative, non-empty) and the
// output dtype tfjs' cpu backend gives; the result is cast to it.
#include <algorithm>
#include <cmath>
#include <string>
#include "core.h"

using namespace ltb;

namespace {

// Reduces one dimension at a time, highest first, for ATen ops that take a single dim.
template <typename F>
at::Tensor eachDim(at::Tensor x, std::vector<int64_t> axes, bool keep, F f) {
  std::sort(axes.rbegin(), axes.rend());
  for (auto d : axes) x = f(x, d, keep);
  return x;
}

at::Tensor reduce(const std::string& op, const at::Tensor& x, const std::vector<int64_t>& axes, bool keep, at::ScalarType out) {
  if (op == "sum") return at::sum(x.scalar_type() == at::kBool ? x.to(at::kInt) : x, axes, keep, out);
  if (op == "mean") return at::mean(x.is_floating_point() ? x : x.to(at::kFloat), axes, keep);
  if (op == "max" || op == "min") {
    // amax/amin lack bool kernels: reduce as uint8 and cast back
    auto v = x.scalar_type() == at::kBool ? x.to(at::kByte) : x;
    return op == "max" ? at::amax(v, axes, keep) : at::amin(v, axes, keep);
  }
  if (op == "prod") {
    auto v = x.scalar_type() == at::kBool ? x.to(at::kInt) : x;
    return eachDim(v, axes, keep, [out](const at::Tensor& t, int64_t d, bool k) { return at::prod(t, d, k, out); });
  }
  if (op == "all") return eachDim(x, axes, keep, [](const at::Tensor& t, int64_t d, bool k) { return at::all(t, d, k); });
  if (op == "any") return eachDim(x, axes, keep, [](const at::Tensor& t, int64_t d, bool k) { return at::any(t, d, k); });
  throw std::runtime_error("reduce: unknown op " + op);
}

int reg() {
  // reduce(op, x, axes, keepDims, outDtypeCode) -> id
  def("reduce", [](const Napi::CallbackInfo& info) {
    auto op = S(info, 0);
    auto st = scalarType(I(info, 4));
    auto r = reduce(op, T(info, 1), V(info, 2), B(info, 3), st);
    return R(info, r.scalar_type() == st ? r : r.to(st));
  });
  // argReduce(op, x, axis) -> id (int32): the first index of the max/min along axis
  def("argReduce", [](const Napi::CallbackInfo& info) {
    auto op = S(info, 0);
    auto x = T(info, 1);
    int64_t axis = I(info, 2);
    bool isMax = op == "argMax";
    if (x.scalar_type() == at::kBool) x = x.to(at::kByte);
    if (!x.is_floating_point()) return R(info, (isMax ? at::argmax(x, axis) : at::argmin(x, axis)).to(at::kInt));
    // tfjs scans with `value > best`: a NaN never wins, except that a NaN in first place is
    // never replaced (every comparison with it is false)
    auto nan = at::isnan(x);
    if (!nan.any().item<bool>()) return R(info, (isMax ? at::argmax(x, axis) : at::argmin(x, axis)).to(at::kInt));
    auto y = at::where(nan, at::full({}, isMax ? -INFINITY : INFINITY, x.options()), x);
    auto r = isMax ? at::argmax(y, axis) : at::argmin(y, axis);
    r = at::where(nan.select(axis, 0), at::zeros_like(r), r);
    return R(info, r.to(at::kInt));
  });
  // cumulative(op, x, axis, exclusive, reverse, outDtypeCode) -> id
  def("cumulative", [](const Napi::CallbackInfo& info) {
    auto op = S(info, 0);
    auto x = T(info, 1);
    int64_t axis = I(info, 2);
    bool exclusive = B(info, 3), reverse = B(info, 4);
    auto st = scalarType(I(info, 5));
    bool sum = op == "cumsum";
    if (reverse) x = x.flip({axis});
    auto r = sum ? at::cumsum(x, axis, st) : at::cumprod(x, axis, st);
    if (exclusive && x.size(axis) > 0) {
      // shift by one along axis, starting from the identity element
      auto first = sum ? at::zeros_like(r.narrow(axis, 0, 1)) : at::ones_like(r.narrow(axis, 0, 1));
      r = at::cat({first, r.narrow(axis, 0, x.size(axis) - 1)}, axis);
    }
    if (reverse) r = r.flip({axis});
    return R(info, r);
  });
  return 0;
}
int registered = reg();

}  // namespace
