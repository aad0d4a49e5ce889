// MaxPool and MaxPoolGrad (src/kernels/max_pool.ts), written out: pooling is memory-bound, and
// tfjs's backward pass (MaxPoolGrad gets the input, not a workspace) needs the position of each
// window's first maximum, as tfjs's cpu backend picks it.
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"
#include "geometry.h"

#include <algorithm>
#include <limits>
#include <vector>
#include <cstdint>

namespace unet_native {
namespace {

// Each channel's first maximum over a window's pixels, visited in row-major order: the channels
// are the inner loop, contiguous in NHWC, so that it vectorises (the loop it replaces searched
// each channel's window in turn, a strided read per pixel).
struct WindowBest {
  std::vector<float> value;
  std::vector<int64_t> index;

  explicit WindowBest(int64_t channels) : value(channels), index(channels) {}

  void reset() {
    std::fill(value.begin(), value.end(), -std::numeric_limits<float>::infinity());
    std::fill(index.begin(), index.end(), int64_t(-1));
  }

  // The pixel whose channels start at input[offset]; a later pixel wins only when strictly larger.
  void visit(const float* input, int64_t offset) { visitChannels(input + offset, offset, int64_t(value.size()), value.data(), index.data()); }

  UNET_VECTOR_CLONES static void visitChannels(const float* __restrict pixel, int64_t offset, int64_t channels,
                                               float* __restrict best, int64_t* __restrict bestIndex) {
    for (int64_t c = 0; c < channels; c++) {
      const bool better = bestIndex[c] < 0 || pixel[c] > best[c];
      best[c] = better ? pixel[c] : best[c];
      bestIndex[c] = better ? offset + c : bestIndex[c];
    }
  }
};

// target = max(target, pixel) per channel; compiled for AVX-512, AVX2 and the baseline (a plain
// loop in the kernel got SSE2 only: 4 floats a step where AVX-512 takes 16).
UNET_VECTOR_CLONES void maxInto(const float* __restrict pixel, int64_t channels, float* __restrict target) {
  for (int64_t c = 0; c < channels; c++) target[c] = std::max(target[c], pixel[c]);
}

// One output row of the U-Net's 2x2 stride-2 pooling from its two input rows: the same maxima in
// the same order as the general loop (starting from -inf, then the window's pixels in row-major
// order), in one vectorised pass rather than four calls a pixel (a small forward pass's four
// poolings: 2.3 ms in the general loop, 1.1 ms so, on the 2-core AMD EPYC VM of 2026-12-07).
UNET_VECTOR_CLONES void pool2x2Row(const float* __restrict top, const float* __restrict bottom, int64_t outWidth,
                                   int64_t channels, float* __restrict out) {
  for (int64_t xo = 0; xo < outWidth; xo++) {
    const float* topLeft = top + 2 * xo * channels;
    const float* bottomLeft = bottom + 2 * xo * channels;
    float* target = out + xo * channels;
    for (int64_t c = 0; c < channels; c++) {
      float best = -std::numeric_limits<float>::infinity();
      best = std::max(best, topLeft[c]);
      best = std::max(best, topLeft[channels + c]);
      best = std::max(best, bottomLeft[c]);
      best = std::max(best, bottomLeft[channels + c]);
      target[c] = best;
    }
  }
}

bool isValid2x2(const PoolGeometry& g) {
  return g.filterHeight == 2 && g.filterWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 &&
         g.dilationHeight == 1 && g.dilationWidth == 1 && g.padTop == 0 && g.padLeft == 0 &&
         2 * g.outHeight <= g.inHeight && 2 * g.outWidth <= g.inWidth;
}

}  // namespace

// maxPool(x, params: Int32Array(14), out)
napi_value MaxPool(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPool", [&] {
    auto args = arguments(env, info, 3);
    PoolGeometry g(ints(env, args[1], "params"));
    Floats x = floats(env, args[0], "x");
    Floats out = floats(env, args[2], "out");
    expectLength(x, g.inputSize(), "x");
    expectLength(out, g.outputSize(), "out");
    const float* input = x.data;
    float* output = out.data;
    const int64_t rows = g.batch * g.outHeight;
    if (isValid2x2(g)) {
      const int64_t inRow = g.inWidth * g.channels;
#pragma omp parallel for schedule(static)
      for (int64_t row = 0; row < rows; row++) {
        const int64_t b = row / g.outHeight, y = row % g.outHeight;
        const float* top = input + (b * g.inHeight + 2 * y) * inRow;
        pool2x2Row(top, top + inRow, g.outWidth, g.channels, output + row * g.outWidth * g.channels);
      }
      return;
    }
#pragma omp parallel for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      const int64_t b = row / g.outHeight, y = row % g.outHeight;
      for (int64_t xo = 0; xo < g.outWidth; xo++) {
        float* target = output + ((row * g.outWidth) + xo) * g.channels;
        for (int64_t c = 0; c < g.channels; c++) target[c] = -std::numeric_limits<float>::infinity();
        for (int64_t fy = 0; fy < g.filterHeight; fy++) {
          const int64_t iy = y * g.strideHeight - g.padTop + fy * g.dilationHeight;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (int64_t fx = 0; fx < g.filterWidth; fx++) {
            const int64_t ix = xo * g.strideWidth - g.padLeft + fx * g.dilationWidth;
            if (ix < 0 || ix >= g.inWidth) continue;
            maxInto(input + ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels, g.channels, target);
          }
        }
      }
    }
  });
}

