// Shape and data movement: reshape, transpose, slicing, concatenation, padding, tiling,
// gathers, reversal, splits. Results that ATen can express as views (reshape, permute,
// slice, unbind, split) stay views of their input: no copy until a kernel needs one.
#include <string>
#include <ATen/InferSize.h>
#include <ATen/TensorUtils.h>
#include "core.h"
#include "transpose.h"

using namespace ltb;

namespace {

at::Tensor toLong(const at::Tensor& t) { return t.scalar_type() == at::kLong ? t : t.to(at::kLong); }

std::vector<at::Tensor> tensors(const Napi::CallbackInfo& info, size_t i) { return TS(info, i); }

Napi::Value ids(const Napi::CallbackInfo& info, const std::vector<at::Tensor>& ts) {
  auto a = Napi::Array::New(info.Env(), ts.size());
  for (size_t k = 0; k < ts.size(); ++k) a.Set(uint32_t(k), Napi::Number::New(info.Env(), put(ts[k])));
  return a;
}

// Positions of a mirrored dimension of size n padded by (before, after): reflect leaves out the
// edge element, symmetric repeats it (tfjs MirrorPad semantics).
at::Tensor mirrorIndex(int64_t n, int64_t before, int64_t after, bool symmetric) {
  std::vector<int64_t> idx;
  idx.reserve(n + before + after);
  int64_t off = symmetric ? 1 : 0;
  for (int64_t i = -before; i < n + after; ++i) {
    int64_t j = i;
    if (j < 0) j = -j - off;
    else if (j >= n) j = 2 * (n - 1) - j + off;
    idx.push_back(j);
  }
  return at::tensor(idx, at::kLong);
}

int reg() {
  // reshape(x, shape) -> id: a view when the strides allow one.
  // Otherwise the copy goes through contiguousFast (a tiled transpose for NDHWC views of NCDHW
  // memory, which 3D convolutions return: much faster than ATen's element-wise copy).
  def("reshape", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    auto shape = at::infer_size(V(info, 1), x.numel());
    if (at::detail::computeStride(x.sizes(), x.strides(), shape).has_value()) return R(info, x.view(shape));
    return R(info, contiguousFast(x).view(shape));
  });
  // transpose(x, perm) -> id (a strided view)
  def("transpose", [](const Napi::CallbackInfo& info) { return R(info, T(info, 0).permute(V(info, 1))); });
  // slice(x, begin, size) -> id (a view); begin/size fully resolved.
  def("slice", [](const Napi::CallbackInfo& info) {
    auto x = T(info, 0);
    auto b = V(info, 1), s = V(info, 2);
    if (b.size() != size_t(x.dim()) || s.size() != b.size()) throw std::runtime_error("slice: begin and size need one entry per dimension");
    for (size_t d = 0; d < b.size(); ++d) x = x.narrow(int64_t(d), b[d], s[d]);
    return R(info, x);
  });
  // stridedSlice(x, begin, stride, count) -> id: along each dim d the elements
  // begin[d] + i * stride[d] for i < count[d] (stride may be negative).
  def("stridedSlice", [](const Napi::CallbackInfo& info) {
    auto x = T(info, 0);
    auto b = V(info, 1), st = V(info, 2), n = V(info, 3);
    if (b.size() != size_t(x.dim()) || st.size() != b.size() || n.size() != b.size()) {
      throw std::runtime_error("stridedSlice: begin, strides and counts need one entry per dimension");
    }
    for (size_t k = 0; k < b.size(); ++k) {
      auto d = int64_t(k);
      if (n[k] == 0) {
        x = x.narrow(d, 0, 0);
      } else if (st[k] > 0) {
        x = x.slice(d, b[k], b[k] + (n[k] - 1) * st[k] + 1, st[k]);
      } else {
        // ATen slices take positive steps only: flip, then step forward from the mirrored start.
        int64_t size = x.size(d), first = size - 1 - b[k];
        x = x.flip({d}).slice(d, first, first + (n[k] - 1) * (-st[k]) + 1, -st[k]);
      }
    }
    return R(info, x);
  });
  // concat([ids], axis, outDtypeCode) -> id
  def("concat", [](const Napi::CallbackInfo& info) {
    auto r = at::cat(tensors(info, 0), I(info, 1));
    auto st = scalarType(I(info, 2));
    return R(info, r.scalar_type() == st ? r : r.to(st));
  });
  // pack([ids], axis, outDtypeCode) -> id
  def("pack", [](const Napi::CallbackInfo& info) {
    auto r = at::stack(tensors(info, 0), I(info, 1));
    auto st = scalarType(I(info, 2));
    return R(info, r.scalar_type() == st ? r : r.to(st));
  });
  // unpack(x, axis) -> [ids] (views)
  def("unpack", [](const Napi::CallbackInfo& info) { return ids(info, T(info, 0).unbind(I(info, 1))); });
  // split(x, sizes, axis) -> [ids] (views)
  def("split", [](const Napi::CallbackInfo& info) {
    return ids(info, T(info, 0).split_with_sizes(V(info, 1), I(info, 2)));
  });
  // pad(x, [before0, after0, before1, ...], value) -> id
  def("pad", [](const Napi::CallbackInfo& info) {
    auto x = T(info, 0);
    auto p = V(info, 1);
    if (p.size() != size_t(2 * x.dim())) throw std::runtime_error("pad: paddings need two entries per dimension");
    // constant_pad_nd lists the last dimension first
    std::vector<int64_t> rev;
    for (int64_t d = x.dim() - 1; d >= 0; --d) {
      rev.push_back(p[2 * d]);
      rev.push_back(p[2 * d + 1]);
    }
    return R(info, at::constant_pad_nd(x, rev, D(info, 2)));
  });
  // mirrorPad(x, [before0, after0, ...], symmetric) -> id
  def("mirrorPad", [](const Napi::CallbackInfo& info) {
    auto x = T(info, 0);
    auto p = V(info, 1);
    bool sym = B(info, 2);
    if (p.size() != size_t(2 * x.dim())) throw std::runtime_error("mirrorPad: paddings need two entries per dimension");
    for (int64_t d = 0; d < x.dim(); ++d) {
      if (p[2 * d] == 0 && p[2 * d + 1] == 0) continue;
      x = x.index_select(d, mirrorIndex(x.size(d), p[2 * d], p[2 * d + 1], sym));
    }
    return R(info, x);
  });
  // tile(x, reps) -> id
  def("tile", [](const Napi::CallbackInfo& info) { return R(info, T(info, 0).repeat(V(info, 1))); });
  // reverse(x, dims) -> id
  def("reverse", [](const Napi::CallbackInfo& info) { return R(info, T(info, 0).flip(V(info, 1))); });
  // gather(x, indices, axis, batchDims) -> id, shape x[:axis] + indices[batchDims:] + x[axis+1:]
  def("gather", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    auto idx = toLong(T(info, 1));
    int64_t axis = I(info, 2), bd = I(info, 3);
    if (axis < 0 || axis >= x.dim() || bd < 0 || bd > axis || bd > idx.dim()) throw std::runtime_error("gather: bad axis or batchDims");
    int64_t n = x.size(axis);
    auto bad = idx.lt(0).logical_or(idx.ge(n));
    if (bad.any().item<bool>()) {
      auto v = idx.masked_select(bad)[0].item<int64_t>();
      throw std::runtime_error("GatherV2: the index value " + std::to_string(v) + " is not in [0, " + std::to_string(n - 1) + "]");
    }
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
    for (int64_t d = bd; d < idx.dim(); ++d) shape.push_back(idx.size(d));
    for (int64_t d = axis + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
    if (bd == 0) return R(info, x.index_select(axis, idx.reshape({-1})).reshape(shape));
    int64_t batch = 1, outer = 1, inner = 1;
    for (int64_t d = 0; d < bd; ++d) batch *= x.size(d);
    for (int64_t d = bd; d < axis; ++d) outer *= x.size(d);
    for (int64_t d = axis + 1; d < x.dim(); ++d) inner *= x.size(d);
    auto x4 = x.reshape({batch, outer, x.size(axis), inner});
    auto i2 = idx.reshape({batch, -1});
    auto ix = i2.view({batch, 1, i2.size(1), 1}).expand({batch, outer, i2.size(1), inner});
    return R(info, at::gather(x4, 2, ix).reshape(shape));
  });
  // gatherNd(params, indices) -> id, shape indices[:-1] + params[K:] where K = indices[-1]
  def("gatherNd", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    auto idx = toLong(T(info, 1));
    int64_t k = idx.size(-1);
    std::vector<int64_t> strides(k);
    int64_t s = 1, rows = 1;
    for (int64_t d = k - 1; d >= 0; --d) {
      strides[d] = s;
      s *= x.size(d);
    }
    rows = s;
    std::vector<int64_t> shape(idx.sizes().begin(), idx.sizes().end() - 1);
    std::vector<int64_t> flatShape = {rows};
    for (int64_t d = k; d < x.dim(); ++d) {
      shape.push_back(x.size(d));
      flatShape.push_back(x.size(d));
    }
    auto flat = (idx * at::tensor(strides, at::kLong)).sum(-1).reshape({-1});
    return R(info, x.reshape(flatShape).index_select(0, flat).reshape(shape));
  });
  return 0;
}
int registered = reg();

}  // namespace
