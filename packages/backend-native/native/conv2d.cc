// Conv2D and FusedConv2D (src/kernels/conv2d.ts, fused_conv2d.ts): one oneDNN convolution, with
// the bias and a ReLU post-op when fused. Activations are used in place in tfjs's NHWC (the
// format tag tells oneDNN the physical order); only the kernel is reordered from HWIO into the
// blocked format the chosen implementation wants (format_tag::any).
#include "geometry.h"
#include "kernels.h"

namespace unet_native {
namespace {

struct ForwardConvolution {
  dnnl::convolution_forward primitive;
  Reordered weights;
};

PrimitiveCache<ForwardConvolution> cache;

}  // namespace

// conv2d(x, filter, bias | null, params: Int32Array (geometry.json's convolution), relu: number, out)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2d", [&] {
    auto args = arguments(env, info, 6);
    ConvolutionGeometry geometry(ints(env, args[3], "params"));
    Floats x = floats(env, args[0], "x");
    Floats filter = floats(env, args[1], "filter");
    Floats bias = optionalFloats(env, args[2], "bias");
    const bool withBias = bias.data != nullptr;
    const int32_t relu = int32(env, args[4], 0);
    Floats out = floats(env, args[5], "out");
    expectLength(x, geometry.sourceSize(), "x");
    expectLength(filter, geometry.weightsSize(), "filter");
    if (withBias) expectLength(bias, geometry.outChannels, "bias");
    expectLength(out, geometry.destinationSize(), "out");

    const std::string key = geometry.key() + (withBias ? "b" : "") + (relu ? "r" : "");
    ForwardConvolution& entry = cache.get(key, [&] {
      dnnl::primitive_attr attributes;
      if (relu) attributes.set_post_ops(compat::reluPostOps());
      const memory::desc biasDesc = geometry.bias();
      auto descriptor = compat::convolutionForward(engine(), dnnl::prop_kind::forward_inference, geometry.source(),
                                                   geometry.weights(tag::any), withBias ? &biasDesc : nullptr,
                                                   geometry.destination(), geometry.shape(), attributes);
      return ForwardConvolution{dnnl::convolution_forward(descriptor),
                                Reordered(geometry.weights(), descriptor.weights_desc())};
    });
    std::unordered_map<int, memory> io = {
        {DNNL_ARG_SRC, memory(geometry.source(), engine(), x.data)},
        {DNNL_ARG_WEIGHTS, entry.weights.in(filter.data)},
        {DNNL_ARG_DST, memory(geometry.destination(), engine(), out.data)},
    };
    if (withBias) io[DNNL_ARG_BIAS] = memory(geometry.bias(), engine(), bias.data);
    entry.primitive.execute(stream(), io);
    stream().wait();
  });
}

}  // namespace unet_native