// maxPoolGrad(dy, x, params: Int32Array(14), dx): dx receives each dy at its window's first
// maximum (row-major order in the window), as tfjs's cpu backend does.
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPoolGrad", [&] {
    auto args = arguments(env, info, 4);
    PoolGeometry g(ints(env, args[2], "params"));
    Floats dy = floats(env, args[0], "dy");
    Floats x = floats(env, args[1], "x");
    Floats dx = floats(env, args[3], "dx");
    expectLength(dy, g.outputSize(), "dy");
    expectLength(x, g.inputSize(), "x");
    expectLength(dx, g.inputSize(), "dx");
    std::fill(dx.data, dx.data + dx.length, 0.f);
    const float* input = x.data;
    const float* upstream = dy.data;
    float* gradient = dx.data;
    // Windows that do not overlap write disjoint pixels and can go in parallel by output row;
    // overlapping ones are split by image only.
    const bool disjointRows = g.strideHeight >= (g.filterHeight - 1) * g.dilationHeight + 1;
    const int64_t rows = g.batch * g.outHeight;
    auto poolRow = [&](int64_t row, WindowBest& window) {
      const int64_t b = row / g.outHeight, y = row % g.outHeight;
      for (int64_t xo = 0; xo < g.outWidth; xo++) {
        window.reset();
        for (int64_t fy = 0; fy < g.filterHeight; fy++) {
          const int64_t iy = y * g.strideHeight - g.padTop + fy * g.dilationHeight;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (int64_t fx = 0; fx < g.filterWidth; fx++) {
            const int64_t ix = xo * g.strideWidth - g.padLeft + fx * g.dilationWidth;
            if (ix < 0 || ix >= g.inWidth) continue;
            window.visit(input, ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels);
          }
        }
        const float* up = upstream + ((row * g.outWidth) + xo) * g.channels;
        for (int64_t c = 0; c < g.channels; c++) {
          if (window.index[c] >= 0) gradient[window.index[c]] += up[c];
        }
      }
    };
    if (disjointRows) {
#pragma omp parallel
      {
        WindowBest window(g.channels);
#pragma omp for schedule(static)
        for (int64_t row = 0; row < rows; row++) poolRow(row, window);
      }
    } else {
#pragma omp parallel
      {
        WindowBest window(g.channels);
#pragma omp for schedule(static)
        for (int64_t b = 0; b < g.batch; b++) {
          for (int64_t y = 0; y < g.outHeight; y++) poolRow(b * g.outHeight + y, window);
        }
      }
    }
  });
}

}  // namespace unet_native
