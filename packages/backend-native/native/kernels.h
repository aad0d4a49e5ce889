// The addon's functions, one per kernel; each .cc beside this file holds one family, named
// after the src/kernels/*.ts that calls it. Arguments are documented where each is defined.
#pragma once

#include <node_api.h>

namespace unet_native {

napi_value Conv2d(napi_env env, napi_callback_info info);
napi_value Conv2dBatchNormRelu(napi_env env, napi_callback_info info);
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info);
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info);
napi_value MatMul(napi_env env, napi_callback_info info);
napi_value MaxPool(napi_env env, napi_callback_info info);
napi_value MaxPoolGrad(napi_env env, napi_callback_info info);
napi_value Binary(napi_env env, napi_callback_info info);
napi_value SumRows(napi_env env, napi_callback_info info);
napi_value Transpose(napi_env env, napi_callback_info info);
napi_value Unary(napi_env env, napi_callback_info info);
napi_value BatchNorm(napi_env env, napi_callback_info info);
napi_value BatchNormTraining(napi_env env, napi_callback_info info);
napi_value BatchNormTrainingGrad(napi_env env, napi_callback_info info);
napi_value Slice(napi_env env, napi_callback_info info);
napi_value ConcatRows(napi_env env, napi_callback_info info);
napi_value Pad(napi_env env, napi_callback_info info);
napi_value Tile(napi_env env, napi_callback_info info);
napi_value UpConvolutionConcat(napi_env env, napi_callback_info info);
napi_value UpConvolutionConcatGrad(napi_env env, napi_callback_info info);
napi_value WeightedCrossEntropy(napi_env env, napi_callback_info info);
napi_value WeightedCrossEntropyGrad(napi_env env, napi_callback_info info);
napi_value AdamUpdate(napi_env env, napi_callback_info info);
napi_value ReluGradient(napi_env env, napi_callback_info info);
napi_value PageBuffer(napi_env env, napi_callback_info info);
napi_value GatherPageBuffer(napi_env env, napi_callback_info info);
napi_value FreePageBuffer(napi_env env, napi_callback_info info);
napi_value PageBufferBytes(napi_env env, napi_callback_info info);

}  // namespace unet_native
