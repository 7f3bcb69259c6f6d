// Convolutions. tfjs keeps NHWC activations and HWIO filters; ATen's convolution takes NCHW
// shapes. Permuting an NHWC tensor to NCHW is a free view whose strides are exactly
// channels_last, so oneDNN runs its NHWC kernels and the output permutes back without a copy.
#include "core.h"

using namespace ltb;

namespace {

// NHWC tensor -> NCHW-shaped channels_last view (no copy when x is contiguous NHWC).
at::Tensor toNCHW(const at::Tensor& x) { return x.permute({0, 3, 1, 2}); }
at::Tensor toNHWC(const at::Tensor& y) { return y.permute({0, 2, 3, 1}); }
// HWIO filter -> OIHW in channels_last memory format (the layout oneDNN prefers with NHWC input).
at::Tensor filterOIHW(const at::Tensor& w) {
  return w.permute({3, 2, 0, 1}).contiguous(at::MemoryFormat::ChannelsLast);
}

int reg() {
  // conv2d(x, filter, [sh, sw], [pt, pb, pl, pr], [dh, dw]) -> id
  def("conv2d", [](const Napi::CallbackInfo& info) {
    auto x = toNCHW(T(info, 0)).contiguous(at::MemoryFormat::ChannelsLast);
    auto w = filterOIHW(T(info, 1));
    auto s = V(info, 2), p = V(info, 3), d = V(info, 4);
    if (p[0] != p[1] || p[2] != p[3]) x = at::constant_pad_nd(x, {p[2], p[3], p[0], p[1]}, 0).contiguous(at::MemoryFormat::ChannelsLast);
    std::vector<int64_t> sym = {p[0] == p[1] ? p[0] : 0, p[2] == p[3] ? p[2] : 0};
    auto y = at::convolution(x, w, {}, s, sym, d, false, {0, 0}, 1);
    return R(info, toNHWC(y));
  });
  return 0;
}
int registered = reg();

}  // namespace
