// Reading N-API arguments (typed arrays by pointer, numbers, nullish values) and turning C++
// and oneDNN exceptions into JavaScript errors: what every kernel's entry point does first.
#pragma once

#include <node_api.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace unet_native {

struct ArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A Float32Array's memory, used in place: nothing is copied on the way in or out.
struct Floats {
  float* data;
  size_t length;
};

struct Ints {
  int32_t* data;
  size_t length;
};

inline std::vector<napi_value> arguments(napi_env env, napi_callback_info info, size_t expected) {
  size_t count = expected;
  std::vector<napi_value> values(expected);
  napi_get_cb_info(env, info, &count, values.data(), nullptr, nullptr);
  if (count != expected) {
    throw ArgumentError("expected " + std::to_string(expected) + " arguments, got " + std::to_string(count));
  }
  return values;
}

inline bool isNullish(napi_env env, napi_value value) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  return type == napi_null || type == napi_undefined;
}

inline void* typedArray(napi_env env, napi_value value, napi_typedarray_type expected, const char* name,
                        const char* kind, size_t& length) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) throw ArgumentError(std::string(name) + " must be " + kind);
  napi_typedarray_type type;
  void* data;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  if (type != expected) throw ArgumentError(std::string(name) + " must be " + kind);
  return data;
}

inline Floats floats(napi_env env, napi_value value, const char* name) {
  size_t length = 0;
  void* data = typedArray(env, value, napi_float32_array, name, "a Float32Array", length);
  return {static_cast<float*>(data), length};
}

// A Float32Array, or no array (length 0) for null or undefined.
inline Floats optionalFloats(napi_env env, napi_value value, const char* name) {
  return isNullish(env, value) ? Floats{nullptr, 0} : floats(env, value, name);
}

inline Ints ints(napi_env env, napi_value value, const char* name) {
  size_t length = 0;
  void* data = typedArray(env, value, napi_int32_array, name, "an Int32Array", length);
  return {static_cast<int32_t*>(data), length};
}

inline int32_t int32(napi_env env, napi_value value, int32_t otherwise) {
  int32_t result = otherwise;
  napi_get_value_int32(env, value, &result);
  return result;
}

inline double number(napi_env env, napi_value value) {
  double result = 0;
  napi_get_value_double(env, value, &result);
  return result;
}

inline bool boolean(napi_env env, napi_value value) {
  bool result = false;
  napi_get_value_bool(env, value, &result);
  return result;
}

inline void expectLength(const Floats& array, size_t length, const char* name) {
  if (array.length != length) {
    throw ArgumentError(std::string(name) + " has " + std::to_string(array.length) + " elements, expected " +
                        std::to_string(length));
  }
}

// Runs `body`, turning C++ and oneDNN exceptions into JavaScript errors.
template <typename Body>
napi_value guarded(napi_env env, const char* name, Body body) {
  try {
    body();
  } catch (const dnnl::error& error) {
    std::string message = std::string("unet_native.") + name + ": oneDNN failed: " + error.what();
    napi_throw_error(env, "ERR_UNET_NATIVE_ONEDNN", message.c_str());
  } catch (const std::exception& error) {
    std::string message = std::string("unet_native.") + name + ": " + error.what();
    napi_throw_error(env, "ERR_UNET_NATIVE_ARGUMENT", message.c_str());
  }
  return nullptr;
}

}  // namespace unet_native
