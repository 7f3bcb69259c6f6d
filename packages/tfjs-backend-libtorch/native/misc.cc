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
  // diag(x) -> id of shape x.shape ++ x.shape with x's values on the diagonal
  def("diag", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().end());
    shape.insert(shape.end(), x.sizes().begin(), x.sizes().end());
    auto v = x.reshape({-1});
    auto out = at::zeros({v.size(0), v.size(0)}, x.options());
    out.diagonal().copy_(v);
    return R(info, out.reshape(shape));
  });
  // scatterNd(indices, updates, shape) -> id: zeros of shape with the slices of updates added
  // at indices (duplicates summed); an index outside shape throws as tfjs does.
  def("scatterNd", [](const Napi::CallbackInfo& info) {
    auto idx = T(info, 0).to(at::kLong);
    const auto& upd = T(info, 1);
    auto shape = V(info, 2);
    int64_t k = idx.size(-1);
    if (k > int64_t(shape.size())) throw std::runtime_error("scatterNd: index depth exceeds the output rank");
    std::vector<int64_t> strides(k);
    int64_t s = 1;
    for (int64_t d = k - 1; d >= 0; --d) {
      strides[d] = s;
      s *= shape[d];
    }
    int64_t slice = 1;
    for (size_t d = k; d < shape.size(); ++d) slice *= shape[d];
    auto flat = (idx * at::tensor(strides, at::kLong)).sum(-1).reshape({-1});
    auto bad = flat.lt(0).logical_or(flat.ge(s)).logical_or(idx.lt(0).any(-1).reshape({-1}));
    if (flat.numel() && bad.any().item<bool>()) throw std::runtime_error("scatterNd: Invalid indices: an index does not index into the output shape");
    auto acc = upd.scalar_type() == at::kBool ? at::kInt : upd.scalar_type();
    auto out = at::zeros({s, slice}, upd.options().dtype(acc));
    out.index_add_(0, flat, upd.reshape({flat.size(0), slice}).to(acc));
    return R(info, out.reshape(shape).to(upd.scalar_type()));
  });
  return 0;
}
int registered = reg();

}  // namespace
