// Concat (src/kernels/concat.ts).
#include "kernels.h"
#include "napi_arguments.h"

#include <algorithm>
#include <vector>
#include <cstdint>

namespace unet_native {

// concatRows(parts: Float32Array[], params [outer, inner of each part...], out): each part is
// [outer, inner_i]; out is [outer, sum of inner_i] (a concat along any axis, viewed so).
napi_value ConcatRows(napi_env env, napi_callback_info info) {
  return guarded(env, "concatRows", [&] {
    auto args = arguments(env, info, 3);
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    uint32_t count = 0;
    napi_get_array_length(env, args[0], &count);
    if (params.length != size_t(1 + count)) throw ArgumentError("concatRows parameters must be outer and each part's inner size");
    const int64_t outer = params.data[0];
    std::vector<const float*> parts(count);
    std::vector<int64_t> inners(count), starts(count);
    int64_t width = 0;
    for (uint32_t index = 0; index < count; index++) {
      napi_value element;
      napi_get_element(env, args[0], index, &element);
      Floats part = floats(env, element, "part");
      inners[index] = params.data[1 + index];
      expectLength(part, outer * inners[index], "part");
      parts[index] = part.data;
      starts[index] = width;
      width += inners[index];
    }
    expectLength(out, outer * width, "out");
#pragma omp parallel for schedule(static) if (outer * width > 32768)
    for (int64_t row = 0; row < outer; row++) {
      for (uint32_t index = 0; index < count; index++) {
        const float* source = parts[index] + row * inners[index];
        std::copy(source, source + inners[index], out.data + row * width + starts[index]);
      }
    }
  });
}

}  // namespace unet_native
