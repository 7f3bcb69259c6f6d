// 3D (transposed) convolutions on NDHWC memory as matrix products (conv3d-gemm.h).
#include "conv3d-gemm.h"
#include <ATen/Parallel.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

namespace ltb {

namespace {

// Result channels from which the transposed convolution goes by output phases instead of columns and a gather.
constexpr int64_t kPhaseChannels = 16;
constexpr double kPhaseWaste = 1.2;
// Input channels from which a forward convolution's columns are laid out row by row (position-major).
constexpr int64_t kRowChannels = 8;
// Values per block of position-major columns (4 MB: conv2 of the video net 17.3-18.0 ms against 19.5-20.3 unblocked,
// 18.1-18.5 with 8 MB blocks and 23.5 with 2 MB ones, whose products repack the filter too often).
constexpr int64_t kColumnBlock = int64_t(1) << 20;

// Columns of one sample's output (d, h) rows [row0, row1) (out[2] positions each): row p of cols (an output position)
// holds, tap by tap, the C input values that tap reads (zeros outside the input). x [D, H, W, C], cols [positions,
// kd*kh*kw*C], written from its top.
void vol2col(const float* x, float* cols, const int64_t in[4], const std::vector<int64_t>& k, const std::vector<int64_t>& out,
             const Conv3dGeometry& g, int64_t row0, int64_t row1) {
  const int64_t D = in[0], H = in[1], W = in[2], C = in[3];
  const int64_t K = k[0] * k[1] * k[2] * C;
  at::parallel_for(row0, row1, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t od = r / out[1], oh = r % out[1];
      for (int64_t ow = 0; ow < out[2]; ++ow) {
        float* dst = cols + ((r - row0) * out[2] + ow) * K;
        for (int64_t a = 0; a < k[0]; ++a) {
          const int64_t id = od * g.stride[0] + a * g.dilation[0] - g.lo[0];
          for (int64_t b = 0; b < k[1]; ++b) {
            const int64_t ih = oh * g.stride[1] + b * g.dilation[1] - g.lo[1];
            const bool rowIn = id >= 0 && id < D && ih >= 0 && ih < H;
            for (int64_t c = 0; c < k[2]; ++c, dst += C) {
              const int64_t iw = ow * g.stride[2] + c * g.dilation[2] - g.lo[2];
              const bool in = rowIn && iw >= 0 && iw < W;
              if (C == 1) *dst = in ? x[(id * H + ih) * W + iw] : 0.f;
              else if (in) std::memcpy(dst, x + ((id * H + ih) * W + iw) * C, sizeof(float) * C);
              else std::memset(dst, 0, sizeof(float) * C);
            }
          }
        }
      }
    }
  });
}

// Columns tap-major for inputs with few channels (C < kRowChannels), where row-major columns copy C values per tap
// and position: colsT [kd*kh*kw*C, Do*Ho*Wo], row (tap, c) the values that tap reads for every output position.
void vol2colTapMajor(const float* x, float* colsT, const int64_t in[4], const std::vector<int64_t>& k, const std::vector<int64_t>& out,
                     const Conv3dGeometry& g) {
  const int64_t D = in[0], H = in[1], W = in[2], C = in[3], P = out[0] * out[1] * out[2];
  at::parallel_for(0, k[0] * k[1] * k[2] * C, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t ci = r % C, t = r / C, a = t / (k[1] * k[2]), b = t / k[2] % k[1], c = t % k[2];
      float* dst = colsT + r * P;
      // output w positions whose input w is inside [0, W)
      const int64_t off = c * g.dilation[2] - g.lo[2], s = g.stride[2];
      int64_t ow0 = off >= 0 ? 0 : (-off + s - 1) / s;
      int64_t ow1 = W - off <= 0 ? 0 : std::min(out[2], (W - 1 - off) / s + 1);
      ow0 = std::min(ow0, out[2]);
      ow1 = std::max(ow1, ow0);
      for (int64_t od = 0; od < out[0]; ++od) {
        const int64_t id = od * g.stride[0] + a * g.dilation[0] - g.lo[0];
        for (int64_t oh = 0; oh < out[1]; ++oh, dst += out[2]) {
          const int64_t ih = oh * g.stride[1] + b * g.dilation[1] - g.lo[1];
          if (id < 0 || id >= D || ih < 0 || ih >= H) {
            std::fill(dst, dst + out[2], 0.f);
            continue;
          }
          const float* src = x + (id * H + ih) * W * C + ci;
          std::fill(dst, dst + ow0, 0.f);
          for (int64_t ow = ow0; ow < ow1; ++ow) dst[ow] = src[(ow * s + off) * C];
          std::fill(dst + ow1, dst + out[2], 0.f);
        }
      }
    }
  });
}

