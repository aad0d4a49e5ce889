// PadV2 (src/kernels/pad.ts).
#include "kernels.h"
#include "napi_arguments.h"
#include "shapes.h"

#include <algorithm>
#include <cstdint>

namespace unet_native {

// pad(x, params [rank, inShape[rank], before[rank], after[rank]], value, out): constant
// padding (the gradient of the crops); each input row lands as one contiguous copy.
napi_value Pad(napi_env env, napi_callback_info info) {
  return guarded(env, "pad", [&] {
    auto args = arguments(env, info, 4);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    const double value = number(env, args[2]);
    Floats out = floats(env, args[3], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 3 * rank)) {
      throw ArgumentError("pad parameters must be rank (1 to 8), input shape, padding before, padding after");
    }
    int64_t inShape[kMaxRank], before[kMaxRank], outStrides[kMaxRank];
    int64_t stride = 1, rows = 1, inSize = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inShape[axis] = params.data[1 + axis];
      before[axis] = params.data[1 + rank + axis];
      const int64_t after = params.data[1 + 2 * rank + axis];
      if (before[axis] < 0 || after < 0) throw ArgumentError("pad: negative padding");
      outStrides[axis] = stride;
      stride *= inShape[axis] + before[axis] + after;
      inSize *= inShape[axis];
      if (axis + 1 < rank) rows *= inShape[axis];
    }
    expectLength(x, inSize, "x");
    expectLength(out, stride, "out");
    const float fill = float(value);
    std::fill(out.data, out.data + out.length, fill);
    const int64_t inner = inShape[rank - 1];
#pragma omp parallel for schedule(static) if (inSize > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = before[rank - 1], rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (before[axis] + rest % inShape[axis]) * outStrides[axis];
        rest /= inShape[axis];
      }
      std::copy(x.data + row * inner, x.data + (row + 1) * inner, out.data + offset);
    }
  });
}

}  // namespace unet_native
