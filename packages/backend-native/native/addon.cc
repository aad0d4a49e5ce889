// The oneDNN addon of @unet/backend-native: its functions, defined in the kernel files beside
// this one, as a Node module. Buffers are tfjs's cpu backend's Float32Arrays, passed by pointer;
// layouts are tfjs's (activations NHWC, convolution kernels HWIO).
//
// Every call is synchronous on the calling thread; oneDNN and the loops spread their work over
// the OpenMP threads (all cores unless OMP_NUM_THREADS says otherwise).
#include "generated/geometry_fields.h"
#include "kernels.h"
#include "napi_arguments.h"

#include <omp.h>

#include <string>
#include <vector>

namespace unet_native {
namespace {

// threads(): the number of OpenMP threads the kernels use.
napi_value Threads(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_int32(env, omp_get_max_threads(), &result);
  return result;
}

// version(): oneDNN's version, 'major.minor.patch'.
napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* version = dnnl_version();
  std::string text = std::to_string(version->major) + "." + std::to_string(version->minor) + "." +
                     std::to_string(version->patch);
  napi_value result;
  napi_create_string_utf8(env, text.c_str(), text.size(), &result);
  return result;
}

napi_value strings(napi_env env, const std::vector<const char*>& names) {
  napi_value array;
  napi_create_array_with_length(env, names.size(), &array);
  for (size_t index = 0; index < names.size(); index++) {
    napi_value name;
    napi_create_string_utf8(env, names[index], NAPI_AUTO_LENGTH, &name);
    napi_set_element(env, array, uint32_t(index), name);
  }
  return array;
}

#define UNET_FIELD_NAME(name) #name,

// geometryFields(): { convolution, pooling }, the field names this addon was compiled with, in
// the order it reads them (so that a test can hold them against src/kernels/geometry.json).
napi_value GeometryFields(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "convolution", strings(env, {UNET_CONVOLUTION_FIELDS(UNET_FIELD_NAME)}));
  napi_set_named_property(env, result, "pooling", strings(env, {UNET_POOLING_FIELDS(UNET_FIELD_NAME)}));
  return result;
}

#undef UNET_FIELD_NAME

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBatchNormRelu", nullptr, Conv2dBatchNormRelu, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matMul", nullptr, MatMul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPool", nullptr, MaxPool, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNorm", nullptr, BatchNorm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTraining", nullptr, BatchNormTraining, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainingGrad", nullptr, BatchNormTrainingGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"slice", nullptr, Slice, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"concatRows", nullptr, ConcatRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pad", nullptr, Pad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tile", nullptr, Tile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"upConvolutionConcat", nullptr, UpConvolutionConcat, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"upConvolutionConcatGrad", nullptr, UpConvolutionConcatGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"weightedCrossEntropy", nullptr, WeightedCrossEntropy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"weightedCrossEntropyGrad", nullptr, WeightedCrossEntropyGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamUpdate", nullptr, AdamUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGradient", nullptr, ReluGradient, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pageBuffer", nullptr, PageBuffer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"gatherPageBuffer", nullptr, GatherPageBuffer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"freePageBuffer", nullptr, FreePageBuffer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pageBufferBytes", nullptr, PageBufferBytes, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"geometryFields", nullptr, GeometryFields, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace
}  // namespace unet_native

NAPI_MODULE(NODE_GYP_MODULE_NAME, unet_native::Init)
