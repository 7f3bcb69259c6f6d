// Fast dense copies of channel-transposed views (NDHWC views of NCDHW memory and the reverse).
// ATen 1.13's copy_ gathers such views element by element (about 100 ms for a 2x16x64x64x96
// float tensor on one thread); a tiled transpose does the same copy several times faster.
#pragma once
#include <ATen/ATen.h>

namespace ltb {

// Contiguous copy of t when t is float and, after merging dimensions that are contiguous with
// each other, a [N, A, B] view of [N, B, A] memory (a batched 2D transpose); else undefined.
at::Tensor transposedCopy(const at::Tensor& t);
// tfjs' channels-last order and libtorch's channels-second order, as views (no copy): [N, s..., C] -> [N, C, s...]
// and back.
at::Tensor channelsFirstView(const at::Tensor& x);
at::Tensor channelsLastView(const at::Tensor& y);

// Contiguous [C, B, A] copy of the dense float memory [A, B, C] that t holds (the three dims reversed), in one tiled
// pass: tfjs' filter [k..., I, O] <-> libtorch's [O, I, k...] for 3D convolutions, where ATen's copy of the
// permuted view gathers element by element (12 ms for a 3x3x3x256x256 filter at 1 thread).
at::Tensor reversedCopy(const at::Tensor& t, int64_t A, int64_t B, int64_t C);
// t.contiguous(), through transposedCopy where it applies.
at::Tensor contiguousFast(const at::Tensor& t);

// [N, D, H, W, C] (tfjs' NDHWC, float) -> contiguous [N, C, D', H', W'] with zero padding lo / hi
// before / after each spatial dim, in one pass when x is NDHWC-contiguous (tiled transpose into the
// padded buffer) or an NDHWC view of NCDHW memory (row copies); ATen's constant_pad_nd otherwise.
at::Tensor channelsFirstPadded(const at::Tensor& x, const std::vector<int64_t>& lo, const std::vector<int64_t>& hi);

}  // namespace ltb