// Per dimension, the input position that output position p reads through tap t (q * stride + t * dilation - lo = p),
// or -1: tables[p * taps + t].
std::vector<int64_t> sources(int64_t size, int64_t taps, int64_t q, int64_t stride, int64_t dilation, int64_t lo) {
  std::vector<int64_t> t(static_cast<size_t>(size * taps), -1);
  for (int64_t p = 0; p < size; ++p) {
    for (int64_t k = 0; k < taps; ++k) {
      const int64_t v = p + lo - k * dilation;
      if (v >= 0 && v % stride == 0 && v / stride < q) t[static_cast<size_t>(p * taps + k)] = v / stride;
    }
  }
  return t;
}

// Row loops of the gather and the phases' last pass, in 8-float vectors (GCC vector extensions; AVX2 where the CPU has
// it, else two SSE halves) and without a branch per value: at -O2 a scalar LeakyReLU mispredicted on every other value
// (~20 cycles per value, 10 ms for the video net's 96-channel 16x32x32 output).
#pragma GCC diagnostic ignored "-Wpsabi"  // (the helpers below are always inlined: no vector crosses a call)
typedef float v8 __attribute__((vector_size(32)));
__attribute__((always_inline)) inline v8 load8(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline void store8(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }

// o[0..n) += s[0..n)
__attribute__((target_clones("avx2", "default"))) void addRow(float* __restrict o, const float* __restrict s, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store8(o + i, load8(o + i) + load8(s + i));
  for (; i < n; ++i) o[i] += s[i];
}
// o[0..n) = s[0..n) (+ bias), then LeakyReLU(alpha) with leaky (alpha <= 1: max(v, alpha * v))
__attribute__((target_clones("avx2", "default"))) void finishRow(float* o, const float* s, const float* __restrict bias, int64_t n,
                                                                 bool leaky, float alpha) {
  const v8 a = {alpha, alpha, alpha, alpha, alpha, alpha, alpha, alpha};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v8 v = load8(s + i);
    if (bias) v += load8(bias + i);
    if (leaky) {
      const v8 m = v * a;
      v = v > m ? v : m;
    }
    store8(o + i, v);
  }
  for (; i < n; ++i) {
    float v = bias ? s[i] + bias[i] : s[i];
    o[i] = leaky ? std::max(v, v * alpha) : v;
  }
}

