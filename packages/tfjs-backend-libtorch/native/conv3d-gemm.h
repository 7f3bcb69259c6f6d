// 3D convolutions and transposed convolutions in tfjs' own layout (NDHWC activations, [kd, kh, kw, in, out]
// filters) as one matrix product per sample: the filter of a forward convolution is already the [taps*in, out]
// matrix and the result of [positions, taps*in] x [taps*in, out] is the NDHWC output, so no operand is transposed.
// Where oneDNN has no AVX-512 this beats both ATen paths for the video net's layers at batch 1 (docs/engine.md,
// "The 3D net at batch 1 on AVX2"): oneDNN's direct kernel and ATen's vol2col kernels run the same products on
// NCDHW memory with slower packing and a scalar col2vol.
#pragma once
#include <ATen/ATen.h>
#include <functional>
#include <vector>

namespace ltb {

// Per-dimension geometry of a 3D convolution: strides, dilations and the padding before each dim (lo).
struct Conv3dGeometry {
  std::vector<int64_t> stride, dilation, lo;
};

// conv3d(x [N, D, H, W, C], w [kd, kh, kw, C, O]) + bias (undefined or [O]) -> contiguous [N, Do, Ho, Wo, O] with the
// given output sizes (the padding after each dim follows from them). Float32, one group.
at::Tensor conv3dGemm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, const Conv3dGeometry& g, const std::vector<int64_t>& outSize);

// The gradient of that convolution with respect to x, i.e. the transposed convolution of dy [N, Dq, Hq, Wq, O] with
// w [kd, kh, kw, C, O], for an input of spatial sizes `size`; plus bias (undefined or [C]) and, with leaky, a
// LeakyReLU(alpha) (0 <= alpha <= 1), in the same pass -> contiguous [N, size..., C]. With >= 16 result channels on maps large enough it
// goes by output phases (one product per tap); otherwise one product into columns and a gather, for which wtOf() gives
// w as the [O, taps*C] matrix (transposedGemmFilter, cached by the caller).
at::Tensor convTranspose3dGemm(const at::Tensor& dy, const at::Tensor& w, const std::function<at::Tensor()>& wtOf, const at::Tensor& bias, bool leaky,
                               double alpha, const Conv3dGeometry& g, const std::vector<int64_t>& size);
// w [kd, kh, kw, C, O] -> contiguous [O, kd*kh*kw*C]
at::Tensor transposedGemmFilter(const at::Tensor& w);

// Whether the CPU runs oneDNN's convolutions without AVX-512: no avx512f, or oneDNN capped below it
// (ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA set to an SSE / AVX / AVX2 level).
bool onednnWithoutAvx512();

}  // namespace ltb
