// Activation kernels and their gradients (tfjs semantics: LeakyRelu, Prelu, Elu, EluGrad, Relu6,
// Softmax, LogSoftmax), and the activation step of fused kernels.
#include "activation.h"
#include "core.h"
#include "loops.h"

using namespace ltb;

namespace ltb {

at::Tensor activate(at::Tensor y, int64_t code, double alpha, const at::Tensor& prelu) {
  switch (code) {
    case 0: return y;
    case 1: return y.relu_();
    case 2: return y.clamp_(0, 6);
    case 3: return at::elu_(y);
    case 4: return at::leaky_relu_(y, alpha);
    case 5: return at::where(y > 0, y, y * prelu);
    case 6: return y.sigmoid_();
  }
  throw std::runtime_error("activation: unknown code " + std::to_string(code));
}

}  // namespace ltb

namespace {

int reg() {
  // act(x, code, alpha, preluId|0) -> id: an activation on its own.
  def("act", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    int64_t code = I(info, 1);
    double alpha = D(info, 2);
    switch (code) {
      case 2: return R(info, at::clamp(x, 0, 6));
      case 3: return R(info, at::elu(x));
      case 4: return R(info, at::leaky_relu(x, alpha));
      case 5: return R(info, at::where(x > 0, x, x * T(info, 3)));
    }
    return R(info, activate(x.clone(), code, alpha, OT(info, 3)));
  });
  // leakyReluGrad(dy, x, alpha) -> id: dy where x > 0, else alpha * dy.
  def("leakyReluGrad", [](const Napi::CallbackInfo& info) {
    const auto& dy = T(info, 0);
    const auto& x = T(info, 1);
    float alpha = static_cast<float>(D(info, 2));
    // The factor is looked up, not branched on: a branch on the sign of x mispredicts about half
    // the time (docs/engine.md: 877 vs XX us on 200704 elements).
    const float factor[2] = {alpha, 1.0f};
    if (plain(dy, x)) return R(info, zipWith(dy, x, [&factor](float d, float v) { return d * factor[v > 0]; }));
    return R(info, at::leaky_relu_backward(dy, x, alpha, false));
  });
  // eluGrad(dy, y) -> id: tfjs' EluGrad takes the forward output y: dy * (y + 1) where y < 0.
  def("eluGrad", [](const Napi::CallbackInfo& info) {
    const auto& dy = T(info, 0);
    const auto& y = T(info, 1);
    return R(info, at::where(y < 0, dy * (y + 1), dy));
  });
  // softmax(x, dim, log) -> id
  def("softmax", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    int64_t dim = I(info, 1);
    return R(info, B(info, 2) ? at::log_softmax(x, dim) : at::softmax(x, dim));
  });
  // softmaxGrad(dy, y, dim) -> id: y * (dy - sum(dy * y, dim)) in one pass (PyTorch's softmax backward);
  // tfjs composes it from four full-size ops.
  def("softmaxGrad", [](const Napi::CallbackInfo& info) {
    const auto& y = T(info, 1);
    return R(info, at::_softmax_backward_data(T(info, 0).contiguous(), y.contiguous(), I(info, 2), y.scalar_type()));
  });
  return 0;
}
int registered = reg();

}  // namespace