// The transposed convolution's scatter done as a gather, so that every output row is written once (bias, sum of its
// taps, LeakyReLU in one pass) and rows can be split between threads: output position p collects, for each tap t with
// p = q * stride + t * dilation - lo for some input position q, cols[q, t*C .. t*C+C). out [D, H, W, C].
void col2volGather(const float* cols, float* out, const int64_t q[3], const std::vector<int64_t>& k, const std::vector<int64_t>& size,
                   int64_t C, const float* bias, bool leaky, float alpha, const Conv3dGeometry& g) {
  const int64_t K = k[0] * k[1] * k[2] * C;
  std::vector<int64_t> src[3];
  for (int dim = 0; dim < 3; ++dim) src[dim] = sources(size[dim], k[dim], q[dim], g.stride[dim], g.dilation[dim], g.lo[dim]);
  at::parallel_for(0, size[0] * size[1], 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t d = r / size[1], h = r % size[1];
      const int64_t* sd = src[0].data() + d * k[0];
      const int64_t* sh = src[1].data() + h * k[1];
      for (int64_t w = 0; w < size[2]; ++w) {
        float* o = out + (r * size[2] + w) * C;
        if (bias) std::memcpy(o, bias, sizeof(float) * C);
        else std::memset(o, 0, sizeof(float) * C);
        const int64_t* sw = src[2].data() + w * k[2];
        for (int64_t a = 0; a < k[0]; ++a) {
          if (sd[a] < 0) continue;
          for (int64_t b = 0; b < k[1]; ++b) {
            if (sh[b] < 0) continue;
            const float* row = cols + (sd[a] * q[1] + sh[b]) * q[2] * K + (a * k[1] + b) * k[2] * C;
            for (int64_t c = 0; c < k[2]; ++c) {
              if (sw[c] < 0) continue;
              const float* s = row + sw[c] * K + c * C;
              if (C == 1) *o += *s;
              else addRow(o, s, C);
            }
          }
        }
        if (leaky) finishRow(o, o, nullptr, C, true, alpha);
      }
    }
  });
}

// The taps of one output phase along one dimension: output positions p = stride * m + r read dy at m + e through tap t.
struct PhaseTaps {
  int64_t count = 0;                      // positions of this phase in [0, size)
  std::vector<std::pair<int64_t, int64_t>> taps;  // (t, e)
};

