// UnetWeightedCrossEntropy and its gradient (src/kernels/weighted_cross_entropy.ts; the contract
// is in @unet/train's losses/cross_entropy_kernels.ts): the paper's weighted softmax
// cross-entropy in one pass over the logits each way, where tfjs's ops ran a max, an exp, a
// log, three sums and a dozen elementwise kernels over the [pixels, classes] tensor.
#include "kernels.h"
#include "napi_arguments.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace unet_native {
namespace {

struct CrossEntropyShape {
  int64_t pixels, classes, ignoreLabel;
  bool ignores, perPixel;

  explicit CrossEntropyShape(const Ints& params, const char* kernelName) {
    if (params.length != 5) throw ArgumentError(std::string(kernelName) + " parameters must have 5 entries");
    pixels = params.data[0], classes = params.data[1], ignoreLabel = params.data[2];
    ignores = params.data[3] != 0, perPixel = params.data[4] != 0;
    if (classes < 1) throw ArgumentError(std::string(kernelName) + ": there must be at least one class");
  }

  // v of the contract: whether the pixel counts.
  bool counts(int32_t label) const { return !ignores || label != ignoreLabel; }
  // The class o is the one-hot of (-1: none, for a label outside [0, classes)).
  int64_t hotClass(int32_t label) const {
    const int64_t safe = counts(label) ? label : 0;
    return safe >= 0 && safe < classes ? safe : -1;
  }
};

// Softmax's log-normaliser of one pixel's logits: max + log(sum exp(x - max)), in double.
double logNormaliser(const float* logits, int64_t classes, double& largest) {
  largest = logits[0];
  for (int64_t c = 1; c < classes; c++) largest = std::max(largest, double(logits[c]));
  double sum = 0;
  for (int64_t c = 0; c < classes; c++) sum += std::exp(double(logits[c]) - largest);
  return largest + std::log(sum);
}

}  // namespace

// weightedCrossEntropy(logits, labels: Int32Array, weights | null, params: Int32Array [pixels,
// classes, ignoreLabel, ignores, perPixel ('pixels' normalisation)], out: Float32Array [loss, D]).
// Fixed blocks of pixels are summed in double, then the blocks in order: the result does not
// depend on the thread count.
napi_value WeightedCrossEntropy(napi_env env, napi_callback_info info) {
  return guarded(env, "weightedCrossEntropy", [&] {
    auto args = arguments(env, info, 5);
    const CrossEntropyShape shape(ints(env, args[3], "params"), "weightedCrossEntropy");
    Floats logits = floats(env, args[0], "logits");
    Ints labels = ints(env, args[1], "labels");
    Floats weights = optionalFloats(env, args[2], "weights");
    Floats out = floats(env, args[4], "out");
    expectLength(logits, shape.pixels * shape.classes, "logits");
    if (labels.length != size_t(shape.pixels)) throw ArgumentError("weightedCrossEntropy: labels must have one entry a pixel");
    if (weights.data != nullptr) expectLength(weights, shape.pixels, "weights");
    expectLength(out, 2, "out");

    const int64_t blockPixels = 4096, blocks = (shape.pixels + blockPixels - 1) / blockPixels;
    std::vector<double> lossSums(size_t(blocks), 0.0), denominatorSums(size_t(blocks), 0.0);
#pragma omp parallel for schedule(static) if (shape.pixels > 16384)
    for (int64_t block = 0; block < blocks; block++) {
      double loss = 0, denominator = 0;
      for (int64_t pixel = block * blockPixels; pixel < std::min(shape.pixels, (block + 1) * blockPixels); pixel++) {
        const int32_t label = labels.data[pixel];
        if (!shape.counts(label)) continue;
        const double weight = weights.data != nullptr ? weights.data[pixel] : 1.0;
        denominator += shape.perPixel ? 1.0 : weight;
        const int64_t hot = shape.hotClass(label);
        if (hot < 0) continue;
        const float* row = logits.data + pixel * shape.classes;
        double largest;
        loss += weight * (logNormaliser(row, shape.classes, largest) - row[hot]);
      }
      lossSums[size_t(block)] = loss;
      denominatorSums[size_t(block)] = denominator;
    }
    double loss = 0, denominator = 0;
    for (int64_t block = 0; block < blocks; block++) {
      loss += lossSums[size_t(block)];
      denominator += denominatorSums[size_t(block)];
    }
    denominator = std::max(denominator, 1e-12);
    out.data[0] = float(loss / denominator);
    out.data[1] = float(denominator);
  });
}

// weightedCrossEntropyGrad(dy: number, logits, labels, weights | null, denominator: number,
// params (as weightedCrossEntropy's), dlogits): dy pw (p sum_c o_c - o) / D, a pixel at a time.
napi_value WeightedCrossEntropyGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "weightedCrossEntropyGrad", [&] {
    auto args = arguments(env, info, 7);
    double dy = 0, denominator = 1;
    napi_get_value_double(env, args[0], &dy);
    Floats logits = floats(env, args[1], "logits");
    Ints labels = ints(env, args[2], "labels");
    Floats weights = optionalFloats(env, args[3], "weights");
    napi_get_value_double(env, args[4], &denominator);
    const CrossEntropyShape shape(ints(env, args[5], "params"), "weightedCrossEntropyGrad");
    Floats dlogits = floats(env, args[6], "dlogits");
    expectLength(logits, shape.pixels * shape.classes, "logits");
    if (labels.length != size_t(shape.pixels)) throw ArgumentError("weightedCrossEntropyGrad: labels must have one entry a pixel");
    if (weights.data != nullptr) expectLength(weights, shape.pixels, "weights");
    expectLength(dlogits, shape.pixels * shape.classes, "dlogits");

    const int64_t classes = shape.classes;
#pragma omp parallel for schedule(static) if (shape.pixels > 16384)
    for (int64_t pixel = 0; pixel < shape.pixels; pixel++) {
      float* gradient = dlogits.data + pixel * classes;
      const int32_t label = labels.data[pixel];
      const int64_t hot = shape.hotClass(label);
      if (!shape.counts(label) || hot < 0) {
        std::fill(gradient, gradient + classes, 0.0f);
        continue;
      }
      const double weight = weights.data != nullptr ? weights.data[pixel] : 1.0;
      const double scale = dy * weight / denominator;
      const float* row = logits.data + pixel * classes;
      double largest;
      const double normaliser = logNormaliser(row, classes, largest);
      for (int64_t c = 0; c < classes; c++) {
        const double probability = std::exp(double(row[c]) - normaliser);
        gradient[c] = float(scale * (probability - (c == hot ? 1.0 : 0.0)));
      }
    }
  });
}

}  // namespace unet_native
