// Conv2D, FusedConv2D and UnetConvolutionBatchNormRelu (src/kernels/conv2d.ts, fused_conv2d.ts,
// convolution_batch_norm_relu.ts): one oneDNN convolution, with the bias and a ReLU post-op when
// fused; the last folds inference-mode batch norm into the kernel and bias on its way into
// oneDNN's layout. Activations are used in place in tfjs's NHWC (the
// format tag tells oneDNN the physical order); only the kernel is reordered from HWIO into the
// blocked format the chosen implementation wants (format_tag::any).
#include "geometry.h"
#include "kernels.h"

#include <cmath>
#include <vector>

namespace unet_native {
namespace {

struct ForwardConvolution {
  dnnl::convolution_forward primitive;
  Reordered weights;
};

PrimitiveCache<ForwardConvolution> cache;

ForwardConvolution& forwardConvolution(const ConvolutionGeometry& geometry, bool withBias, bool relu) {
  const std::string key = geometry.key() + (withBias ? "b" : "") + (relu ? "r" : "");
  return cache.get(key, [&] {
    dnnl::primitive_attr attributes;
    if (relu) attributes.set_post_ops(compat::reluPostOps());
    const memory::desc biasDesc = geometry.bias();
    auto descriptor = compat::convolutionForward(engine(), dnnl::prop_kind::forward_inference, geometry.source(),
                                                 geometry.weights(tag::any), withBias ? &biasDesc : nullptr,
                                                 geometry.destination(), geometry.shape(), attributes);
    return ForwardConvolution{dnnl::convolution_forward(descriptor), Reordered(geometry.weights(), descriptor.weights_desc())};
  });
}

void execute(ForwardConvolution& entry, const ConvolutionGeometry& geometry, float* x, const memory& weights, float* bias,
             float* out) {
  std::unordered_map<int, memory> io = {
      {DNNL_ARG_SRC, memory(geometry.source(), engine(), x)},
      {DNNL_ARG_WEIGHTS, weights},
      {DNNL_ARG_DST, memory(geometry.destination(), engine(), out)},
  };
  if (bias != nullptr) io[DNNL_ARG_BIAS] = memory(geometry.bias(), engine(), bias);
  entry.primitive.execute(stream(), io);
  stream().wait();
}

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

    ForwardConvolution& entry = forwardConvolution(geometry, withBias, relu != 0);
    execute(entry, geometry, x.data, entry.weights.in(filter.data), withBias ? bias.data : nullptr, out.data);
  });
}

// conv2dBatchNormRelu(x, filter, gamma, beta, mean, variance, params (geometry.json's
// convolution), epsilon, out): relu(conv2d(x, filter scale) + beta - mean scale) with
// scale = gamma / sqrt(variance + epsilon) per output channel, which is relu of the batch norm of
// the convolution. The scaled kernel is written into the scratch buffer and reordered from there,
// so the fold costs one pass over the weights and no tfjs kernels (the ops ran five a layer).
napi_value Conv2dBatchNormRelu(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2dBatchNormRelu", [&] {
    auto args = arguments(env, info, 9);
    ConvolutionGeometry geometry(ints(env, args[6], "params"));
    Floats x = floats(env, args[0], "x");
    Floats filter = floats(env, args[1], "filter");
    Floats gamma = floats(env, args[2], "gamma");
    Floats beta = floats(env, args[3], "beta");
    Floats mean = floats(env, args[4], "mean");
    Floats variance = floats(env, args[5], "variance");
    const double epsilon = number(env, args[7]);
    Floats out = floats(env, args[8], "out");
    expectLength(x, geometry.sourceSize(), "x");
    expectLength(filter, geometry.weightsSize(), "filter");
    for (const Floats* parameter : {&gamma, &beta, &mean, &variance}) expectLength(*parameter, geometry.outChannels, "gamma, beta, mean and variance");
    expectLength(out, geometry.destinationSize(), "out");

    const int64_t channels = geometry.outChannels;
    std::vector<float> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels));
    for (int64_t o = 0; o < channels; o++) {
      // In float32 as the ops compute it: gamma / sqrt(variance + epsilon), beta - mean scale.
      scale[size_t(o)] = gamma.data[o] / std::sqrt(variance.data[o] + float(epsilon));
      shift[size_t(o)] = beta.data[o] - mean.data[o] * scale[size_t(o)];
    }
    ForwardConvolution& entry = forwardConvolution(geometry, true, true);
    const size_t foldedBytes = (geometry.weightsSize() * sizeof(float) + 63) / 64 * 64;
    float* folded = scratch(foldedBytes + entry.weights.to.get_size());
    // HWIO: the output channel varies fastest.
    const size_t taps = geometry.weightsSize() / size_t(channels);
    for (size_t tap = 0; tap < taps; tap++) {
      for (int64_t o = 0; o < channels; o++) folded[tap * size_t(channels) + size_t(o)] = filter.data[tap * size_t(channels) + size_t(o)] * scale[size_t(o)];
    }
    execute(entry, geometry, x.data, entry.weights.into(folded, folded + foldedBytes / sizeof(float)), shift.data(), out.data);
  });
}

}  // namespace unet_native