// The transposed convolution by output phases ("sub-pixel"): for stride s the outputs p = s * m + r of one phase r
// (per dimension) are a stride-1 correlation of dy with the taps t where (r + lo - t * dilation) is a multiple of s,
// each reading dy at m + e. Per phase, every tap is one matrix product dy_shifted [rows, O] x w[t]^T [O, C] added into
// the phase's [rows, C] buffer; the shifts are constant row offsets of a copy of dy zero-padded in H and W (depth:
// clipped row ranges), and rows of the padded grid outside the phase's positions only collect values never read.
// No column buffer and no scatter: the last pass writes every output row once, with bias and LeakyReLU.
// Returns false, doing nothing, where the columns path is expected to be faster: fewer than kPhaseChannels result
// channels (a product per tap with a handful of columns), or a padded H x W grid over kPhaseWaste times dy's (small
// maps: the padding rows are computed and thrown away).
bool transposeByPhases(const at::Tensor& dy, const at::Tensor& w, const float* bias, bool leaky, float alpha, const Conv3dGeometry& g,
                       const std::vector<int64_t>& size, at::Tensor& x) {
  const int64_t N = dy.size(0), O = dy.size(4), C = w.size(3);
  const int64_t q[3] = {dy.size(1), dy.size(2), dy.size(3)};
  const int64_t k[3] = {w.size(0), w.size(1), w.size(2)};
  std::vector<PhaseTaps> ph[3];
  int64_t padLo[3] = {0, 0, 0}, padHi[3] = {0, 0, 0};
  for (int dim = 0; dim < 3; ++dim) {
    const int64_t s = g.stride[dim];
    ph[dim].resize(static_cast<size_t>(s));
    for (int64_t r = 0; r < s; ++r) {
      auto& P = ph[dim][static_cast<size_t>(r)];
      P.count = r < size[dim] ? (size[dim] - r + s - 1) / s : 0;
      if (P.count == 0) continue;
      for (int64_t t = 0; t < k[dim]; ++t) {
        const int64_t v = r + g.lo[dim] - t * g.dilation[dim];
        if (((v % s) + s) % s != 0) continue;
        const int64_t e = v / s;  // exact
        P.taps.emplace_back(t, e);
        padLo[dim] = std::max(padLo[dim], -e);
        padHi[dim] = std::max(padHi[dim], P.count - 1 + e - (q[dim] - 1));
      }
    }
  }
  // dy zero-padded in H and W (the grid of every phase buffer too)
  const int64_t Gh = padLo[1] + q[1] + padHi[1], Gw = padLo[2] + q[2] + padHi[2], slab = Gh * Gw;
  if (C < kPhaseChannels || double(slab) > kPhaseWaste * double(q[1] * q[2])) return false;
  at::Tensor dyP = (Gh == q[1] && Gw == q[2]) ? at::Tensor() : at::zeros({q[0], Gh, Gw, O}, dy.options());
  auto wv = w.view({k[0], k[1], k[2], C, O});
  // one buffer per phase (every phase's products first, then one pass writing the output in order: writing each
  // phase's positions straight into the output, a strided pattern, measured 4x slower than this)
  const int64_t S = g.stride[0] * g.stride[1] * g.stride[2];
  std::vector<int64_t> at0(static_cast<size_t>(S) + 1, 0);
  for (int64_t i = 0; i < S; ++i) {
    const int64_t rd = i / (g.stride[1] * g.stride[2]);
    at0[static_cast<size_t>(i) + 1] = at0[static_cast<size_t>(i)] + ph[0][static_cast<size_t>(rd)].count * slab * C;
  }
  auto buf = at::empty({std::max<int64_t>(1, at0.back())}, dy.options());
  float* bufd = buf.data_ptr<float>();
  for (int64_t n = 0; n < N; ++n) {
    auto dyn = dy.select(0, n);
    if (dyP.defined()) {
      const float* src = dyn.data_ptr<float>();
      float* dst = dyP.data_ptr<float>();
      for (int64_t d = 0; d < q[0]; ++d)
        for (int64_t h = 0; h < q[1]; ++h)
          std::memcpy(dst + ((d * Gh + h + padLo[1]) * Gw + padLo[2]) * O, src + (d * q[1] + h) * q[2] * O, sizeof(float) * q[2] * O);
    }
    auto dy2 = (dyP.defined() ? dyP : dyn).view({q[0] * slab, O});
    for (int64_t i = 0; i < S; ++i) {
      const int64_t rd = i / (g.stride[1] * g.stride[2]), rh = i / g.stride[2] % g.stride[1], rw = i % g.stride[2];
      const auto &Pd = ph[0][static_cast<size_t>(rd)], &Ph = ph[1][static_cast<size_t>(rh)], &Pw = ph[2][static_cast<size_t>(rw)];
      if (Pd.count == 0 || Ph.count == 0 || Pw.count == 0) continue;
      auto pb = buf.narrow(0, at0[static_cast<size_t>(i)], Pd.count * slab * C).view({Pd.count * slab, C});
      pb.zero_();
      for (const auto& [td, ed] : Pd.taps) {
        const int64_t md0 = std::max<int64_t>(0, -ed), md1 = std::min(Pd.count, q[0] - ed);
        if (md0 >= md1) continue;
        for (const auto& [th, eh] : Ph.taps)
          for (const auto& [tw, ew] : Pw.taps) {
            const int64_t off = ed * slab + eh * Gw + ew;
            const int64_t L0 = std::max(md0 * slab, -off), L1 = std::min(md1 * slab, q[0] * slab - off);
            if (L0 >= L1) continue;
            pb.narrow(0, L0, L1 - L0).addmm_(dy2.narrow(0, L0 + off, L1 - L0), wv[td][th][tw].t());
          }
      }
    }
    float* out = x.data_ptr<float>() + n * size[0] * size[1] * size[2] * C;
    at::parallel_for(0, size[0] * size[1], 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t d = r / size[1], h = r % size[1];
        const int64_t rd = d % g.stride[0], md = d / g.stride[0], rh = h % g.stride[1], mh = h / g.stride[1];
        for (int64_t wpos = 0; wpos < size[2]; ++wpos) {
          const int64_t rw = wpos % g.stride[2], mw = wpos / g.stride[2];
          const int64_t i = (rd * g.stride[1] + rh) * g.stride[2] + rw;
          const float* src = bufd + at0[static_cast<size_t>(i)] + ((md * Gh + mh + padLo[1]) * Gw + mw + padLo[2]) * C;
          finishRow(out + (r * size[2] + wpos) * C, src, bias, C, leaky, alpha);
        }
      }
    });
  }
  return true;
}

