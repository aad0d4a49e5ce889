// Conv2DBackpropInput (src/kernels/conv2d_backprop_input.ts): the gradient of a convolution
// with respect to its input, by oneDNN, dy and dx in NHWC in place.
#include "geometry.h"
#include "kernels.h"

namespace unet_native {
namespace {

struct BackwardDataConvolution {
  dnnl::convolution_backward_data primitive;
  Reordered weights;
};

PrimitiveCache<BackwardDataConvolution> cache;

}  // namespace

// conv2dBackpropInput(dy, filter, params: Int32Array (geometry.json's convolution), dx)
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBackpropInput", [&] {
    auto args = arguments(env, info, 4);
    ConvolutionGeometry geometry(ints(env, args[2], "params"));
    Floats dy = floats(env, args[0], "dy");
    Floats filter = floats(env, args[1], "filter");
    Floats dx = floats(env, args[3], "dx");
    expectLength(dy, geometry.destinationSize(), "dy");
    expectLength(filter, geometry.weightsSize(), "filter");
    expectLength(dx, geometry.sourceSize(), "dx");

    BackwardDataConvolution& entry = cache.get(geometry.key(), [&] {
      auto descriptor = compat::convolutionBackwardData(engine(), geometry.source(), geometry.weights(tag::any),
                                                        geometry.destination(), geometry.shape(),
                                                        geometry.forwardHint());
      return BackwardDataConvolution{dnnl::convolution_backward_data(descriptor),
                                     Reordered(geometry.weights(), descriptor.weights_desc())};
    });
    entry.primitive.execute(stream(), {
                                          {DNNL_ARG_DIFF_DST, memory(geometry.destination(), engine(), dy.data)},
                                          {DNNL_ARG_WEIGHTS, entry.weights.in(filter.data)},
                                          {DNNL_ARG_DIFF_SRC, memory(geometry.source(), engine(), dx.data)},
                                      });
    stream().wait();
  });
}

}  // namespace unet_native
