// Tiled batched 2D transpose for channel-order conversions (see transpose.h).
#include "transpose.h"
#include <ATen/Parallel.h>

namespace ltb {

namespace {

constexpr int64_t TILE = 32;

// dst[n * outBatch + r * outRow + c] = src[n * inBatch + c * inRow + r] for n < N, r < R, c < C: a batched 2D
// transpose with any row and batch strides, by 32x32 tiles.
void tiledTranspose(const float* src, float* dst, int64_t N, int64_t R, int64_t C, int64_t inBatch, int64_t inRow, int64_t outBatch,
                    int64_t outRow) {
  int64_t tr = (R + TILE - 1) / TILE, tc = (C + TILE - 1) / TILE;
  at::parallel_for(0, N * tr * tc, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      int64_t n = t / (tr * tc), q = t % (tr * tc);
      int64_t r0 = (q / tc) * TILE, c0 = (q % tc) * TILE;
      int64_t r1 = std::min(R, r0 + TILE), c1 = std::min(C, c0 + TILE);
      const float* in = src + n * inBatch;
      float* out = dst + n * outBatch;
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) out[r * outRow + c] = in[c * inRow + r];
    }
  });
}

// out[n][a][b] = in[n][b][a] for n < N, a < A, b < B (both dense).
void transpose(const float* in, float* out, int64_t N, int64_t A, int64_t B) {
  tiledTranspose(in, out, N, A, B, A * B, A, A * B, B);
}

}  // namespace

at::Tensor transposedCopy(const at::Tensor& t) {
  if (t.scalar_type() != at::kFloat || t.is_contiguous() || t.numel() == 0) return {};
  // Logical dims without size-1 ones, adjacent ones merged where contiguous with each other.
  std::vector<int64_t> size, stride;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 1) continue;
    if (!size.empty() && stride.back() == t.stride(d) * t.size(d)) {
      size.back() *= t.size(d);
      stride.back() = t.stride(d);
    } else {
      size.push_back(t.size(d));
      stride.push_back(t.stride(d));
    }
  }
  int64_t N = 1, A, B;
  if (size.size() == 3) {
    N = size[0];
    A = size[1];
    B = size[2];
    if (stride[0] != A * B) return {};
    size.erase(size.begin());
    stride.erase(stride.begin());
  } else if (size.size() == 2) {
    A = size[0];
    B = size[1];
  } else {
    return {};
  }
  if (stride[0] != 1 || stride[1] != A) return {};
  auto out = at::empty(t.sizes(), t.options());
  // The memory starts at the lowest address the view touches: its data pointer (all strides >= 0).
  transpose(t.data_ptr<float>(), out.data_ptr<float>(), N, A, B);
  return out;
}

