// UnetBatchNormTraining and its gradient (src/kernels/batch_norm_training.ts): batch-statistics
// batch norm with its ReLU in one pass each way (the contract is in @unet/model's
// layers/batch_norm_kernels.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>
#include <cstdint>

#include <omp.h>

namespace unet_native {

namespace {

// The rows of x laid out [rows, channels], channels being gamma's length.
int64_t batchNormRows(const Floats& x, const Floats& gamma, const char* kernel) {
  if (gamma.length < 1 || x.length % gamma.length != 0) throw ArgumentError(std::string(kernel) + ": x's size is not a multiple of gamma's length");
  return int64_t(x.length / gamma.length);
}

// The threads a reduction over `rows` rows of `channels` uses: all of them when it is large.
int reductionThreads(int64_t rows, int64_t channels) { return rows * channels > 32768 ? omp_get_max_threads() : 1; }

// Adds the threads' partial sums (partial[thread * channels + c]) into sums, in thread order:
// with schedule(static) each thread's rows are fixed by the thread count, so the result is the
// same on every run (an omp critical section adds them in the order threads finish, which
// changed the last bits of the statistics from run to run).
template <typename Value>
void addInThreadOrder(const std::vector<Value>& partial, int threads, int64_t channels, double* sums) {
  for (int thread = 0; thread < threads; thread++) {
    for (int64_t c = 0; c < channels; c++) sums[c] += double(partial[size_t(thread) * channels + c]);
  }
}

// One thread's rows, first to last: the blocks of libgomp's schedule(static), which these loops
// used before (so the sums add in the same order), fixed by the thread count.
inline void threadRows(int64_t rows, int64_t& first, int64_t& last) {
  const int64_t thread = omp_get_thread_num(), threads = omp_get_num_threads();
  const int64_t share = rows / threads, extra = rows % threads;
  first = share * thread + std::min(thread, extra);
  last = first + share + (thread < extra ? 1 : 0);
}

// The forward pass's loops, as functions of restrict pointers: written as lambdas over the
// captured arrays, which hid from the vectoriser that they do not overlap, they ran scalar, and
// the kernel took 2.2 ms where this takes 1.3 (4 x 128 x 128 x 32, the same bits; 2 cores of
// an AMD EPYC VM, CPU family 26 model 2, 2026-12-03).

// sums[c] += x[row, c] over rows first to last, in double.
UNET_VECTOR_CLONES void addValues(const float* __restrict x, int64_t first, int64_t last, int64_t channels, double* __restrict sums) {
  for (int64_t row = first; row < last; row++) {
    const float* __restrict values = x + row * channels;
    for (int64_t c = 0; c < channels; c++) sums[c] += double(values[c]);
  }
}

// sums[c] += float((x[row, c] - centre[c])^2) over rows first to last: each square rounded to
// float32 as tf.squaredDifference's result is, then summed in double.
UNET_VECTOR_CLONES void addSquaredDifferences(const float* __restrict x, const double* __restrict centre, int64_t first, int64_t last,
                                              int64_t channels, double* __restrict sums) {
  for (int64_t row = first; row < last; row++) {
    const float* __restrict values = x + row * channels;
    for (int64_t c = 0; c < channels; c++) {
      const double difference = double(values[c]) - centre[c];
      sums[c] += double(float(difference * difference));
    }
  }
}

// y = offset + (x - centre) factor, rounded to float32, then max(0, y) when relu, rows first to last.
UNET_VECTOR_CLONES void normaliseRows(const float* __restrict x, const double* __restrict centre, const double* __restrict factor,
                                      const double* __restrict offset, bool relu, int64_t first, int64_t last, int64_t channels,
                                      float* __restrict y) {
  for (int64_t row = first; row < last; row++) {
    const float* __restrict values = x + row * channels;
    float* __restrict out = y + row * channels;
    for (int64_t c = 0; c < channels; c++) {
      const float value = float(offset[c] + (double(values[c]) - centre[c]) * factor[c]);
      out[c] = relu && value < 0.0f ? 0.0f : value;
    }
  }
}

// Per-channel sums over the rows of an [rows, channels] array in double, one partial sum per
// thread (addRows(first, last, partial) adds a thread's rows), as sumRows adds (so that a kernel
// built on it rounds like the ops).
template <typename AddRows>
std::vector<double> channelSums(int64_t rows, int64_t channels, AddRows addRows) {
  std::vector<double> sums(channels, 0.0);
  const int threads = reductionThreads(rows, channels);
  std::vector<double> partial(size_t(threads) * channels, 0.0);
#pragma omp parallel num_threads(threads)
  {
    int64_t first = 0, last = 0;
    threadRows(rows, first, last);
    addRows(first, last, partial.data() + size_t(omp_get_thread_num()) * channels);
  }
  addInThreadOrder(partial, threads, channels, sums.data());
  return sums;
}

}  // namespace

// batchNormTraining(x, gamma, beta, epsilon, relu, y, mean, variance): training-mode batch norm
// of x [rows, channels] (channels = gamma's length) with the batch's statistics, then max(0, .)
// when relu is 1. It rounds as the tfjs ops it replaces do on this backend and on cpu (each op
// computed in double and rounded to float32 once: mean, squared difference, mean, batchNorm), so
// that the backends agree to the last bits and ReLU keeps the same pixels; it only saves the
// arrays between them: three passes over x, no temporaries.
napi_value BatchNormTraining(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTraining", [&] {
    auto args = arguments(env, info, 8);
    Floats x = floats(env, args[0], "x");
    Floats gamma = floats(env, args[1], "gamma");
    Floats beta = floats(env, args[2], "beta");
    const double epsilon = number(env, args[3]);
    bool relu = false;
    napi_get_value_bool(env, args[4], &relu);
    Floats y = floats(env, args[5], "y");
    Floats mean = floats(env, args[6], "mean");
    Floats variance = floats(env, args[7], "variance");
    const int64_t channels = int64_t(gamma.length);
    const int64_t rows = batchNormRows(x, gamma, "batchNormTraining");
    expectLength(beta, gamma.length, "beta");
    expectLength(mean, gamma.length, "mean");
    expectLength(variance, gamma.length, "variance");
    expectLength(y, x.length, "y");
    const double inverseRows = 1.0 / double(std::max<int64_t>(rows, 1));
    const float* __restrict xData = x.data;
    float* __restrict yData = y.data;
    // tf.mean(x): the sum in double, times 1 / N, rounded.
    std::vector<double> sums =
        channelSums(rows, channels, [&](int64_t first, int64_t last, double* partial) { addValues(xData, first, last, channels, partial); });
    std::vector<double> centre(channels);
    for (int64_t c = 0; c < channels; c++) {
      mean.data[c] = float(sums[c] * inverseRows);
      centre[c] = double(mean.data[c]);
    }
    const double* __restrict centreData = centre.data();
    // tf.mean(tf.squaredDifference(x, mean)): each square rounded to float, then as above.
    std::vector<double> squares = channelSums(rows, channels, [&](int64_t first, int64_t last, double* partial) {
      addSquaredDifferences(xData, centreData, first, last, channels, partial);
    });
    // tf.batchNorm4d(x, mean, variance, beta, gamma): offset + (x - mean) * scale / sqrt(variance + epsilon).
    std::vector<double> factor(channels), offset(channels);
    for (int64_t c = 0; c < channels; c++) {
      variance.data[c] = float(squares[c] * inverseRows);
      factor[c] = double(gamma.data[c]) / std::sqrt(double(variance.data[c]) + epsilon);
      offset[c] = double(beta.data[c]);
    }
    const double* __restrict factorData = factor.data();
    const double* __restrict offsetData = offset.data();
#pragma omp parallel if (int64_t(x.length) > 32768)
    {
      int64_t first = 0, last = 0;
      threadRows(rows, first, last);
      normaliseRows(xData, centreData, factorData, offsetData, relu, first, last, channels, yData);
    }
  });
}

