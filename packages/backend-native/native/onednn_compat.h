// The few oneDNN calls whose form changed between major versions, written once for both.
// oneDNN 3 (Debian 13, current Ubuntu) dropped the operation `desc` classes of oneDNN 2 (Debian
// 12's libdnnl-dev 2.6): a primitive descriptor is built from the engine and the operation's
// arguments directly, and append_eltwise lost its scale. Every other call is the same in both.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#ifndef DNNL_VERSION_MAJOR
#error "oneapi/dnnl/dnnl.hpp did not define DNNL_VERSION_MAJOR; oneDNN 2.x or 3.x is required"
#endif

namespace unet_native {
namespace compat {

using dnnl::memory;

// A convolution's geometry in oneDNN's terms.
struct ConvolutionShape {
  memory::dims strides, dilations, padsBefore, padsAfter;
};

inline dnnl::convolution_forward::primitive_desc convolutionForward(
    dnnl::engine& engine, dnnl::prop_kind kind, const memory::desc& source, const memory::desc& weights,
    const memory::desc* bias, const memory::desc& destination, const ConvolutionShape& shape,
    const dnnl::primitive_attr& attributes = dnnl::primitive_attr()) {
#if DNNL_VERSION_MAJOR >= 3
  if (bias != nullptr) {
    return dnnl::convolution_forward::primitive_desc(engine, kind, dnnl::algorithm::convolution_direct, source,
                                                     weights, *bias, destination, shape.strides, shape.dilations,
                                                     shape.padsBefore, shape.padsAfter, attributes);
  }
  return dnnl::convolution_forward::primitive_desc(engine, kind, dnnl::algorithm::convolution_direct, source,
                                                   weights, destination, shape.strides, shape.dilations,
                                                   shape.padsBefore, shape.padsAfter, attributes);
#else
  auto description =
      bias != nullptr
          ? dnnl::convolution_forward::desc(kind, dnnl::algorithm::convolution_direct, source, weights, *bias,
                                            destination, shape.strides, shape.dilations, shape.padsBefore,
                                            shape.padsAfter)
          : dnnl::convolution_forward::desc(kind, dnnl::algorithm::convolution_direct, source, weights,
                                            destination, shape.strides, shape.dilations, shape.padsBefore,
                                            shape.padsAfter);
  return dnnl::convolution_forward::primitive_desc(description, attributes, engine);
#endif
}

inline dnnl::convolution_backward_data::primitive_desc convolutionBackwardData(
    dnnl::engine& engine, const memory::desc& sourceGradient, const memory::desc& weights,
    const memory::desc& destinationGradient, const ConvolutionShape& shape,
    const dnnl::convolution_forward::primitive_desc& forwardHint) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::convolution_backward_data::primitive_desc(engine, dnnl::algorithm::convolution_direct, sourceGradient,
                                                         weights, destinationGradient, shape.strides, shape.dilations,
                                                         shape.padsBefore, shape.padsAfter, forwardHint);
#else
  dnnl::convolution_backward_data::desc description(dnnl::algorithm::convolution_direct, sourceGradient, weights,
                                                    destinationGradient, shape.strides, shape.dilations,
                                                    shape.padsBefore, shape.padsAfter);
  return dnnl::convolution_backward_data::primitive_desc(description, engine, forwardHint);
#endif
}

inline dnnl::convolution_backward_weights::primitive_desc convolutionBackwardWeights(
    dnnl::engine& engine, const memory::desc& source, const memory::desc& weightsGradient,
    const memory::desc& destinationGradient, const ConvolutionShape& shape,
    const dnnl::convolution_forward::primitive_desc& forwardHint) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::convolution_backward_weights::primitive_desc(engine, dnnl::algorithm::convolution_direct, source,
                                                            weightsGradient, destinationGradient, shape.strides,
                                                            shape.dilations, shape.padsBefore, shape.padsAfter,
                                                            forwardHint);
#else
  dnnl::convolution_backward_weights::desc description(dnnl::algorithm::convolution_direct, source, weightsGradient,
                                                       destinationGradient, shape.strides, shape.dilations,
                                                       shape.padsBefore, shape.padsAfter);
  return dnnl::convolution_backward_weights::primitive_desc(description, engine, forwardHint);
#endif
}

inline dnnl::matmul::primitive_desc matmul(dnnl::engine& engine, const memory::desc& a, const memory::desc& b,
                                           const memory::desc& out) {
#if DNNL_VERSION_MAJOR >= 3
  return dnnl::matmul::primitive_desc(engine, a, b, out);
#else
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, out), engine);
#endif
}

// Post-ops that apply max(0, x) to a primitive's result.
inline dnnl::post_ops reluPostOps() {
  dnnl::post_ops operations;
#if DNNL_VERSION_MAJOR >= 3
  operations.append_eltwise(dnnl::algorithm::eltwise_relu, 0.f, 0.f);
#else
  operations.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
#endif
  return operations;
}

}  // namespace compat
}  // namespace unet_native
