// Tensor creation and the remaining data kernels: fill, oneHot, topK, unsortedSegmentSum.
#include "core.h"

using namespace ltb;

namespace {

int reg() {
  // fill(shape, value, dtypeCode) -> id
  def("fill", [](const Napi::CallbackInfo& info) {
    auto st = scalarType(I(info, 2));
    double v = D(info, 1);
    auto opts = at::TensorOptions().dtype(st);
    if (st == at::kBool) return R(info, at::full(V(info, 0), v != 0, opts));
    if (st == at::kInt) return R(info, at::full(V(info, 0), static_cast<int64_t>(v), opts));
    return R(info, at::full(V(info, 0), v, opts));
  });
  // oneHot(indices, depth, onValue, offValue, dtypeCode) -> id of shape indices + [depth];
  // indices outside [0, depth) give a row of offValue.
  def("oneHot", [](const Napi::CallbackInfo& info) {
    const auto& idx = T(info, 0);
    int64_t depth = I(info, 1);
    auto st = scalarType(I(info, 4));
    auto hot = idx.unsqueeze(-1).eq(at::arange(depth, at::TensorOptions().dtype(idx.scalar_type())));
    auto opts = at::TensorOptions().dtype(at::kDouble);
    auto r = at::where(hot, at::scalar_tensor(D(info, 2), opts), at::scalar_tensor(D(info, 3), opts));
    return R(info, r.to(st));
  });
  // topK(x, k) -> [values id, indices id (int32)] along the last axis, largest first; equal
  // values keep their index order (a stable sort), as tfjs' cpu topK.
  def("topK", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    int64_t k = I(info, 1);
    auto sorted = at::sort(x, /*stable=*/true, -1, /*descending=*/true);
    auto values = std::get<0>(sorted).narrow(-1, 0, k);
    auto indices = std::get<1>(sorted).narrow(-1, 0, k).to(at::kInt);
    auto a = Napi::Array::New(info.Env(), 2);
    a.Set(uint32_t(0), Napi::Number::New(info.Env(), put(values)));
    a.Set(uint32_t(1), Napi::Number::New(info.Env(), put(indices)));
    return a;
  });
  // unsortedSegmentSum(x, segmentIds, numSegments) -> id of shape [numSegments] + x[ids.dim:];
  // ids outside [0, numSegments) are dropped. The result is float32 whatever x's dtype, as tfjs'
  // cpu kernel (which multiplies x by a float32 mask) returns.
  def("unsortedSegmentSum", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    auto ids = T(info, 1).reshape({-1}).to(at::kLong);
    int64_t n = I(info, 2);
    if (T(info, 1).dim() > x.dim()) throw std::runtime_error("unsortedSegmentSum: segmentIds has more dimensions than x");
    std::vector<int64_t> rest(x.sizes().begin() + T(info, 1).dim(), x.sizes().end());
    std::vector<int64_t> flat = {ids.size(0)}, outShape = {n};
    for (auto d : rest) {
      flat.push_back(d);
      outShape.push_back(d);
    }
    auto rows = x.reshape(flat);
    auto keep = ids.ge(0).logical_and(ids.lt(n));
    auto acc = x.scalar_type() == at::kBool ? at::kInt : x.scalar_type();
    auto out = at::zeros(outShape, at::TensorOptions().dtype(acc));
    out.index_add_(0, ids.index({keep}), rows.index({keep}).to(acc));
    return R(info, out.to(at::kFloat));
  });
  return 0;
}
int registered = reg();

}  // namespace