// A transposed convolution to ONE result channel: colsT [taps, Q] = w as [taps, O] x dy^T (the products of every tap for
// every input position, tap-major), then per output row the taps that reach it, added along W phase by phase (output w =
// s * m + r reads input m + e): contiguous reads, no branch per value. x [size..., 1] per sample.
void transposeToOneChannel(const at::Tensor& dy, const at::Tensor& w, const float* bias, bool leaky, float alpha, const Conv3dGeometry& g,
                           const std::vector<int64_t>& size, at::Tensor& x) {
  const int64_t N = dy.size(0), O = dy.size(4);
  const int64_t q[3] = {dy.size(1), dy.size(2), dy.size(3)};
  const int64_t k[3] = {w.size(0), w.size(1), w.size(2)};
  const int64_t Q = q[0] * q[1] * q[2], taps = k[0] * k[1] * k[2];
  std::vector<int64_t> src[2];
  for (int dim = 0; dim < 2; ++dim) src[dim] = sources(size[dim], k[dim], q[dim], g.stride[dim], g.dilation[dim], g.lo[dim]);
  // along W: per phase r, the taps (c, e)
  const int64_t sW = g.stride[2];
  std::vector<std::vector<std::pair<int64_t, int64_t>>> wTaps(static_cast<size_t>(sW));
  for (int64_t r = 0; r < sW; ++r)
    for (int64_t c = 0; c < k[2]; ++c) {
      const int64_t v = r + g.lo[2] - c * g.dilation[2];
      if (((v % sW) + sW) % sW == 0) wTaps[static_cast<size_t>(r)].emplace_back(c, v / sW);
    }
  auto wm = w.contiguous().view({taps, O});
  auto colsT = at::empty({taps, Q}, dy.options());
  const float b0 = bias ? bias[0] : 0.f;
  for (int64_t n = 0; n < N; ++n) {
    at::mm_out(colsT, wm, dy.select(0, n).view({Q, O}).t());
    const float* ct = colsT.data_ptr<float>();
    float* out = x.data_ptr<float>() + n * size[0] * size[1] * size[2];
    at::parallel_for(0, size[0] * size[1], 1, [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t d = r / size[1], h = r % size[1];
        float* o = out + r * size[2];
        std::fill(o, o + size[2], b0);
        for (int64_t a = 0; a < k[0]; ++a) {
          const int64_t sd = src[0][static_cast<size_t>(d * k[0] + a)];
          if (sd < 0) continue;
          for (int64_t b = 0; b < k[1]; ++b) {
            const int64_t sh = src[1][static_cast<size_t>(h * k[1] + b)];
            if (sh < 0) continue;
            const float* row = ct + (a * k[1] + b) * k[2] * Q + (sd * q[1] + sh) * q[2];
            for (int64_t rw = 0; rw < sW && rw < size[2]; ++rw) {
              const int64_t count = (size[2] - rw + sW - 1) / sW;
              for (const auto& [c, e] : wTaps[static_cast<size_t>(rw)]) {
                const float* in = row + c * Q;
                const int64_t m0 = std::max<int64_t>(0, -e), m1 = std::min(count, q[2] - e);
                for (int64_t m = m0; m < m1; ++m) o[sW * m + rw] += in[m + e];
              }
            }
          }
        }
        if (leaky) {
          for (int64_t i = 0; i < size[2]; ++i) o[i] = std::max(o[i], o[i] * alpha);
        }
      }
    });
  }
}

}  // namespace