at::Tensor channelsFirstPadded(const at::Tensor& x, const std::vector<int64_t>& lo, const std::vector<int64_t>& hi) {
  auto first = x.permute({0, 4, 1, 2, 3});
  bool none = true, negative = false;
  for (size_t k = 0; k < 3; ++k) {
    none = none && lo[k] == 0 && hi[k] == 0;
    negative = negative || lo[k] < 0 || hi[k] < 0;
  }
  if (none) return contiguousFast(first);
  bool ndhwc = x.is_contiguous(), ncdhw = first.is_contiguous();
  if (x.scalar_type() != at::kFloat || (!ndhwc && !ncdhw) || negative) {  // (negative pads crop)
    std::vector<int64_t> p = {lo[2], hi[2], lo[1], hi[1], lo[0], hi[0]};
    return at::constant_pad_nd(contiguousFast(first), p, 0);
  }
  int64_t N = x.size(0), D = x.size(1), H = x.size(2), W = x.size(3), C = x.size(4);
  int64_t Dp = D + lo[0] + hi[0], Hp = H + lo[1] + hi[1], Wp = W + lo[2] + hi[2];
  auto out = at::empty({N, C, Dp, Hp, Wp}, x.options());
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  int64_t plane = Dp * Hp * Wp;  // one output channel
  if (ncdhw) {
    // One task per output (n, c, d') slab: contiguous reads and writes.
    at::parallel_for(0, N * C * Dp, 1, [&](int64_t s0, int64_t s1) {
      for (int64_t s = s0; s < s1; ++s) {
        int64_t nc = s / Dp, dp = s % Dp, d = dp - lo[0];
        float* o = dst + nc * plane + dp * Hp * Wp;
        if (d < 0 || d >= D) {
          std::fill(o, o + Hp * Wp, 0.f);
          continue;
        }
        const float* in = src + (nc * D + d) * H * W;
        std::fill(o, o + lo[1] * Wp, 0.f);
        for (int64_t h = 0; h < H; ++h) {
          float* row = o + (lo[1] + h) * Wp;
          std::fill(row, row + lo[2], 0.f);
          std::copy_n(in + h * W, W, row + lo[2]);
          std::fill(row + lo[2] + W, row + Wp, 0.f);
        }
        std::fill(o + (lo[1] + H) * Wp, o + Hp * Wp, 0.f);
      }
    });
    return out;
  }
  // NDHWC source: one task per output row position (n, d', h'), all C channels of that row.
  at::parallel_for(0, N * Dp * Hp, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t n = r / (Dp * Hp), dp = (r / Hp) % Dp, hp = r % Hp;
      int64_t d = dp - lo[0], h = hp - lo[1];
      float* row = dst + n * C * plane + (dp * Hp + hp) * Wp;  // channel 0; channel c at + c * plane
      if (d < 0 || d >= D || h < 0 || h >= H) {
        for (int64_t c = 0; c < C; ++c) std::fill(row + c * plane, row + c * plane + Wp, 0.f);
        continue;
      }
      for (int64_t c = 0; c < C; ++c) {
        std::fill(row + c * plane, row + c * plane + lo[2], 0.f);
        std::fill(row + c * plane + lo[2] + W, row + c * plane + Wp, 0.f);
      }
      // the W x C block at ((n * D + d) * H + h) * W * C, transposed in tiles
      const float* blk = src + ((n * D + d) * H + h) * W * C;
      for (int64_t c0 = 0; c0 < C; c0 += TILE)
        for (int64_t w0 = 0; w0 < W; w0 += TILE) {
          int64_t c1 = std::min(C, c0 + TILE), w1 = std::min(W, w0 + TILE);
          for (int64_t c = c0; c < c1; ++c) {
            float* o = row + c * plane + lo[2];
            for (int64_t w = w0; w < w1; ++w) o[w] = blk[w * C + c];
          }
        }
    }
  });
  return out;
}

at::Tensor channelsFirstView(const at::Tensor& x) {
  std::vector<int64_t> p = {0, x.dim() - 1};
  for (int64_t d = 1; d < x.dim() - 1; ++d) p.push_back(d);
  return x.permute(p);
}

at::Tensor channelsLastView(const at::Tensor& y) {
  std::vector<int64_t> p = {0};
  for (int64_t d = 2; d < y.dim(); ++d) p.push_back(d);
  p.push_back(1);
  return y.permute(p);
}

at::Tensor reversedCopy(const at::Tensor& t, int64_t A, int64_t B, int64_t C) {
  auto src = t.contiguous();
  auto out = at::empty({C, B, A}, t.options());
  const float* in = src.data_ptr<float>();
  float* o = out.data_ptr<float>();
  // one pass: for each b, the [A, C] slice (rows B*C apart) transposed into the [C, A] slice (rows B*A apart)
  tiledTranspose(in, o, B, C, A, C, B * C, A, B * A);
  return out;
}

at::Tensor contiguousFast(const at::Tensor& t) {
  if (t.is_contiguous()) return t;
  auto r = transposedCopy(t);
  return r.defined() ? r : t.contiguous();
}

}  // namespace ltb
