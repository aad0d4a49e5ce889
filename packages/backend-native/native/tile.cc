// Tile (src/kernels/tile.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "shapes.h"

#include <algorithm>
#include <cstdint>

namespace unet_native {

// tile(x, params [rank, inShape[rank], reps[rank]], out)
napi_value Tile(napi_env env, napi_callback_info info) {
  return guarded(env, "tile", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 2 * rank)) {
      throw ArgumentError("tile parameters must be rank (1 to 8), input shape, repetitions");
    }
    int64_t inShape[kMaxRank], outShape[kMaxRank], inStrides[kMaxRank];
    int64_t rows = 1;
    for (int axis = 0; axis < rank; axis++) {
      inShape[axis] = params.data[1 + axis];
      outShape[axis] = inShape[axis] * params.data[1 + rank + axis];
      if (axis + 1 < rank) rows *= outShape[axis];
    }
    int64_t stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inStrides[axis] = stride;
      stride *= inShape[axis];
    }
    expectLength(x, stride, "x");
    const int64_t inner = outShape[rank - 1], innerIn = inShape[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = 0, rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (rest % outShape[axis]) % inShape[axis] * inStrides[axis];
        rest /= outShape[axis];
      }
      const float* source = x.data + offset;
      float* target = out.data + row * inner;
      if (innerIn == inner) {
        std::copy(source, source + inner, target);
      } else {
        for (int64_t i = 0; i < inner; i++) target[i] = source[i % innerIn];
      }
    }
  });
}

}  // namespace unet_native