at::Tensor conv3dGemm(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias, const Conv3dGeometry& g, const std::vector<int64_t>& outSize) {
  auto xc = x.contiguous();
  auto wc = w.contiguous();
  const int64_t N = xc.size(0), C = xc.size(4), O = wc.size(4);
  const std::vector<int64_t> k = {wc.size(0), wc.size(1), wc.size(2)};
  const int64_t K = k[0] * k[1] * k[2] * C, P = outSize[0] * outSize[1] * outSize[2];
  const int64_t in[4] = {xc.size(1), xc.size(2), xc.size(3), C};
  auto y = at::empty({N, outSize[0], outSize[1], outSize[2], O}, xc.options());
  const bool tapMajor = C < kRowChannels;
  auto wm = wc.view({K, O});
  // position-major columns in blocks of output rows of at most kColumnBlock values: the block is still in cache when
  // the product reads it (all of conv2's columns, 21 MB, went out to memory and back) and less memory is touched
  const int64_t rows = outSize[0] * outSize[1], perRow = outSize[2] * K;
  const int64_t block = tapMajor ? rows : std::max<int64_t>(1, std::min(rows, kColumnBlock / std::max<int64_t>(1, perRow)));
  auto cols = tapMajor ? at::empty({K, P}, xc.options()) : at::empty({block * outSize[2], K}, xc.options());
  for (int64_t n = 0; n < N; ++n) {
    const float* xn = xc.data_ptr<float>() + n * in[0] * in[1] * in[2] * C;
    auto yn = y.select(0, n).view({P, O});
    for (int64_t r0 = 0; r0 < rows; r0 += block) {
      const int64_t r1 = std::min(rows, r0 + block);
      at::Tensor a;
      if (tapMajor) {
        vol2colTapMajor(xn, cols.data_ptr<float>(), in, k, outSize, g);
        a = cols.t();
      } else {
        vol2col(xn, cols.data_ptr<float>(), in, k, outSize, g, r0, r1);
        a = cols.narrow(0, 0, (r1 - r0) * outSize[2]);
      }
      auto yb = yn.narrow(0, r0 * outSize[2], (r1 - r0) * outSize[2]);
      if (bias.defined()) at::addmm_out(yb, bias, a, wm);
      else at::mm_out(yb, a, wm);
    }
  }
  return y;
}

at::Tensor transposedGemmFilter(const at::Tensor& w) {
  return w.reshape({-1, w.size(4)}).t().contiguous();
}

at::Tensor convTranspose3dGemm(const at::Tensor& dy, const at::Tensor& w, const std::function<at::Tensor()>& wtOf, const at::Tensor& bias, bool leaky,
                               double alpha, const Conv3dGeometry& g, const std::vector<int64_t>& size) {
  auto dyc = dy.contiguous();
  const int64_t N = dyc.size(0), O = dyc.size(4), inC = w.size(3);
  const std::vector<int64_t> kernel = {w.size(0), w.size(1), w.size(2)};
  const int64_t q[3] = {dyc.size(1), dyc.size(2), dyc.size(3)};
  const int64_t Q = q[0] * q[1] * q[2];
  auto x = at::empty({N, size[0], size[1], size[2], inC}, dyc.options());
  auto b = bias.defined() ? bias.contiguous() : bias;
  const float* bp = b.defined() ? b.data_ptr<float>() : nullptr;
  if (inC == 1) {
    transposeToOneChannel(dyc, w, bp, leaky, static_cast<float>(alpha), g, size, x);
    return x;
  }
  if (transposeByPhases(dyc, w.contiguous(), bp, leaky, static_cast<float>(alpha), g, size, x)) return x;
  auto wt = wtOf();
  auto cols = at::empty({Q, wt.size(1)}, dyc.options());
  for (int64_t n = 0; n < N; ++n) {
    at::mm_out(cols, dyc.select(0, n).view({Q, O}), wt);
    col2volGather(cols.data_ptr<float>(), x.data_ptr<float>() + n * size[0] * size[1] * size[2] * inC, q, kernel, size, inC,
                  b.defined() ? b.data_ptr<float>() : nullptr, leaky, static_cast<float>(alpha), g);
  }
  return x;
}

bool onednnWithoutAvx512() {
  static const bool without = [] {
    for (const char* name : {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"}) {
      const char* v = std::getenv(name);
      if (!v || !*v) continue;
      std::string s(v);
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      if (s.rfind("SSE", 0) == 0 || s.rfind("AVX", 0) == 0) {
        if (s.rfind("AVX512", 0) != 0) return true;
      }
    }
    return !__builtin_cpu_supports("avx512f");
  }();
  return without;
}

}  // namespace ltb
