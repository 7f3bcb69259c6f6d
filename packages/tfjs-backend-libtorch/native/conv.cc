// Convolutions, 2D and 3D, forward and both backward passes, with fused bias + activation.
// tfjs keeps channels-last activations (NHWC / NDHWC) and filters laid out [k..., in, out];
// ATen's convolution takes channels-first shapes. Permuting NHWC to NCHW is a free view whose
// strides are exactly channels_last, so oneDNN runs its NHWC kernels and the result permutes
// back to NHWC without a copy. tfjs paddings may be asymmetric ('same' with stride 2 on even
// sizes); ATen's are symmetric, so those inputs are padded explicitly (forward, filter grad) or
// the transposed result is cropped (input grad).
#include "core.h"
#include "activation.h"
#include "conv3d-gemm.h"
#include "transpose.h"
#include <ATen/Parallel.h>
#include <algorithm>

using namespace ltb;

namespace {

// Layout mode, switchable for measurements (docs/engine.md): true keeps channels_last views,
// false copies activations to contiguous NCHW before each convolution.
bool channelsLast = true;

at::MemoryFormat cl(int64_t spatial) {
  return spatial == 2 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::ChannelsLast3d;
}

// [N, s..., C] -> [N, C, s...] view; 3D: contiguous NCDHW. libtorch 1.13's oneDNN convolutions
// have no channels_last_3d path: they copy such inputs to NCDHW with ATen's slow element-wise
// copy (docs/video.md), so 3D operands are made contiguous here by a tiled transpose (free when
// the memory is NCDHW already, as for the result of a previous 3D convolution).
at::Tensor toFirst(const at::Tensor& x) {
  auto v = channelsFirstView(x);
  if (x.dim() == 5) return contiguousFast(v);
  return channelsLast ? v : v.contiguous();
}
// [k..., I, O] -> [O, I, k...] in the memory format oneDNN pairs with the input.
at::Tensor filterFirst(const at::Tensor& w) {
  int64_t n = w.dim() - 2;
  if (channelsLast && n == 2 && w.is_contiguous()) {
    // OIHW in channels_last memory is [O, kh, kw, I] in memory: the 2D transpose of tfjs' [kh*kw*I, O],
    // which ATen copies several times faster than the general 4D permutation.
    int64_t kh = w.size(0), kw = w.size(1), I = w.size(2), O = w.size(3);
    return w.view({kh * kw * I, O}).t().contiguous().view({O, kh, kw, I}).permute({0, 3, 1, 2});
  }
  if (n == 3 && w.scalar_type() == at::kFloat) {
    int64_t I = w.size(3), O = w.size(4);
    return reversedCopy(w, w.size(0) * w.size(1) * w.size(2), I, O).view({O, I, w.size(0), w.size(1), w.size(2)});
  }
  std::vector<int64_t> p = {n + 1, n};
  for (int64_t d = 0; d < n; ++d) p.push_back(d);
  auto v = w.permute(p);
  return channelsLast && n == 2 ? v.contiguous(cl(n)) : v.contiguous();
}
// [O, I, k...] -> [k..., I, O] (3D: a dense copy, as the optimizer and the collectives read it whole; 2D: a view)
at::Tensor filterLast(const at::Tensor& g) {
  if (g.dim() == 5 && g.scalar_type() == at::kFloat) {
    int64_t O = g.size(0), I = g.size(1);
    return reversedCopy(g, O, I, g.size(2) * g.size(3) * g.size(4)).view({g.size(2), g.size(3), g.size(4), I, O});
  }
  std::vector<int64_t> p;
  for (int64_t d = 2; d < g.dim(); ++d) p.push_back(d);
  p.push_back(1);
  p.push_back(0);
  return g.permute(p);
}

// Depthwise filter [k..., C, M] -> grouped filter [k..., 1, C*M] (output channel c*M + m).
at::Tensor grouped(const at::Tensor& w, int64_t groups) {
  if (groups == 1) return w;
  auto s = w.sizes().vec();
  int64_t m = s.back();
  s.pop_back();
  s.back() *= m;
  s.insert(s.end() - 1, 1);
  return w.reshape(s);
}

// Converted filters, cached per source tensor: a batch-1 convolution of the reference model spent 10-40 us of its
// 40-80 us converting its filter (a transpose, plus a second copy to NCHW for the transposed path), and a filter is
// the same tensor call after call (a variable, a folded constant of the inference plan, a replayed plan's constant).
// An entry is found by the source's TensorImpl and valid while
//  - the source lives: the entry holds a weak reference, which keeps the TensorImpl's memory (not its storage)
//    allocated, so no other tensor can take its address while the entry exists;
//  - it has the same data pointer, sizes and strides as when converted;
//  - no kernel has written into a stored tensor in place since (inPlaceWrites: the fused Adam, collectives).
// Everything else that changes a weight (assign, setWeights, tfjs' optimizers) makes a new tensor. Entries of dead
// sources are dropped when a new entry is made; beyond 64 entries or 64 MB of converted filters (a second copy of
// the filters in use: 0.2 MB for the reference model, 23 MB for the 3D video AE) the oldest go first.
// setConvFilterCache(false) bypasses it (measurements, tests).
enum class FilterKind { First, FirstContiguous, GemmTransposed };
bool filterCacheOn = true;
constexpr size_t kFilterCacheSize = 64;
constexpr size_t kFilterCacheBytes = size_t(64) << 20;

struct ConvertedFilter {
  c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl> source;
  FilterKind kind;
  int64_t groups;
  const void* data;
  std::vector<int64_t> sizes, strides;
  uint64_t writes;
  at::Tensor value;
};
thread_local std::vector<ConvertedFilter> filterCache;
thread_local uint64_t filterCacheMisses = 0;

at::Tensor convertFilter(const at::Tensor& w, FilterKind kind, int64_t groups) {
  if (kind == FilterKind::GemmTransposed) return transposedGemmFilter(w);
  auto f = filterFirst(grouped(w, groups));
  return kind == FilterKind::FirstContiguous ? f.contiguous() : f;
}

// filterFirst(grouped(w, groups)) (kind First) or its NCHW-contiguous copy (FirstContiguous), from the cache.
// The result is shared: callers must not write into it.
at::Tensor cachedFilter(const at::Tensor& w, FilterKind kind, int64_t groups) {
  if (!filterCacheOn) return convertFilter(w, kind, groups);
  const auto* impl = w.unsafeGetTensorImpl();
  const uint64_t now = inPlaceWrites();
  for (auto& c : filterCache) {
    if (c.source._unsafe_get_target() != impl || c.kind != kind || c.groups != groups) continue;
    if (c.writes == now && c.data == w.data_ptr() && w.sizes() == c.sizes && w.strides() == c.strides) return c.value;
    ++filterCacheMisses;
    c.value = convertFilter(w, kind, groups);
    c.data = w.data_ptr();
    c.sizes = w.sizes().vec();
    c.strides = w.strides().vec();
    c.writes = now;
    return c.value;
  }
  ++filterCacheMisses;
  auto value = convertFilter(w, kind, groups);
  size_t bytes = value.nbytes();
  if (bytes > kFilterCacheBytes) return value;
  filterCache.erase(std::remove_if(filterCache.begin(), filterCache.end(), [](const ConvertedFilter& c) { return c.source.expired(); }), filterCache.end());
  size_t held = 0;
  for (const auto& c : filterCache) held += c.value.nbytes();
  size_t drop = 0;
  while (drop < filterCache.size() && (filterCache.size() - drop >= kFilterCacheSize || held + bytes > kFilterCacheBytes)) held -= filterCache[drop++].value.nbytes();
  filterCache.erase(filterCache.begin(), filterCache.begin() + static_cast<std::ptrdiff_t>(drop));
  filterCache.push_back({c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>(w.getIntrusivePtr()), kind, groups,
                         w.data_ptr(), w.sizes().vec(), w.strides().vec(), now, value});
  return value;
}

struct Geometry {
  std::vector<int64_t> stride, lo, hi, dilation;
  bool symmetric() const { return lo == hi; }
};

// Arguments (strides, [lo0, hi0, lo1, hi1, ...], dilations) at positions i, i+1, i+2.
Geometry geometry(const Napi::CallbackInfo& info, size_t i) {
  Geometry g;
  g.stride = V(info, i);
  auto p = V(info, i + 1);
  g.dilation = V(info, i + 2);
  for (size_t k = 0; k < g.stride.size(); ++k) {
    g.lo.push_back(p[2 * k]);
    g.hi.push_back(p[2 * k + 1]);
  }
  return g;
}

// Channels-first input with the asymmetric part of the padding applied explicitly; returns the
// symmetric padding still to give to ATen.
at::Tensor padInput(const at::Tensor& xf, const Geometry& g, std::vector<int64_t>& pad) {
  if (g.symmetric()) {
    pad = g.lo;
    return xf;
  }
  // constant_pad_nd takes pads for the last dim first.
  std::vector<int64_t> p;
  for (int64_t k = static_cast<int64_t>(g.lo.size()) - 1; k >= 0; --k) {
    p.push_back(g.lo[k]);
    p.push_back(g.hi[k]);
  }
  pad.assign(g.lo.size(), 0);
  auto y = at::constant_pad_nd(xf, p, 0);
  return channelsLast && g.lo.size() == 2 ? y.contiguous(cl(2)) : y;
}

// x [N, s..., C] channels-first, with the asymmetric part of the padding applied; pad receives the
// symmetric padding left for ATen. 3D: one pass (channelsFirstPadded) instead of a transposed copy
// plus constant_pad_nd (fill and a strided copy, 31 ms for a 2x96x16x64x64 input on one thread).
at::Tensor firstPadded(const at::Tensor& x, const Geometry& g, std::vector<int64_t>& pad) {
  if (x.dim() != 5 || g.symmetric()) return padInput(toFirst(x), g, pad);
  pad.assign(3, 0);
  return channelsFirstPadded(x, g.lo, g.hi);
}

// Whether ATen 1.13 runs a 2D float convolution on oneDNN (ConvParams::use_mkldnn, x = the
// convolution's input, wf = OIHW filter). Below it ("for some case, native is faster": batch 1,
// 3x3 filters, small maps) ATen runs its own im2col kernel, which on channels_last operands took
// 7-10 ms instead of ~0.1 ms for the reference model's layers at batch 1 (docs/engine.md).
bool atenUsesOnednn2d(at::ScalarType type, int64_t batch, int64_t numel, int64_t kh, int64_t kw, const Geometry& g, int64_t groups) {
  if (type != at::kFloat) return true;
  bool strided = false, dilated = false;
  for (auto s : g.stride) strided |= s != 1;
  for (auto d : g.dilation) dilated |= d != 1;
  bool first = strided || dilated || batch >= 16 || kw != 1 || kh != 1 || at::get_num_threads() > 1;
  bool second = groups > 1 || (kw > 3 && kh > 3) || batch > 1 || numel > 20480;
  return first && second;
}
bool atenUsesOnednn(const at::Tensor& x, const at::Tensor& wf, const Geometry& g, int64_t groups) {
  if (x.dim() != 4) return true;
  return atenUsesOnednn2d(x.scalar_type(), x.size(0), x.numel(), wf.size(-2), wf.size(-1), g, groups);
}

// Where ATen 1.13 would not use oneDNN for a 2D forward convolution (batch 1, small maps), how it runs
// (setConvSmallPath): 0 oneDNN directly on channels_last copies (the kernel ATen runs at batch >= 2); 1 ATen's own
// kernel (im2col + BLAS, `thnn_conv2d`) on NCHW-contiguous operands, the kernel PyTorch runs for the same layer;
// 2 (default) the latter while its column buffer (in channels x kernel taps x output positions) is below 16384
// values, oneDNN above. Batch-1 sweep of 18 shapes (CPU us, filters cached, docs/engine.md "Batch-1 kernels"): below
// that size ATen's kernel took 0.57-0.95x oneDNN's time in 8 of 10 (the reference model's three layers: 22 / 35 / 33
// us vs 39 / 44 / 45), above it oneDNN was 1.2-2x faster in 6 of 8 (16x16x64 -> 128: 141 vs 214 us).
int64_t smallPath = 2;
constexpr int64_t kSmallColumns = 16384;

// How 3D convolutions and transposed convolutions run (setConv3dPath): 0 ATen's choice (oneDNN or vol2col) on NCDHW
// operands, as before; 1 the NDHWC matrix-product path (conv3d-gemm.h) wherever it applies (float, one group, a
// column buffer of at most kGemm3dColumns values per sample); 2 (default) the latter at batch 1 when oneDNN runs
// without AVX-512, where it measured faster for every layer of the video net (docs/engine.md, "The 3D net at batch 1
// on AVX2"); ATen's choice elsewhere (on AVX-512 oneDNN's direct kernels were ahead of PyTorch already).
int64_t conv3dPath = 2;
constexpr int64_t kGemm3dColumns = int64_t(1) << 24;

bool useGemm3d(const at::Tensor& x, int64_t groups, int64_t columns) {
  if (conv3dPath == 0 || x.dim() != 5 || x.scalar_type() != at::kFloat || groups != 1 || columns > kGemm3dColumns) return false;
  return conv3dPath == 1 || (x.size(0) == 1 && onednnWithoutAvx512());
}

Conv3dGeometry gemmGeometry(const Geometry& g) { return {g.stride, g.dilation, g.lo}; }

at::Tensor conv(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, const Geometry& g, int64_t groups) {
  int64_t n = static_cast<int64_t>(g.stride.size());
  if (n == 3 && x.dim() == 5) {
    std::vector<int64_t> out(3);
    int64_t columns = x.size(4) * w.size(0) * w.size(1) * w.size(2);
    for (int64_t k = 0; k < 3; ++k) {
      out[k] = (x.size(1 + k) + g.lo[k] + g.hi[k] - g.dilation[k] * (w.size(k) - 1) - 1) / g.stride[k] + 1;
      columns *= out[k];
    }
    if (useGemm3d(x, groups, columns)) return conv3dGemm(x, w, bias, gemmGeometry(g), out);
  }
  if (n == 2 && channelsLast && x.dim() == 4) {
    // ATen's test takes the padded input's size
    bool sym = g.symmetric();
    int64_t numel = sym ? x.numel() : x.size(0) * (x.size(1) + g.lo[0] + g.hi[0]) * (x.size(2) + g.lo[1] + g.hi[1]) * x.size(3);
    if (!atenUsesOnednn2d(x.scalar_type(), x.size(0), numel, w.size(0), w.size(1), g, groups)) {
      std::vector<int64_t> pad(2, 0), outPad(2, 0);
      int64_t columns = x.size(3) / groups * w.size(0) * w.size(1);
      for (int64_t k = 0; k < 2; ++k) columns *= (x.size(1 + k) + g.lo[k] + g.hi[k] - g.dilation[k] * (w.size(k) - 1) - 1) / g.stride[k] + 1;
      if (smallPath == 1 || (smallPath == 2 && columns < kSmallColumns)) {
        // the padded NCHW input in one pass (an NHWC result of an earlier convolution here is NCHW memory already)
        at::Tensor xc;
        if (sym) {
          xc = contiguousFast(toFirst(x));
          pad = g.lo;
        } else {
          xc = channelsFirstPadded(x.unsqueeze(1), {0, g.lo[0], g.lo[1]}, {0, g.hi[0], g.hi[1]}).squeeze(2);
        }
        return channelsLastView(at::convolution(xc, cachedFilter(w, FilterKind::FirstContiguous, groups), bias, g.stride, pad, g.dilation, false, outPad, groups));
      }
      // oneDNN directly (the kernel ATen runs at batch >= 2) on channels_last operands
      auto xf = firstPadded(x, g, pad);
      auto wf = cachedFilter(w, FilterKind::First, groups);
      c10::optional<at::Tensor> b = bias.defined() ? c10::optional<at::Tensor>(bias) : c10::nullopt;
      return channelsLastView(at::mkldnn_convolution(xf.contiguous(cl(2)), wf.contiguous(cl(2)), b, pad, g.stride, g.dilation, groups));
    }
  }
  std::vector<int64_t> pad;
  auto xf = firstPadded(x, g, pad);
  auto wf = cachedFilter(w, FilterKind::First, groups);
  std::vector<int64_t> outPad(n, 0);
  return channelsLastView(at::convolution(xf, wf, bias, g.stride, pad, g.dilation, false, outPad, groups));
}

// How convInputGrad computes (setConvInputGradMode, for measurements and tests): 0 always a
// transposed convolution on NCHW copies; 1 oneDNN's backward-data convolution on channels_last
// views where the geometry allows; 2 (default) the latter for results with >= 4 channels, the
// transposed convolution for the others (measured fastest, docs/engine.md); 3 the sub-pixel
// convolution wherever it applies (measured no faster, kept for measurements).
int64_t inputGradMode = 2;

// The input gradient as the backward pass of the forward convolution (at::convolution_backward
// with only the input gradient), which in libtorch 1.13 runs oneDNN's backward-data kernel on
// channels_last operands: dy's NHWC memory is used as is and no NCHW copy is made, unlike
// at::convolution(transposed), which takes a slow im2col path there (docs/engine.md).
// The forward geometry pads lo before and hi >= lo after: the backward pass runs on an input
// longer by hi - lo with symmetric padding lo, and the tail is cropped (a view).
// Returns an undefined tensor when the geometry or the shapes do not suit it.
at::Tensor convInputGradBackward(const at::Tensor& dy, const at::Tensor& w, const std::vector<int64_t>& size, const Geometry& g, int64_t groups) {
  int64_t n = static_cast<int64_t>(size.size());
  // 3D: on contiguous NCDHW operands (toFirst), where libtorch 1.13's oneDNN backward data runs
  // without copies; measured 2x faster than the im2col transposed path at 2 threads for the video
  // decoder's 128 -> 96 channels (docs/video.md). With channels_last_3d views it was slower.
  if ((n != 2 && n != 3) || !channelsLast || inputGradMode == 0) return {};
  for (int64_t k = 0; k < n; ++k) if (g.hi[k] < g.lo[k]) return {};
  auto wf = cachedFilter(w, FilterKind::First, groups);  // [O, I/groups, k...]
  int64_t inC = wf.size(1) * groups;
  // oneDNN's backward data is slow when the result has very few channels.
  if (inputGradMode >= 2 && inC < 4) return {};
  if (inputGradMode == 3) return {};
  std::vector<int64_t> xs = {dy.size(0), inC};
  for (int64_t k = 0; k < n; ++k) xs.push_back(size[k] + g.hi[k] - g.lo[k]);
  auto x = at::empty(xs, n == 2 ? dy.options().memory_format(cl(n)) : dy.options());
  // ATen would run its im2col kernel on channels_last operands (batch 1): the transposed path on NCHW copies instead
  if (n == 2 && !atenUsesOnednn(x, wf, g, groups)) return {};
  std::vector<int64_t> outPad(n, 0);
  auto r = std::get<0>(at::convolution_backward(toFirst(dy), x, wf, c10::nullopt, g.stride, g.lo, g.dilation, false, outPad, groups, {true, false, false}));
  for (int64_t k = 0; k < n; ++k) {
    if (r.size(2 + k) != size[k]) r = r.narrow(2 + k, 0, size[k]);
  }
  return channelsLastView(r);
}

// The input gradient (a transposed convolution) as ONE regular convolution plus a pixel shuffle
// ("sub-pixel" form). Tried for results with few channels, where oneDNN's backward-data kernel is
// slow; it measured no faster than the im2col path there (docs/engine.md), so only mode 3 uses it. Output position o = s*q + r of the full transposed result collects
// dy[q - j] * w[r + s*j]: for each phase r, a correlation of dy (padded by P = ceil(K/s) - 1) with
// the taps w[r + s*(P - t)]. All s_y*s_x phases become output channels of one convolution with a
// ceil(K/s)-wide kernel; the shuffle interleaves them; the crop takes [lo, lo + size).
at::Tensor convInputGradSubpixel(const at::Tensor& dy, const at::Tensor& w, const std::vector<int64_t>& size, const Geometry& g, int64_t groups) {
  int64_t n = static_cast<int64_t>(size.size());
  if (n != 2 || groups != 1 || !channelsLast || w.scalar_type() != at::kFloat) return {};
  int64_t s[2], K[2], Km[2], P[2], Q[2];
  for (int64_t k = 0; k < 2; ++k) {
    if (g.dilation[k] != 1) return {};
    s[k] = g.stride[k];
    K[k] = w.size(k);
    Km[k] = (K[k] + s[k] - 1) / s[k];
    P[k] = Km[k] - 1;
    Q[k] = dy.size(1 + k) + P[k];
    if (g.lo[k] + size[k] > s[k] * Q[k]) return {};
  }
  int64_t inC = w.size(2), outC = w.size(3), phases = s[0] * s[1];
  auto wc = w.contiguous();
  auto v = at::zeros({Km[0], Km[1], outC, phases * inC}, wc.options());
  const float* pw = wc.data_ptr<float>();
  float* pv = v.data_ptr<float>();
  for (int64_t ry = 0; ry < s[0]; ++ry)
    for (int64_t rx = 0; rx < s[1]; ++rx)
      for (int64_t ty = 0; ty < Km[0]; ++ty)
        for (int64_t tx = 0; tx < Km[1]; ++tx) {
          int64_t ky = ry + s[0] * (P[0] - ty), kx = rx + s[1] * (P[1] - tx);
          if (ky >= K[0] || kx >= K[1]) continue;
          for (int64_t co = 0; co < outC; ++co)
            for (int64_t ci = 0; ci < inC; ++ci)
              pv[((ty * Km[1] + tx) * outC + co) * phases * inC + (ry * s[1] + rx) * inC + ci] = pw[((ky * K[1] + kx) * inC + ci) * outC + co];
        }
  Geometry unit{{1, 1}, {P[0], P[1]}, {P[0], P[1]}, {1, 1}};
  auto y = conv(dy, v, {}, unit, 1).contiguous();  // [N, Qy, Qx, phases * inC]
  int64_t N = dy.size(0);
  auto full = y.view({N, Q[0], Q[1], s[0], s[1], inC}).permute({0, 1, 3, 2, 4, 5}).reshape({N, Q[0] * s[0], Q[1] * s[1], inC});
  return full.narrow(1, g.lo[0], size[0]).narrow(2, g.lo[1], size[1]);
}

// The 3D transposed convolution on the matrix-product path (useGemm3d), with a bias (or undefined) and a LeakyReLU
// (leaky) in its last pass; undefined where that path does not apply.
at::Tensor convInputGradGemm3d(const at::Tensor& dy, const at::Tensor& w, const std::vector<int64_t>& size, const Geometry& g, int64_t groups,
                               const at::Tensor& bias, bool leaky, double alpha) {
  if (size.size() != 3 || dy.dim() != 5 || w.dim() != 5) return {};
  int64_t columns = dy.size(1) * dy.size(2) * dy.size(3) * w.size(0) * w.size(1) * w.size(2) * w.size(3);
  if (!useGemm3d(dy, groups, columns) || w.scalar_type() != at::kFloat) return {};
  return convTranspose3dGemm(dy, w, [&w] { return cachedFilter(w, FilterKind::GemmTransposed, 1); }, bias, leaky, alpha, gemmGeometry(g), size);
}

// Gradient of a convolution with respect to its input of spatial sizes `size`:
// a transposed convolution, cropped to [lo, lo + size) of the full result.
at::Tensor convInputGrad(const at::Tensor& dy, const at::Tensor& w, const std::vector<int64_t>& size, const Geometry& g, int64_t groups) {
  auto viaGemm = convInputGradGemm3d(dy, w, size, g, groups, {}, false, 0);
  if (viaGemm.defined()) return viaGemm;
  auto viaBackward = convInputGradBackward(dy, w, size, g, groups);
  if (viaBackward.defined()) return viaBackward;
  if (inputGradMode == 3) {
    auto viaSubpixel = convInputGradSubpixel(dy, w, size, g, groups);
    if (viaSubpixel.defined()) return viaSubpixel;
  }
  // at::convolution(transposed) is an im2col path in libtorch 1.13, 30x slower with channels_last
  // operands than with NCHW-contiguous ones (docs/engine.md).
  auto dyf = contiguousFast(toFirst(dy));
  auto wf = cachedFilter(w, FilterKind::FirstContiguous, groups);
  int64_t n = static_cast<int64_t>(size.size());
  std::vector<int64_t> pad(n), outPad(n), crop(n, -1);
  for (int64_t k = 0; k < n; ++k) {
    int64_t full = (dyf.size(2 + k) - 1) * g.stride[k] + g.dilation[k] * (w.size(k) - 1) + 1;
    int64_t op = size[k] + 2 * g.lo[k] - full;
    int64_t maxOp = std::max(g.stride[k], g.dilation[k]) - 1;
    if (op >= 0 && op <= maxOp) {
      pad[k] = g.lo[k];
      outPad[k] = op;
    } else if (op < 0) {
      // Result longer than wanted: compute [lo, full) and crop the tail (a view).
      pad[k] = 0;
      outPad[k] = 0;
      crop[k] = g.lo[k];
    } else {
      throw std::runtime_error("conv input gradient: unsupported geometry");
    }
  }
  auto r = at::convolution(dyf, wf, {}, g.stride, pad, g.dilation, true, outPad, groups);
  for (int64_t k = 0; k < n; ++k) {
    if (crop[k] >= 0) r = r.narrow(2 + k, crop[k], size[k]);
  }
  return channelsLastView(r);
}

// Gradient of a convolution with respect to its filter of shape [k..., I, O].
at::Tensor convFilterGrad(const at::Tensor& x, const at::Tensor& dy, const std::vector<int64_t>& filterShape, const Geometry& g, int64_t groups) {
  std::vector<int64_t> pad;
  auto xf = firstPadded(x, g, pad);
  auto dyf = toFirst(dy);
  int64_t n = static_cast<int64_t>(g.stride.size());
  std::vector<int64_t> oihw = {filterShape[n + 1], filterShape[n]};
  if (groups > 1) oihw = {filterShape[n] * filterShape[n + 1], 1};
  for (int64_t k = 0; k < n; ++k) oihw.push_back(filterShape[k]);
  auto opts = xf.options();
  auto w = channelsLast && n == 2 ? at::empty(oihw, opts.memory_format(cl(2))) : at::empty(oihw, opts);
  // ATen's im2col kernel (small batches) on NCHW operands, not on channels_last views
  if (n == 2 && !atenUsesOnednn(xf, w, g, groups)) {
    xf = xf.contiguous();
    dyf = dyf.contiguous();
    w = w.contiguous();
  }
  std::vector<int64_t> outPad(n, 0);
  auto r = at::convolution_backward(dyf, xf, w, c10::nullopt, g.stride, pad, g.dilation, false, outPad, groups, {false, true, false});
  auto gw = filterLast(std::get<1>(r));
  return groups > 1 ? gw.reshape(filterShape) : gw;
}

int reg() {
  // conv(x, filter, biasId|0, strides, pads[lo,hi per dim], dilations, groups, act, alpha, preluId|0) -> id
  def("conv", [](const Napi::CallbackInfo& info) {
    const auto& x = T(info, 0);
    const auto& w = T(info, 1);
    auto bias = OT(info, 2);
    auto g = geometry(info, 3);
    int64_t groups = I(info, 6);
    int64_t outC = w.size(w.dim() - 1) * (groups > 1 ? w.size(w.dim() - 2) : 1);
    at::Tensor b1;
    if (bias.defined() && bias.numel() == outC) b1 = bias.reshape({outC});
    auto y = conv(x, w, b1, g, groups);
    if (bias.defined() && !b1.defined()) y = y + bias;
    return R(info, activate(y, I(info, 7), D(info, 8), OT(info, 9)));
  });
  // convInputGrad(dy, filter, inputSpatialSizes, strides, pads, dilations, groups) -> id
  def("convInputGrad", [](const Napi::CallbackInfo& info) {
    return R(info, convInputGrad(T(info, 0), T(info, 1), V(info, 2), geometry(info, 3), I(info, 6)));
  });
  // convTransposeBiasAct(dy, filter, inputSpatialSizes, strides, pads, dilations, groups, biasId, act, alpha) -> id: the
  // transposed convolution (convInputGrad) with a per-channel bias and an activation (activation.cc codes) applied in
  // place on its fresh result: one kernel instead of three for a folded transposed convolution of an inference plan,
  // and the result keeps the convolution's memory layout (NCHW at batch 1, which the next one takes without a copy).
  def("convTransposeBiasAct", [](const Napi::CallbackInfo& info) {
    const auto& w = T(info, 1);
    const auto& bias = T(info, 7);
    int64_t act = I(info, 8);
    // 3D at batch 1 without AVX-512: bias and LeakyReLU (as max(v, alpha * v): 0 <= alpha <= 1) in the matrix-product
    // path's last pass
    const double alpha = D(info, 9);
    if ((act == 0 || (act == 4 && alpha >= 0 && alpha <= 1)) && bias.dim() == 1 && w.dim() == 5 && bias.size(0) == w.size(3)) {
      auto y = convInputGradGemm3d(T(info, 0), w, V(info, 2), geometry(info, 3), I(info, 6), bias, act == 4, alpha);
      if (y.defined()) return R(info, y);
    }
    auto y = convInputGrad(T(info, 0), w, V(info, 2), geometry(info, 3), I(info, 6));
    if (bias.dim() != 1 || bias.size(0) != y.size(-1)) throw std::runtime_error("convTransposeBiasAct: the bias must have one value per output channel");
    y.add_(bias);
    return R(info, activate(y, I(info, 8), D(info, 9), {}));
  });
  // convFilterGrad(x, dy, filterShape, strides, pads, dilations, groups) -> id
  def("convFilterGrad", [](const Napi::CallbackInfo& info) {
    return R(info, convFilterGrad(T(info, 0), T(info, 1), V(info, 2), geometry(info, 3), I(info, 6)));
  });
  // setConvInputGradMode(0 | 1 | 2 | 3): see inputGradMode.
  def("setConvInputGradMode", [](const Napi::CallbackInfo& info) -> Napi::Value {
    inputGradMode = I(info, 0);
    return info.Env().Undefined();
  });
  // setConvFilterCache(bool): see cachedFilter. Off, conversions bypass the cache and leave it as it is.
  def("setConvFilterCache", [](const Napi::CallbackInfo& info) -> Napi::Value {
    filterCacheOn = B(info, 0);
    return info.Env().Undefined();
  }, Replay::Ignored);
  // convFilterCacheStats() -> [entries, conversions made through the cache] (tests)
  def("convFilterCacheStats", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto a = Napi::Array::New(info.Env(), 2);
    a.Set(0u, Napi::Number::New(info.Env(), double(filterCache.size())));
    a.Set(1u, Napi::Number::New(info.Env(), double(filterCacheMisses)));
    return a;
  }, Replay::Ignored);
  // setConv3dPath(0 | 1 | 2): see conv3dPath.
  def("setConv3dPath", [](const Napi::CallbackInfo& info) -> Napi::Value {
    conv3dPath = I(info, 0);
    return info.Env().Undefined();
  }, Replay::Ignored);
  // setConvSmallPath(0 | 1 | 2): see smallPath.
  def("setConvSmallPath", [](const Napi::CallbackInfo& info) -> Napi::Value {
    smallPath = I(info, 0);
    return info.Env().Undefined();
  });
  // setConvChannelsLast(bool): layout mode for measurements.
  def("setConvChannelsLast", [](const Napi::CallbackInfo& info) -> Napi::Value {
    channelsLast = B(info, 0);
    filterCache.clear();  // converted for the other layout
    return info.Env().Undefined();
  });
  return 0;
}
int registered = reg();

}  // namespace
