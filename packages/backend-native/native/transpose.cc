// Transpose (src/kernels/transpose.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "shapes.h"

#include <algorithm>
#include <cstdint>

namespace unet_native {

// transpose(x, params [rank, inShape[rank], perm[rank]], out): out's axis i is x's perm[i].
napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, "transpose", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 2 * rank)) {
      throw ArgumentError("transpose parameters must be rank (1 to 8), input shape, permutation");
    }
    int64_t inStrides[kMaxRank], outShape[kMaxRank], gather[kMaxRank];
    int64_t stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inStrides[axis] = stride;
      stride *= params.data[1 + axis];
    }
    expectLength(x, stride, "x");
    int64_t rows = 1;
    for (int axis = 0; axis < rank; axis++) {
      const int from = params.data[1 + rank + axis];
      if (from < 0 || from >= rank) throw ArgumentError("transpose permutation out of range");
      outShape[axis] = params.data[1 + from];
      gather[axis] = inStrides[from];
      if (axis + 1 < rank) rows *= outShape[axis];
    }
    const int64_t inner = outShape[rank - 1], innerStride = gather[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = 0, rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (rest % outShape[axis]) * gather[axis];
        rest /= outShape[axis];
      }
      const float* source = x.data + offset;
      float* target = out.data + row * inner;
      // The last axis kept in place (the pixel shuffle, [b*h, w, 2, 2c] -> [b*h, 2, w, 2c]) is a
      // row copy; a strided loop with a stride known only at run time is not turned into one.
      if (innerStride == 1) {
        std::copy(source, source + inner, target);
      } else {
        for (int64_t i = 0; i < inner; i++) target[i] = source[i * innerStride];
      }
    }
  });
}

}  // namespace unet_native