namespace {

// The two passes of batchNormTrainingGrad, as functions of restrict pointers (which lambdas'
// captures would hide from the vectoriser); Masked: dy counts only where y > 0.
template <bool Masked>
UNET_VECTOR_CLONES void batchNormGradSums(const float* __restrict dy, const float* __restrict x, const float* __restrict y,
                       const float* __restrict mean, int64_t rows, int64_t channels, double* s1, double* s2) {
  const int threads = reductionThreads(rows, channels);
  std::vector<double> partial1(size_t(threads) * channels, 0.0), partial2(size_t(threads) * channels, 0.0);
#pragma omp parallel num_threads(threads)
  {
    // Float sums over blocks of 64 rows, carried into double: the sums differ from the ops'
    // all-double ones in their last bits only, and they scale dx, never flip a pixel.
    std::vector<float> block1(channels, 0.0f), block2(channels, 0.0f);
    double* __restrict local1 = partial1.data() + size_t(omp_get_thread_num()) * channels;
    double* __restrict local2 = partial2.data() + size_t(omp_get_thread_num()) * channels;
    float* __restrict sum1 = block1.data();
    float* __restrict sum2 = block2.data();
    int64_t inBlock = 0;
#pragma omp for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      const float* __restrict dyRow = dy + row * channels;
      const float* __restrict xRow = x + row * channels;
      const float* __restrict yRow = y + (Masked ? row * channels : 0);
      for (int64_t c = 0; c < channels; c++) {
        const float u = Masked ? dyRow[c] * static_cast<float>(static_cast<int32_t>(yRow[c] > 0.0f)) : dyRow[c];
        sum1[c] += u;
        sum2[c] += u * (xRow[c] - mean[c]);
      }
      if (++inBlock == 64) {
        for (int64_t c = 0; c < channels; c++) {
          local1[c] += sum1[c];
          local2[c] += sum2[c];
          sum1[c] = 0.0f;
          sum2[c] = 0.0f;
        }
        inBlock = 0;
      }
    }
    for (int64_t c = 0; c < channels; c++) {
      local1[c] += sum1[c];
      local2[c] += sum2[c];
    }
  }
  addInThreadOrder(partial1, threads, channels, s1);
  addInThreadOrder(partial2, threads, channels, s2);
}

