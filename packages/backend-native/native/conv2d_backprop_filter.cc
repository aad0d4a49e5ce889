// Conv2DBackpropFilter (src/kernels/conv2d_backprop_filter.ts): the gradient of a convolution
// with respect to its kernel, by oneDNN; it comes out in the primitive's kernel layout and is
// reordered into tfjs's HWIO.
#include "geometry.h"
#include "kernels.h"

namespace unet_native {
namespace {

struct BackwardWeightsConvolution {
  dnnl::convolution_backward_weights primitive;
  memory::desc gradientDesc;
  bool reorderNeeded = false;
  dnnl::reorder toUser;
};

PrimitiveCache<BackwardWeightsConvolution> cache;

}  // namespace

// conv2dBackpropFilter(x, dy, params: Int32Array (geometry.json's convolution), dw)
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBackpropFilter", [&] {
    auto args = arguments(env, info, 4);
    ConvolutionGeometry geometry(ints(env, args[2], "params"));
    Floats x = floats(env, args[0], "x");
    Floats dy = floats(env, args[1], "dy");
    Floats dw = floats(env, args[3], "dw");
    expectLength(x, geometry.sourceSize(), "x");
    expectLength(dy, geometry.destinationSize(), "dy");
    expectLength(dw, geometry.weightsSize(), "dw");

    BackwardWeightsConvolution& entry = cache.get(geometry.key(), [&] {
      auto descriptor = compat::convolutionBackwardWeights(engine(), geometry.source(), geometry.weights(tag::any),
                                                           geometry.destination(), geometry.shape(),
                                                           geometry.forwardHint());
      BackwardWeightsConvolution created;
      created.primitive = dnnl::convolution_backward_weights(descriptor);
      created.gradientDesc = descriptor.diff_weights_desc();
      created.reorderNeeded = created.gradientDesc != geometry.weights();
      if (created.reorderNeeded) {
        created.toUser =
            dnnl::reorder(dnnl::reorder::primitive_desc(engine(), created.gradientDesc, engine(), geometry.weights()));
      }
      return created;
    });
    memory user(geometry.weights(), engine(), dw.data);
    memory target =
        entry.reorderNeeded ? memory(entry.gradientDesc, engine(), scratch(entry.gradientDesc.get_size())) : user;
    entry.primitive.execute(stream(), {
                                          {DNNL_ARG_SRC, memory(geometry.source(), engine(), x.data)},
                                          {DNNL_ARG_DIFF_DST, memory(geometry.destination(), engine(), dy.data)},
                                          {DNNL_ARG_DIFF_WEIGHTS, target},
                                      });
    if (entry.reorderNeeded) entry.toUser.execute(stream(), target, user);
    stream().wait();
  });
}

}  // namespace unet_native
