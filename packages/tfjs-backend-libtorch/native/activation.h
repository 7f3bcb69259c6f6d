// Activations shared by fused kernels (conv, matmul). Codes match src/kernels/activation.ts.
#pragma once
#include <ATen/ATen.h>

namespace ltb {

// 0 linear, 1 relu, 2 relu6, 3 elu, 4 leakyrelu(alpha), 5 prelu(weights), 6 sigmoid.
// y must be a fresh tensor: it is modified in place where possible.
at::Tensor activate(at::Tensor y, int64_t code, double alpha, const at::Tensor& prelu);

}  // namespace ltb
