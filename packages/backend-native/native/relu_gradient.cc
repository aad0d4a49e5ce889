// UnetReluGradient (src/kernels/relu_gradient.ts; the contract is @unet/model's
// layers/relu_gradient_kernels.ts): dy * step(y) in one pass, where tfjs's ops make step(y), an
// activation-sized temporary, and then the product.
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"

#include <cstdint>

namespace unet_native {

namespace {

UNET_VECTOR_CLONES void reluGradientLoop(const float* __restrict dy, const float* __restrict y, float* __restrict out,
                                         int64_t size) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) {
    // step(y) as the Step kernel computes it (1 above 0, else 0; NaN stays NaN), then the
    // product, so that dy * 0 keeps its sign and NaN or infinite dy stay what tfjs makes them.
    const float v = y[i];
    const float stepped = v > 0.0f ? 1.0f : 0.0f;
    out[i] = dy[i] * (v != v ? v : stepped);
  }
}

}  // namespace

// reluGradient(dy, y, out): all of one size.
napi_value ReluGradient(napi_env env, napi_callback_info info) {
  return guarded(env, "reluGradient", [&] {
    auto args = arguments(env, info, 3);
    Floats dy = floats(env, args[0], "dy");
    Floats y = floats(env, args[1], "y");
    Floats out = floats(env, args[2], "out");
    expectLength(y, dy.length, "y");
    expectLength(out, dy.length, "out");
    reluGradientLoop(dy.data, y.data, out.data, int64_t(dy.length));
  });
}

}  // namespace unet_native