template <bool Masked>
UNET_VECTOR_CLONES void batchNormGradInput(const float* __restrict dy, const float* __restrict x, const float* __restrict y,
                        const float* __restrict mean, const float* __restrict scale, const float* __restrict centredScale,
                        const float* __restrict shift, int64_t rows, int64_t channels, float* __restrict dx) {
#pragma omp parallel for schedule(static) if (rows * channels > 32768)
  for (int64_t row = 0; row < rows; row++) {
    const float* __restrict dyRow = dy + row * channels;
    const float* __restrict xRow = x + row * channels;
    const float* __restrict yRow = y + (Masked ? row * channels : 0);
    float* __restrict dxRow = dx + row * channels;
    for (int64_t c = 0; c < channels; c++) {
      const float u = Masked ? dyRow[c] * static_cast<float>(static_cast<int32_t>(yRow[c] > 0.0f)) : dyRow[c];
      dxRow[c] = u * scale[c] + ((xRow[c] - mean[c]) * centredScale[c] + shift[c]);
    }
  }
}

// batchNormTrainingGrad(dy, x, y | null, gamma, mean, variance, epsilon, dx, dgamma, dbeta): the
// gradient of batchNormTraining; with y given (ReLU fused) dy counts only where y > 0. With
// u = that dy, c = x - mean, s = 1 / sqrt(variance + epsilon), N = rows, per channel
// S1 = sum u and S2 = sum u c:  dbeta = S1, dgamma = s S2,
// dx = u (gamma s) + (c (gamma s s^2 (S2 / -N)) + gamma s (S1 / -N)).
// Each product and sum is rounded as @unet/model's tfjs-ops form of this gradient rounds it

}  // namespace

// (double, then float32 once), so that backends agree; two passes, no temporaries.
napi_value BatchNormTrainingGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTrainingGrad", [&] {
    auto args = arguments(env, info, 10);
    Floats dy = floats(env, args[0], "dy");
    Floats x = floats(env, args[1], "x");
    Floats y = optionalFloats(env, args[2], "y");
    Floats gamma = floats(env, args[3], "gamma");
    Floats mean = floats(env, args[4], "mean");
    Floats variance = floats(env, args[5], "variance");
    const double epsilon = number(env, args[6]);
    Floats dx = floats(env, args[7], "dx");
    Floats dgamma = floats(env, args[8], "dgamma");
    Floats dbeta = floats(env, args[9], "dbeta");
    const int64_t channels = int64_t(gamma.length);
    const int64_t rows = batchNormRows(x, gamma, "batchNormTrainingGrad");
    expectLength(dy, x.length, "dy");
    expectLength(dx, x.length, "dx");
    if (y.data != nullptr) expectLength(y, x.length, "y");
    for (const Floats* perChannel : {&mean, &variance, &dgamma, &dbeta}) expectLength(*perChannel, gamma.length, "per-channel array");
    const float* __restrict dyData = dy.data;
    const float* __restrict xData = x.data;
    const float* __restrict yData = y.data;
    float* __restrict dxData = dx.data;
    const float* __restrict meanData = mean.data;
    // Plain float arithmetic: one float +, - or * is what double-then-round gives for float
    // operands (double has more than 2 x 24 + 2 bits), so it rounds as the ops do.
    // u is a multiply by the 0/1 mask, as dy * step(y): NaN stays NaN, and there is no branch.
    std::vector<double> s1(channels, 0.0), s2(channels, 0.0);
    if (yData != nullptr) batchNormGradSums<true>(dyData, xData, yData, meanData, rows, channels, s1.data(), s2.data());
    else batchNormGradSums<false>(dyData, xData, yData, meanData, rows, channels, s1.data(), s2.data());
    const float negativeRows = -float(rows);
    std::vector<float> scale(channels), centredScale(channels), shift(channels);
    for (int64_t c = 0; c < channels; c++) {
      const float sumUpstream = float(s1[c]);
      const float sumUpstreamCentred = float(s2[c]);
      const float s = float(1.0 / std::sqrt(double(variance.data[c] + float(epsilon))));
      scale[c] = gamma.data[c] * s;
      centredScale[c] = (scale[c] * (s * s)) * (sumUpstreamCentred / negativeRows);
      shift[c] = scale[c] * (sumUpstream / negativeRows);
      dgamma.data[c] = s * sumUpstreamCentred;
      dbeta.data[c] = sumUpstream;
    }
    const float* __restrict scaleData = scale.data();
    const float* __restrict centredScaleData = centredScale.data();
    const float* __restrict shiftData = shift.data();
    if (yData != nullptr) {
      batchNormGradInput<true>(dyData, xData, yData, meanData, scaleData, centredScaleData, shiftData, rows, channels, dxData);
    } else {
      batchNormGradInput<false>(dyData, xData, yData, meanData, scaleData, centredScaleData, shiftData, rows, channels, dxData);
    }
  });
}

}  // namespace unet_native
