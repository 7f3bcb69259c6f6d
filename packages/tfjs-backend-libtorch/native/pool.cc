// Max and average pooling over NHWC / NDHWC and their gradients. Like convolutions, inputs are
// permuted to channels-first views (channels_last memory). tfjs averages exclude padding and
// paddings may be asymmetric: padding is applied explicitly (-inf for max, 0 for average) and
// averages divide by a pooled count of real positions.
#include <limits>
#include "core.h"
#include "transpose.h"

using namespace ltb;

namespace {

struct Pool {
  std::vector<int64_t> size, stride, lo, hi;
  bool padded() const {
    for (size_t k = 0; k < lo.size(); ++k) if (lo[k] || hi[k]) return true;
    return false;
  }
  std::vector<int64_t> padArg() const {  // constant_pad_nd order: last dim first
    std::vector<int64_t> p;
    for (int64_t k = static_cast<int64_t>(lo.size()) - 1; k >= 0; --k) {
      p.push_back(lo[k]);
      p.push_back(hi[k]);
    }
    return p;
  }
  // Crops a gradient of the padded input back to the input.
  at::Tensor crop(at::Tensor g, const at::Tensor& like) const {
    for (size_t k = 0; k < lo.size(); ++k) g = g.narrow(2 + k, lo[k], like.size(2 + k));
    return g;
  }
};

// Arguments (filterSize, strides, [lo0, hi0, ...]) at positions i..i+2.
Pool pool(const Napi::CallbackInfo& info, size_t i) {
  Pool p{V(info, i), V(info, i + 1), {}, {}};
  auto pads = V(info, i + 2);
  for (size_t k = 0; k < p.size.size(); ++k) {
    p.lo.push_back(pads[2 * k]);
    p.hi.push_back(pads[2 * k + 1]);
  }
  return p;
}

at::Tensor padMax(const at::Tensor& xf, const Pool& p) {
  return p.padded() ? at::constant_pad_nd(xf, p.padArg(), -std::numeric_limits<double>::infinity()) : xf;
}
at::Tensor padZero(const at::Tensor& xf, const Pool& p) {
  return p.padded() ? at::constant_pad_nd(xf, p.padArg(), 0) : xf;
}

at::Tensor sumPool(const at::Tensor& xf, const Pool& p) {
  std::vector<int64_t> zero(p.size.size(), 0);
  return p.size.size() == 2 ? at::avg_pool2d(xf, p.size, p.stride, zero, false, true, 1)
                            : at::avg_pool3d(xf, p.size, p.stride, zero, false, true, 1);
}

// Number of real (unpadded) positions under each window: [1, 1, out...].
at::Tensor windowCount(const at::Tensor& xf, const Pool& p) {
  std::vector<int64_t> shape = {1, 1};
  for (int64_t d = 2; d < xf.dim(); ++d) shape.push_back(xf.size(d));
  return sumPool(padZero(at::ones(shape, xf.options()), p), p);
}

std::tuple<at::Tensor, at::Tensor> maxWithIndices(const at::Tensor& xp, const Pool& p) {
  std::vector<int64_t> zero(p.size.size(), 0), one(p.size.size(), 1);
  return p.size.size() == 2 ? at::max_pool2d_with_indices(xp, p.size, p.stride, zero, one, false)
                            : at::max_pool3d_with_indices(xp, p.size, p.stride, zero, one, false);
}

double windowSize(const Pool& p) {
  double n = 1;
  for (auto k : p.size) n *= double(k);
  return n;
}

int reg() {
  // maxPool(x, filterSize, strides, pads) -> id
  def("maxPool", [](const Napi::CallbackInfo& info) {
    auto p = pool(info, 1);
    auto xp = padMax(channelsFirstView(T(info, 0)), p);
    std::vector<int64_t> zero(p.size.size(), 0), one(p.size.size(), 1);
    auto y = p.size.size() == 2 ? at::max_pool2d(xp, p.size, p.stride, zero, one, false)
                                : at::max_pool3d(xp, p.size, p.stride, zero, one, false);
    return R(info, channelsLastView(y));
  });
  // avgPool(x, filterSize, strides, pads) -> id
  def("avgPool", [](const Napi::CallbackInfo& info) {
    auto p = pool(info, 1);
    auto xf = channelsFirstView(T(info, 0));
    auto s = sumPool(padZero(xf, p), p);
    return R(info, channelsLastView(p.padded() ? s / windowCount(xf, p) : s / windowSize(p)));
  });
  // maxPoolGrad(dy, x, filterSize, strides, pads) -> id (gradient flows to the first maximum)
  def("maxPoolGrad", [](const Napi::CallbackInfo& info) {
    auto p = pool(info, 2);
    auto dyf = channelsFirstView(T(info, 0));
    auto xf = channelsFirstView(T(info, 1));
    auto xp = padMax(xf, p);
    auto idx = std::get<1>(maxWithIndices(xp, p));
    std::vector<int64_t> zero(p.size.size(), 0), one(p.size.size(), 1);
    auto g = p.size.size() == 2 ? at::max_pool2d_with_indices_backward(dyf, xp, p.size, p.stride, zero, one, false, idx)
                                : at::max_pool3d_with_indices_backward(dyf, xp, p.size, p.stride, zero, one, false, idx);
    return R(info, channelsLastView(p.crop(g, xf)));
  });
  // avgPoolGrad(dy, x, filterSize, strides, pads) -> id (tfjs semantics, see below)
  def("avgPoolGrad", [](const Napi::CallbackInfo& info) {
    auto p = pool(info, 2);
    auto dyf = channelsFirstView(T(info, 0));
    auto xf = channelsFirstView(T(info, 1));
    auto xp = padZero(xf, p);
    // tfjs' AvgPoolGrad divides by the whole window even where the forward pass excluded padding.
    auto scaled = dyf / windowSize(p);
    std::vector<int64_t> zero(p.size.size(), 0);
    auto g = p.size.size() == 2 ? at::avg_pool2d_backward(scaled, xp, p.size, p.stride, zero, false, true, 1)
                                : at::avg_pool3d_backward(scaled, xp, p.size, p.stride, zero, false, true, 1);
    return R(info, channelsLastView(p.crop(g, xf)));
  });
  return 0;
}
int registered = reg();

}  // namespace
