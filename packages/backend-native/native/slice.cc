// Slice (src/kernels/slice.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "shapes.h"

#include <algorithm>
#include <cstdint>

namespace unet_native {

// slice(x, params [rank, inShape[rank], begin[rank], size[rank]], out): the U-Net's centre
// crops. Each output row (the last axis) is one contiguous copy.
napi_value Slice(napi_env env, napi_callback_info info) {
  return guarded(env, "slice", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 3 * rank)) {
      throw ArgumentError("slice parameters must be rank (1 to 8), input shape, begin, size");
    }
    int64_t inStrides[kMaxRank], begin[kMaxRank], size[kMaxRank];
    int64_t stride = 1, rows = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      const int64_t extent = params.data[1 + axis];
      begin[axis] = params.data[1 + rank + axis];
      size[axis] = params.data[1 + 2 * rank + axis];
      if (begin[axis] < 0 || size[axis] < 0 || begin[axis] + size[axis] > extent) {
        throw ArgumentError("slice out of bounds on axis " + std::to_string(axis));
      }
      inStrides[axis] = stride;
      stride *= extent;
      if (axis + 1 < rank) rows *= size[axis];
    }
    expectLength(x, stride, "x");
    const int64_t inner = size[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = begin[rank - 1], rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (begin[axis] + rest % size[axis]) * inStrides[axis];
        rest /= size[axis];
      }
      std::copy(x.data + offset, x.data + offset + inner, out.data + row * inner);
    }
  });
}

}  // namespace unet_native
