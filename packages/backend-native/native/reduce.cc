// Sum and Mean (src/kernels/reduce.ts) over an axis of an array viewed as [outer, reduce, inner].
#include "kernels.h"
#include "napi_arguments.h"

#include <omp.h>
#include <algorithm>
#include <vector>
#include <cstdint>

namespace unet_native {

// sumRows(x, params [outer, reduce, inner], scale, out): x viewed as [outer, reduce, inner],
// out [outer, inner] = sums over the middle axis (per-channel sums of NHWC: outer 1, inner C;
// per-image sums: inner 1). Sums in double, as tfjs's cpu backend does in JavaScript numbers,
// then times `scale` (1/n for a mean).
napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, "sumRows", [&] {
    auto args = arguments(env, info, 4);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    if (params.length != 3) throw ArgumentError("sumRows parameters must be outer, reduce, inner");
    double scale = 1;
    napi_get_value_double(env, args[2], &scale);
    Floats out = floats(env, args[3], "out");
    const int64_t outer = params.data[0], reduce = params.data[1], inner = params.data[2];
    expectLength(x, outer * reduce * inner, "x");
    expectLength(out, outer * inner, "out");
    const float* input = x.data;
    const bool large = outer * reduce * inner > 32768;
    const int threads = large ? omp_get_max_threads() : 1;
    if (inner == 1 || outer >= threads) {
#pragma omp parallel for schedule(static) if (large)
      for (int64_t o = 0; o < outer; o++) {
        std::vector<double> total(inner, 0.0);
        const float* block = input + o * reduce * inner;
        for (int64_t r = 0; r < reduce; r++) {
          const float* row = block + r * inner;
          for (int64_t i = 0; i < inner; i++) total[i] += row[i];
        }
        for (int64_t i = 0; i < inner; i++) out.data[o * inner + i] = float(total[i] * scale);
      }
      return;
    }
    std::vector<double> partial(size_t(threads) * inner);
    for (int64_t o = 0; o < outer; o++) {
      std::fill(partial.begin(), partial.end(), 0.0);
      const float* block = input + o * reduce * inner;
#pragma omp parallel num_threads(threads)
      {
        double* mine = partial.data() + size_t(omp_get_thread_num()) * inner;
#pragma omp for schedule(static)
        for (int64_t r = 0; r < reduce; r++) {
          const float* row = block + r * inner;
          for (int64_t i = 0; i < inner; i++) mine[i] += row[i];
        }
      }
      for (int64_t i = 0; i < inner; i++) {
        double total = 0;
        for (int thread = 0; thread < threads; thread++) total += partial[size_t(thread) * inner + i];
        out.data[o * inner + i] = float(total * scale);
      }
    }
  });
}

}  // namespace unet_native
