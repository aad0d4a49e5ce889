// The geometries of a convolution and of a pooling, read from the Int32Array the TypeScript
// side writes (src/kernels/parameters.ts). Their fields and order come from
// src/kernels/geometry.json through the generated header, for both sides.
#pragma once

#include "generated/geometry_fields.h"
#include "napi_arguments.h"
#include "onednn_compat.h"
#include "onednn_engine.h"

#include <cstdint>
#include <string>

namespace unet_native {

#define UNET_DECLARE_FIELD(name) int64_t name;
#define UNET_READ_FIELD(name) name = params.data[index++];
#define UNET_KEY_FIELD(name) key += std::to_string(name) + ',';

struct ConvolutionGeometry {
  UNET_CONVOLUTION_FIELDS(UNET_DECLARE_FIELD)

  explicit ConvolutionGeometry(const Ints& params) {
    if (params.length != UNET_CONVOLUTION_FIELD_COUNT) {
      throw ArgumentError("convolution parameters must have " + std::to_string(UNET_CONVOLUTION_FIELD_COUNT) + " entries");
    }
    size_t index = 0;
    UNET_CONVOLUTION_FIELDS(UNET_READ_FIELD)
  }

  std::string key() const {
    std::string key;
    UNET_CONVOLUTION_FIELDS(UNET_KEY_FIELD)
    return key;
  }

  memory::desc source(tag format = tag::nhwc) const {
    return memory::desc({batch, inChannels, inHeight, inWidth}, dt::f32, format);
  }
  memory::desc destination(tag format = tag::nhwc) const {
    return memory::desc({batch, outChannels, outHeight, outWidth}, dt::f32, format);
  }
  memory::desc weights(tag format = tag::hwio) const {
    return memory::desc({outChannels, inChannels, filterHeight, filterWidth}, dt::f32, format);
  }
  memory::desc bias() const { return memory::desc({outChannels}, dt::f32, tag::a); }
  memory::dims strides() const { return {strideHeight, strideWidth}; }
  // oneDNN counts dilation from 0 (no dilation); tfjs from 1.
  memory::dims dilations() const { return {dilationHeight - 1, dilationWidth - 1}; }
  memory::dims padsBefore() const { return {padTop, padLeft}; }
  memory::dims padsAfter() const { return {padBottom, padRight}; }
  compat::ConvolutionShape shape() const { return {strides(), dilations(), padsBefore(), padsAfter()}; }

  // The forward convolution that the backward ones are told about (oneDNN picks their
  // implementation to match it).
  dnnl::convolution_forward::primitive_desc forwardHint() const {
    return compat::convolutionForward(engine(), dnnl::prop_kind::forward_training, source(), weights(tag::any),
                                      nullptr, destination(), shape());
  }

  size_t sourceSize() const { return batch * inHeight * inWidth * inChannels; }
  size_t destinationSize() const { return batch * outHeight * outWidth * outChannels; }
  size_t weightsSize() const { return filterHeight * filterWidth * inChannels * outChannels; }
};

struct PoolGeometry {
  UNET_POOLING_FIELDS(UNET_DECLARE_FIELD)

  explicit PoolGeometry(const Ints& params) {
    if (params.length != UNET_POOLING_FIELD_COUNT) {
      throw ArgumentError("pooling parameters must have " + std::to_string(UNET_POOLING_FIELD_COUNT) + " entries");
    }
    size_t index = 0;
    UNET_POOLING_FIELDS(UNET_READ_FIELD)
  }
  size_t inputSize() const { return batch * inHeight * inWidth * channels; }
  size_t outputSize() const { return batch * outHeight * outWidth * channels; }
};

#undef UNET_DECLARE_FIELD
#undef UNET_READ_FIELD
#undef UNET_KEY_FIELD

}  // namespace unet_native
