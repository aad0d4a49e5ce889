// Conv2DBackpropInput (src/kernels/conv2d_backprop_input.ts): the gradient of a convolution
// with respect to its input, by oneDNN, dy and dx in NHWC in place.
//
// A stride-1 convolution's input gradient is itself a forward convolution: of dy, padded by
// (filter - 1 - pad) on each side, with the filter turned 180 degrees and its in and out
// channels swapped. It runs that way because oneDNN 2.6's forward convolution (brgconv) is
// 1.2-2.7x faster than its backward-data one (jit) on the paper network's layers (AMD EPYC
// family 26 model 2, 2026-12-07, ONEDNN_VERBOSE): the slowest, 128 -> 64 channels at 392 px,
// took 151 ms backward against 56 ms forward. Other strides keep the backward-data primitive.
#include "geometry.h"
#include "kernels.h"

#include <algorithm>

namespace unet_native {
namespace {

struct BackwardDataConvolution {
  dnnl::convolution_backward_data primitive;
  Reordered weights;
};

struct TransposedForwardConvolution {
  dnnl::convolution_forward primitive;
  Reordered weights;
};

PrimitiveCache<BackwardDataConvolution> backwardCache;
PrimitiveCache<TransposedForwardConvolution> forwardCache;

bool runsAsForward(const ConvolutionGeometry& geometry) {
  return geometry.strideHeight == 1 && geometry.strideWidth == 1 && geometry.dilationHeight == 1 &&
         geometry.dilationWidth == 1 && geometry.padTop < geometry.filterHeight &&
         geometry.padBottom < geometry.filterHeight && geometry.padLeft < geometry.filterWidth &&
         geometry.padRight < geometry.filterWidth;
}

// The forward convolution from dy to dx.
ConvolutionGeometry transposed(const ConvolutionGeometry& geometry) {
  ConvolutionGeometry forward = geometry;
  forward.inHeight = geometry.outHeight;
  forward.inWidth = geometry.outWidth;
  forward.inChannels = geometry.outChannels;
  forward.outHeight = geometry.inHeight;
  forward.outWidth = geometry.inWidth;
  forward.outChannels = geometry.inChannels;
  forward.padTop = geometry.filterHeight - 1 - geometry.padTop;
  forward.padBottom = geometry.filterHeight - 1 - geometry.padBottom;
  forward.padLeft = geometry.filterWidth - 1 - geometry.padLeft;
  forward.padRight = geometry.filterWidth - 1 - geometry.padRight;
  return forward;
}

// The turned filter as the transposed convolution's weights: the filter, its taps reversed in
// place (TurnedInPlace), in HWIO, so that only the channel swap is left, which these strides (the
// original out channels are the new in channels, and vary fastest) describe for the reorder.
memory::desc turnedWeights(const ConvolutionGeometry& geometry) {
  const int64_t in = geometry.inChannels, out = geometry.outChannels;
  return memory::desc({in, out, geometry.filterHeight, geometry.filterWidth}, dt::f32,
                      memory::dims{out, 1, geometry.filterWidth * in * out, in * out});
}

// Reverses the filter's taps in the caller's own memory for the length of one call, and back
// after, even when oneDNN throws: nothing else reads the filter during a synchronous call, and a
// turned copy would keep a second weights-sized scratch buffer resident (38 MB for the paper
// network's largest kernel).
class TurnedInPlace {
 public:
  TurnedInPlace(const ConvolutionGeometry& geometry, float* filter)
      : filter_(filter),
        taps_(geometry.filterHeight * geometry.filterWidth),
        tapSize_(static_cast<size_t>(geometry.inChannels * geometry.outChannels)) {
    reverse();
  }
  ~TurnedInPlace() { reverse(); }
  TurnedInPlace(const TurnedInPlace&) = delete;
  TurnedInPlace& operator=(const TurnedInPlace&) = delete;

 private:
  void reverse() {
    for (int64_t tap = 0; tap < taps_ / 2; tap++) {
      std::swap_ranges(filter_ + tap * tapSize_, filter_ + (tap + 1) * tapSize_, filter_ + (taps_ - 1 - tap) * tapSize_);
    }
  }
  float* filter_;
  int64_t taps_;
  size_t tapSize_;
};

void backwardAsForward(const ConvolutionGeometry& geometry, const Floats& dy, const Floats& filter, const Floats& dx) {
  const ConvolutionGeometry forward = transposed(geometry);
  TransposedForwardConvolution& entry = forwardCache.get(geometry.key(), [&] {
    auto descriptor = compat::convolutionForward(engine(), dnnl::prop_kind::forward_inference, forward.source(),
                                                 forward.weights(tag::any), nullptr, forward.destination(),
                                                 forward.shape());
    return TransposedForwardConvolution{dnnl::convolution_forward(descriptor),
                                        Reordered(turnedWeights(geometry), descriptor.weights_desc())};
  });
  // Turned until the convolution has run: without a reorder it reads the filter itself.
  TurnedInPlace turned(geometry, filter.data);
  entry.primitive.execute(stream(), {
                                        {DNNL_ARG_SRC, memory(forward.source(), engine(), dy.data)},
                                        {DNNL_ARG_WEIGHTS, entry.weights.in(filter.data)},
                                        {DNNL_ARG_DST, memory(forward.destination(), engine(), dx.data)},
                                    });
  stream().wait();
}

void backwardData(const ConvolutionGeometry& geometry, const Floats& dy, const Floats& filter, const Floats& dx) {
  BackwardDataConvolution& entry = backwardCache.get(geometry.key(), [&] {
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
}

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
    if (runsAsForward(geometry)) {
      backwardAsForward(geometry, dy, filter, dx);
    } else {
      backwardData(geometry, dy, filter, dx);
    }
  });
}

}  // namespace unet_native
