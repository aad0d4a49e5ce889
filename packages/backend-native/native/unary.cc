// Relu, Step, Neg, Square, Sqrt, Exp, Rsqrt, Floor (src/kernels/unary.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"

#include <cmath>
#include <cstdint>

namespace unet_native {

namespace {

template <typename Op>
UNET_VECTOR_CLONES void unaryLoop(const float* __restrict x, float* __restrict out, int64_t size, Op op) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) out[i] = float(op(double(x[i])));
}

// For the ops whose float result is exact (the same as double-then-round): twice the lanes.
template <typename Op>
UNET_VECTOR_CLONES void exactLoop(const float* __restrict x, float* __restrict out, int64_t size, Op op) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) out[i] = op(x[i]);
}

}  // namespace

// unary(op, x, alpha, out): op 0 relu, 1 step (1 above 0, else alpha; NaN stays NaN), 2 neg,
// 3 square, 4 sqrt, 5 exp, 6 rsqrt, 7 floor; computed in double and rounded once, as the cpu backend does.
napi_value Unary(napi_env env, napi_callback_info info) {
  return guarded(env, "unary", [&] {
    auto args = arguments(env, info, 4);
    int32_t op = -1;
    napi_get_value_int32(env, args[0], &op);
    Floats x = floats(env, args[1], "x");
    const double alpha = number(env, args[2]);
    Floats out = floats(env, args[3], "out");
    expectLength(out, x.length, "out");
    const int64_t size = int64_t(x.length);
    switch (op) {
      case 0: exactLoop(x.data, out.data, size, [](float v) { return v < 0.0f ? 0.0f : v; }); break;
      case 1: {
        // 1 above 0, else alpha; NaN stays NaN.
        const float low = float(alpha);
        exactLoop(x.data, out.data, size, [low](float v) {
          const float stepped = v > 0.0f ? 1.0f : low;
          return v != v ? v : stepped;
        });
        break;
      }
      case 2: exactLoop(x.data, out.data, size, [](float v) { return -v; }); break;
      case 3: unaryLoop(x.data, out.data, size, [](double v) { return v * v; }); break;
      case 4: unaryLoop(x.data, out.data, size, [](double v) { return std::sqrt(v); }); break;
      case 5: unaryLoop(x.data, out.data, size, [](double v) { return std::exp(v); }); break;
      case 6: unaryLoop(x.data, out.data, size, [](double v) { return 1 / std::sqrt(v); }); break;
      case 7: exactLoop(x.data, out.data, size, [](float v) { return std::floor(v); }); break;
      default: throw ArgumentError("unknown unary op " + std::to_string(op));
    }
  });
}

}  // namespace unet_native
