// FusedBatchNorm (src/kernels/batch_norm.ts): inference-mode batch norm with given statistics.
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"

#include <algorithm>
#include <cmath>
#include <vector>
#include <cstdint>

namespace unet_native {
namespace {

// out = offset + (x - mean) * factor per channel, in double, rounded once; restrict pointers
// (which a lambda's captures would hide) so that the loop vectorises.
UNET_VECTOR_CLONES
void batchNormRows(const float* __restrict x, const double* __restrict mean, const double* __restrict factor,
                   const double* __restrict offset, int64_t rows, int64_t channels, float* __restrict out) {
#pragma omp parallel for schedule(static) if (rows * channels > 32768)
  for (int64_t row = 0; row < rows; row++) {
    const float* __restrict source = x + row * channels;
    float* __restrict target = out + row * channels;
    for (int64_t c = 0; c < channels; c++) target[c] = float(offset[c] + (double(source[c]) - mean[c]) * factor[c]);
  }
}

}  // namespace

// batchNorm(x, mean, variance, offset | null, scale | null, epsilon, out): x is [rows, channels];
// each of mean, variance, offset, scale has `channels` values or one (broadcast).
// out = offset + (x - mean) * scale / sqrt(variance + epsilon), as tfjs's cpu backend computes it.
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNorm", [&] {
    auto args = arguments(env, info, 7);
    Floats x = floats(env, args[0], "x");
    Floats mean = floats(env, args[1], "mean");
    Floats variance = floats(env, args[2], "variance");
    Floats offset = optionalFloats(env, args[3], "offset");
    Floats scale = optionalFloats(env, args[4], "scale");
    const double epsilon = number(env, args[5]);
    Floats out = floats(env, args[6], "out");
    expectLength(out, x.length, "out");
    const int64_t channels = int64_t(std::max({mean.length, variance.length, offset.length, scale.length}));
    if (channels < 1 || x.length % channels != 0) throw ArgumentError("batchNorm: x's size is not a multiple of the channels");
    // Per channel: out = x * multiplier + shift would round differently from the cpu backend, so
    // the same expression is kept, with the per-channel parts precomputed in double.
    std::vector<double> channelMean(channels), channelFactor(channels), channelOffset(channels);
    for (int64_t c = 0; c < channels; c++) {
      auto at = [c](const Floats& values, double otherwise) {
        return values.length == 0 ? otherwise : double(values.data[values.length == 1 ? 0 : c]);
      };
      channelMean[c] = at(mean, 0);
      channelFactor[c] = at(scale, 1) / std::sqrt(at(variance, 0) + epsilon);
      channelOffset[c] = at(offset, 0);
    }
    batchNormRows(x.data, channelMean.data(), channelFactor.data(), channelOffset.data(), int64_t(x.length) / channels,
                  channels, out.data);
  });
}

}  // namespace unet_native
