// The native kernels of @unet/backend-native: oneDNN convolutions and matrix products, and
// OpenMP loops for max pooling, on float32 buffers that tfjs's cpu backend already holds
// (Float32Arrays passed by pointer: nothing is copied on the way in or out).
//
// Layouts are tfjs's: activations NHWC, convolution kernels [height, width, in, out] (HWIO).
// oneDNN's logical order is NCHW / OIHW; the format tags nhwc and hwio tell it the physical
// order, so activations are used in place and only the kernels are reordered, into whatever
// blocked format the chosen implementation wants (format_tag::any).
//
// Every call is synchronous on the calling thread; oneDNN and the pooling loops spread their
// work over the OpenMP threads (all cores unless OMP_NUM_THREADS says otherwise).

#include <node_api.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

// ---------------------------------------------------------------------------------------------
// N-API helpers
// ---------------------------------------------------------------------------------------------

struct ArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Floats {
  float* data;
  size_t length;
};

struct Ints {
  int32_t* data;
  size_t length;
};

std::vector<napi_value> arguments(napi_env env, napi_callback_info info, size_t expected) {
  size_t count = expected;
  std::vector<napi_value> values(expected);
  napi_get_cb_info(env, info, &count, values.data(), nullptr, nullptr);
  if (count != expected) {
    throw ArgumentError("expected " + std::to_string(expected) + " arguments, got " + std::to_string(count));
  }
  return values;
}

bool isNullish(napi_env env, napi_value value) {
  napi_valuetype type;
  napi_typeof(env, value, &type);
  return type == napi_null || type == napi_undefined;
}

Floats floats(napi_env env, napi_value value, const char* name) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) throw ArgumentError(std::string(name) + " must be a Float32Array");
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  if (type != napi_float32_array) throw ArgumentError(std::string(name) + " must be a Float32Array");
  return {static_cast<float*>(data), length};
}

Ints ints(napi_env env, napi_value value, const char* name) {
  bool isTyped = false;
  napi_is_typedarray(env, value, &isTyped);
  if (!isTyped) throw ArgumentError(std::string(name) + " must be an Int32Array");
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  if (type != napi_int32_array) throw ArgumentError(std::string(name) + " must be an Int32Array");
  return {static_cast<int32_t*>(data), length};
}

void expectLength(const Floats& array, size_t length, const char* name) {
  if (array.length != length) {
    throw ArgumentError(std::string(name) + " has " + std::to_string(array.length) + " elements, expected " +
                        std::to_string(length));
  }
}

// The rows of x laid out [rows, channels], channels being gamma's length (batch norm's arrays).
int64_t batchNormRows(const Floats& x, const Floats& gamma, const char* kernel) {
  if (gamma.length < 1 || x.length % gamma.length != 0) throw ArgumentError(std::string(kernel) + ": x's size is not a multiple of gamma's length");
  return int64_t(x.length / gamma.length);
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

// ---------------------------------------------------------------------------------------------
// oneDNN state: one engine and stream per process, primitives cached by their parameters
// ---------------------------------------------------------------------------------------------

dnnl::engine& engine() {
  static dnnl::engine instance(dnnl::engine::kind::cpu, 0);
  return instance;
}

dnnl::stream& stream() {
  static dnnl::stream instance(engine());
  return instance;
}

std::mutex cacheMutex;

// Scratch memory for kernels in oneDNN's layout, shared by every primitive of this thread: a
// reordered kernel or a kernel gradient lives only during one call, so one buffer the size of the
// largest kernel serves them all (a copy per cached primitive cost 3 x 124 MB for the paper
// network: forward, backward-data and backward-weights).
float* scratch(size_t bytes) {
  struct Buffer {
    float* data = nullptr;
    size_t size = 0;
    ~Buffer() { std::free(data); }
  };
  thread_local Buffer buffer;
  if (buffer.size < bytes) {
    std::free(buffer.data);
    const size_t rounded = (bytes + 63) / 64 * 64;
    buffer.data = static_cast<float*>(std::aligned_alloc(64, rounded));
    if (buffer.data == nullptr) throw std::bad_alloc();
    buffer.size = rounded;
  }
  return buffer.data;
}

// A kernel reordered from tfjs's layout into the one a primitive wants, in the scratch buffer.
struct Reordered {
  memory::desc from;
  memory::desc to;
  bool needed = false;
  dnnl::reorder primitive;

  Reordered() = default;
  Reordered(const memory::desc& from_, const memory::desc& to_) : from(from_), to(to_) {
    needed = from != to;
    if (needed) primitive = dnnl::reorder(dnnl::reorder::primitive_desc(engine(), from, engine(), to));
  }

  // The kernel in the primitive's layout: the user's memory itself when no reorder is needed.
  memory in(float* user) {
    memory source(from, engine(), user);
    if (!needed) return source;
    memory target(to, engine(), scratch(to.get_size()));
    primitive.execute(stream(), source, target);
    return target;
  }
};

struct ConvolutionGeometry {
  memory::dim batch, inHeight, inWidth, inChannels;
  memory::dim outHeight, outWidth, outChannels;
  memory::dim filterHeight, filterWidth;
  memory::dim strideHeight, strideWidth, dilationHeight, dilationWidth;
  memory::dim padTop, padLeft, padBottom, padRight;

  // params: batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, top, left, bottom, right
  explicit ConvolutionGeometry(const Ints& params) {
    if (params.length != 17) throw ArgumentError("convolution parameters must have 17 entries");
    memory::dim* fields[] = {&batch, &inHeight, &inWidth, &inChannels, &outHeight, &outWidth,
                             &outChannels, &filterHeight, &filterWidth, &strideHeight, &strideWidth,
                             &dilationHeight, &dilationWidth, &padTop, &padLeft, &padBottom, &padRight};
    for (size_t index = 0; index < 17; index++) *fields[index] = params.data[index];
  }

  std::string key() const {
    std::ostringstream out;
    for (auto value : {batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight,
                       filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft,
                       padBottom, padRight}) {
      out << value << ',';
    }
    return out.str();
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

  size_t sourceSize() const { return batch * inHeight * inWidth * inChannels; }
  size_t destinationSize() const { return batch * outHeight * outWidth * outChannels; }
  size_t weightsSize() const { return filterHeight * filterWidth * inChannels * outChannels; }

  dnnl::convolution_forward::primitive_desc forwardHint(bool withBias) const {
    auto description = withBias
        ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                          source(), weights(tag::any), bias(), destination(), strides(),
                                          dilations(), padsBefore(), padsAfter())
        : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                          source(), weights(tag::any), destination(), strides(), dilations(),
                                          padsBefore(), padsAfter());
    return dnnl::convolution_forward::primitive_desc(description, engine());
  }
};

struct ForwardConvolution {
  dnnl::convolution_forward primitive;
  Reordered weights;
};

struct BackwardDataConvolution {
  dnnl::convolution_backward_data primitive;
  Reordered weights;
};

struct BackwardWeightsConvolution {
  dnnl::convolution_backward_weights primitive;
  // The gradient comes out in the primitive's kernel layout and is reordered into tfjs's.
  memory::desc gradientDesc;
  bool reorderNeeded = false;
  dnnl::reorder toUser;
};

template <typename Entry>
using Cache = std::unordered_map<std::string, std::unique_ptr<Entry>>;

Cache<ForwardConvolution> forwardCache;
Cache<BackwardDataConvolution> backwardDataCache;
Cache<BackwardWeightsConvolution> backwardWeightsCache;

// conv2d(x, filter, bias | null, params: Int32Array(17), relu: number, out)
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return guarded(env, "conv2d", [&] {
    auto args = arguments(env, info, 6);
    ConvolutionGeometry geometry(ints(env, args[3], "params"));
    Floats x = floats(env, args[0], "x");
    Floats filter = floats(env, args[1], "filter");
    bool withBias = !isNullish(env, args[2]);
    Floats bias = withBias ? floats(env, args[2], "bias") : Floats{nullptr, 0};
    int32_t relu = 0;
    napi_get_value_int32(env, args[4], &relu);
    Floats out = floats(env, args[5], "out");
    expectLength(x, geometry.sourceSize(), "x");
    expectLength(filter, geometry.weightsSize(), "filter");
    if (withBias) expectLength(bias, geometry.outChannels, "bias");
    expectLength(out, geometry.destinationSize(), "out");

    std::string key = geometry.key() + (withBias ? "b" : "") + (relu ? "r" : "");
    ForwardConvolution* entry;
    {
      std::lock_guard<std::mutex> lock(cacheMutex);
      auto& slot = forwardCache[key];
      if (!slot) {
        auto description =
            withBias ? dnnl::convolution_forward::desc(
                           dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                           geometry.source(), geometry.weights(tag::any), geometry.bias(), geometry.destination(),
                           geometry.strides(), geometry.dilations(), geometry.padsBefore(), geometry.padsAfter())
                     : dnnl::convolution_forward::desc(
                           dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                           geometry.source(), geometry.weights(tag::any), geometry.destination(), geometry.strides(),
                           geometry.dilations(), geometry.padsBefore(), geometry.padsAfter());
        dnnl::primitive_attr attributes;
        if (relu) {
          dnnl::post_ops operations;
          operations.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
          attributes.set_post_ops(operations);
        }
        dnnl::convolution_forward::primitive_desc descriptor(description, attributes, engine());
        auto created = std::make_unique<ForwardConvolution>();
        created->primitive = dnnl::convolution_forward(descriptor);
        created->weights = Reordered(geometry.weights(), descriptor.weights_desc());
        slot = std::move(created);
      }
      entry = slot.get();
    }
    std::unordered_map<int, memory> io = {
        {DNNL_ARG_SRC, memory(geometry.source(), engine(), x.data)},
        {DNNL_ARG_WEIGHTS, entry->weights.in(filter.data)},
        {DNNL_ARG_DST, memory(geometry.destination(), engine(), out.data)},
    };
    if (withBias) io[DNNL_ARG_BIAS] = memory(geometry.bias(), engine(), bias.data);
    entry->primitive.execute(stream(), io);
    stream().wait();
  });
}

// conv2dBackpropInput(dy, filter, params: Int32Array(17), dx)
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

    BackwardDataConvolution* entry;
    {
      std::lock_guard<std::mutex> lock(cacheMutex);
      auto& slot = backwardDataCache[geometry.key()];
      if (!slot) {
        auto description = dnnl::convolution_backward_data::desc(
            dnnl::algorithm::convolution_direct, geometry.source(), geometry.weights(tag::any),
            geometry.destination(), geometry.strides(), geometry.dilations(), geometry.padsBefore(),
            geometry.padsAfter());
        dnnl::convolution_backward_data::primitive_desc descriptor(description, engine(),
                                                                   geometry.forwardHint(false));
        auto created = std::make_unique<BackwardDataConvolution>();
        created->primitive = dnnl::convolution_backward_data(descriptor);
        created->weights = Reordered(geometry.weights(), descriptor.weights_desc());
        slot = std::move(created);
      }
      entry = slot.get();
    }
    entry->primitive.execute(stream(), {
                                           {DNNL_ARG_DIFF_DST, memory(geometry.destination(), engine(), dy.data)},
                                           {DNNL_ARG_WEIGHTS, entry->weights.in(filter.data)},
                                           {DNNL_ARG_DIFF_SRC, memory(geometry.source(), engine(), dx.data)},
                                       });
    stream().wait();
  });
}

// conv2dBackpropFilter(x, dy, params: Int32Array(17), dw)
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

    BackwardWeightsConvolution* entry;
    {
      std::lock_guard<std::mutex> lock(cacheMutex);
      auto& slot = backwardWeightsCache[geometry.key()];
      if (!slot) {
        auto description = dnnl::convolution_backward_weights::desc(
            dnnl::algorithm::convolution_direct, geometry.source(), geometry.weights(tag::any),
            geometry.destination(), geometry.strides(), geometry.dilations(), geometry.padsBefore(),
            geometry.padsAfter());
        dnnl::convolution_backward_weights::primitive_desc descriptor(description, engine(),
                                                                      geometry.forwardHint(false));
        auto created = std::make_unique<BackwardWeightsConvolution>();
        created->primitive = dnnl::convolution_backward_weights(descriptor);
        created->gradientDesc = descriptor.diff_weights_desc();
        created->reorderNeeded = created->gradientDesc != geometry.weights();
        if (created->reorderNeeded) {
          created->toUser = dnnl::reorder(
              dnnl::reorder::primitive_desc(engine(), created->gradientDesc, engine(), geometry.weights()));
        }
        slot = std::move(created);
      }
      entry = slot.get();
    }
    memory user(geometry.weights(), engine(), dw.data);
    memory target = entry->reorderNeeded ? memory(entry->gradientDesc, engine(), scratch(entry->gradientDesc.get_size())) : user;
    entry->primitive.execute(stream(), {
                                           {DNNL_ARG_SRC, memory(geometry.source(), engine(), x.data)},
                                           {DNNL_ARG_DIFF_DST, memory(geometry.destination(), engine(), dy.data)},
                                           {DNNL_ARG_DIFF_WEIGHTS, target},
                                       });
    if (entry->reorderNeeded) entry->toUser.execute(stream(), target, user);
    stream().wait();
  });
}

// ---------------------------------------------------------------------------------------------
// Matrix products
// ---------------------------------------------------------------------------------------------

Cache<dnnl::matmul> matmulCache;

// matMul(a, b, params: Int32Array [batchA, batchB, m, k, n, transposeA, transposeB], out)
// a is [batchA, m, k] ([batchA, k, m] when transposed), b [batchB, k, n] ([batchB, n, k]);
// out [max(batchA, batchB), m, n]. A batch of 1 is broadcast.
napi_value MatMul(napi_env env, napi_callback_info info) {
  return guarded(env, "matMul", [&] {
    auto args = arguments(env, info, 4);
    Ints params = ints(env, args[2], "params");
    if (params.length != 7) throw ArgumentError("matMul parameters must have 7 entries");
    memory::dim batchA = params.data[0], batchB = params.data[1], m = params.data[2], k = params.data[3],
                n = params.data[4];
    bool transposeA = params.data[5] != 0, transposeB = params.data[6] != 0;
    memory::dim batch = std::max(batchA, batchB);
    Floats a = floats(env, args[0], "a");
    Floats b = floats(env, args[1], "b");
    Floats out = floats(env, args[3], "out");
    expectLength(a, batchA * m * k, "a");
    expectLength(b, batchB * k * n, "b");
    expectLength(out, batch * m * n, "out");

    // A transpose is only a different set of strides.
    memory::desc aDesc({batchA, m, k}, dt::f32, transposeA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
    memory::desc bDesc({batchB, k, n}, dt::f32, transposeB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
    memory::desc outDesc({batch, m, n}, dt::f32, memory::dims{m * n, n, 1});
    std::ostringstream key;
    key << batchA << ',' << batchB << ',' << m << ',' << k << ',' << n << ',' << transposeA << transposeB;
    dnnl::matmul* primitive;
    {
      std::lock_guard<std::mutex> lock(cacheMutex);
      auto& slot = matmulCache[key.str()];
      if (!slot) {
        dnnl::matmul::primitive_desc descriptor(dnnl::matmul::desc(aDesc, bDesc, outDesc), engine());
        slot = std::make_unique<dnnl::matmul>(descriptor);
      }
      primitive = slot.get();
    }
    primitive->execute(stream(), {
                                     {DNNL_ARG_SRC, memory(aDesc, engine(), a.data)},
                                     {DNNL_ARG_WEIGHTS, memory(bDesc, engine(), b.data)},
                                     {DNNL_ARG_DST, memory(outDesc, engine(), out.data)},
                                 });
    stream().wait();
  });
}

// ---------------------------------------------------------------------------------------------
// Max pooling, written out: it is memory-bound, and tfjs's backward pass (MaxPoolGrad gets the
// input, not a workspace) needs the position of each window's first maximum, as tfjs's cpu
// backend picks it.
// ---------------------------------------------------------------------------------------------

struct PoolGeometry {
  int64_t batch, inHeight, inWidth, channels, outHeight, outWidth;
  int64_t filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft;

  // params: batch, inH, inW, C, outH, outW, fH, fW, sH, sW, dH, dW, top, left
  explicit PoolGeometry(const Ints& params) {
    if (params.length != 14) throw ArgumentError("pooling parameters must have 14 entries");
    int64_t* fields[] = {&batch,       &inHeight,    &inWidth,        &channels,      &outHeight,
                         &outWidth,    &filterHeight, &filterWidth,   &strideHeight,  &strideWidth,
                         &dilationHeight, &dilationWidth, &padTop, &padLeft};
    for (size_t index = 0; index < 14; index++) *fields[index] = params.data[index];
  }
  size_t inputSize() const { return batch * inHeight * inWidth * channels; }
  size_t outputSize() const { return batch * outHeight * outWidth * channels; }
};

// maxPool(x, params: Int32Array(14), out)
napi_value MaxPool(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPool", [&] {
    auto args = arguments(env, info, 3);
    PoolGeometry g(ints(env, args[1], "params"));
    Floats x = floats(env, args[0], "x");
    Floats out = floats(env, args[2], "out");
    expectLength(x, g.inputSize(), "x");
    expectLength(out, g.outputSize(), "out");
    const float* input = x.data;
    float* output = out.data;
    const int64_t rows = g.batch * g.outHeight;
#pragma omp parallel for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      const int64_t b = row / g.outHeight, y = row % g.outHeight;
      for (int64_t xo = 0; xo < g.outWidth; xo++) {
        float* target = output + ((row * g.outWidth) + xo) * g.channels;
        for (int64_t c = 0; c < g.channels; c++) target[c] = -std::numeric_limits<float>::infinity();
        for (int64_t fy = 0; fy < g.filterHeight; fy++) {
          const int64_t iy = y * g.strideHeight - g.padTop + fy * g.dilationHeight;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (int64_t fx = 0; fx < g.filterWidth; fx++) {
            const int64_t ix = xo * g.strideWidth - g.padLeft + fx * g.dilationWidth;
            if (ix < 0 || ix >= g.inWidth) continue;
            const float* source = input + ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels;
            for (int64_t c = 0; c < g.channels; c++) target[c] = std::max(target[c], source[c]);
          }
        }
      }
    }
  });
}

// maxPoolGrad(dy, x, params: Int32Array(14), dx): dx receives each dy at its window's first
// maximum (row-major order in the window), as tfjs's cpu backend does.
napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "maxPoolGrad", [&] {
    auto args = arguments(env, info, 4);
    PoolGeometry g(ints(env, args[2], "params"));
    Floats dy = floats(env, args[0], "dy");
    Floats x = floats(env, args[1], "x");
    Floats dx = floats(env, args[3], "dx");
    expectLength(dy, g.outputSize(), "dy");
    expectLength(x, g.inputSize(), "x");
    expectLength(dx, g.inputSize(), "dx");
    std::fill(dx.data, dx.data + dx.length, 0.f);
    const float* input = x.data;
    const float* upstream = dy.data;
    float* gradient = dx.data;
    // Windows that do not overlap write disjoint pixels and can go in parallel by output row;
    // overlapping ones are split by image only.
    const bool disjointRows = g.strideHeight >= (g.filterHeight - 1) * g.dilationHeight + 1;
    const int64_t rows = g.batch * g.outHeight;
    auto poolRow = [&](int64_t row) {
      const int64_t b = row / g.outHeight, y = row % g.outHeight;
      for (int64_t xo = 0; xo < g.outWidth; xo++) {
        const float* up = upstream + ((row * g.outWidth) + xo) * g.channels;
        for (int64_t c = 0; c < g.channels; c++) {
          float best = -std::numeric_limits<float>::infinity();
          int64_t bestIndex = -1;
          for (int64_t fy = 0; fy < g.filterHeight; fy++) {
            const int64_t iy = y * g.strideHeight - g.padTop + fy * g.dilationHeight;
            if (iy < 0 || iy >= g.inHeight) continue;
            for (int64_t fx = 0; fx < g.filterWidth; fx++) {
              const int64_t ix = xo * g.strideWidth - g.padLeft + fx * g.dilationWidth;
              if (ix < 0 || ix >= g.inWidth) continue;
              const int64_t index = ((b * g.inHeight + iy) * g.inWidth + ix) * g.channels + c;
              if (bestIndex < 0 || input[index] > best) {
                best = input[index];
                bestIndex = index;
              }
            }
          }
          if (bestIndex >= 0) gradient[bestIndex] += up[c];
        }
      }
    };
    if (disjointRows) {
#pragma omp parallel for schedule(static)
      for (int64_t row = 0; row < rows; row++) poolRow(row);
    } else {
#pragma omp parallel for schedule(static)
      for (int64_t b = 0; b < g.batch; b++) {
        for (int64_t y = 0; y < g.outHeight; y++) poolRow(b * g.outHeight + y);
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Elementwise and reduction loops: after the convolutions moved to oneDNN, a train step spent
// most of its time in tfjs's cpu loops for batch norm and its gradient (broadcast products,
// per-channel sums, tiles), which are single-threaded and compute every broadcast index.
// ---------------------------------------------------------------------------------------------

constexpr int kMaxRank = 8;

// Walks an output of `rank` dims row by row (a row is the last dim) and gives each row's start
// offsets in the inputs, whose strides are 0 along broadcast dims.
struct Broadcast {
  int rank;
  int64_t shape[kMaxRank];
  int64_t stridesA[kMaxRank];
  int64_t stridesB[kMaxRank];

  // params: rank, shape[rank], stridesA[rank], stridesB[rank]
  explicit Broadcast(const Ints& params) {
    rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 3 * rank)) {
      throw ArgumentError("broadcast parameters must be rank (1 to 8), shape, strides of a, strides of b");
    }
    for (int axis = 0; axis < rank; axis++) {
      shape[axis] = params.data[1 + axis];
      stridesA[axis] = params.data[1 + rank + axis];
      stridesB[axis] = params.data[1 + 2 * rank + axis];
    }
  }
  int64_t rows() const {
    int64_t count = 1;
    for (int axis = 0; axis + 1 < rank; axis++) count *= shape[axis];
    return count;
  }
  int64_t size() const { return rows() * shape[rank - 1]; }
  void offsets(int64_t row, int64_t& offsetA, int64_t& offsetB) const {
    offsetA = 0;
    offsetB = 0;
    for (int axis = rank - 2; axis >= 0; axis--) {
      const int64_t index = row % shape[axis];
      row /= shape[axis];
      offsetA += index * stridesA[axis];
      offsetB += index * stridesB[axis];
    }
  }
};

// Each result is computed in double and rounded once, as tfjs's cpu backend computes in
// JavaScript numbers, so that the two backends agree to the last bit on +, -, *, /.
template <typename Op>
void broadcastLoop(const Broadcast& b, const float* x, const float* y, float* out, Op op) {
  const int64_t rows = b.rows(), inner = b.shape[b.rank - 1];
  const int64_t innerA = b.stridesA[b.rank - 1], innerB = b.stridesB[b.rank - 1];
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
  for (int64_t row = 0; row < rows; row++) {
    int64_t offsetA, offsetB;
    b.offsets(row, offsetA, offsetB);
    const float* rowA = x + offsetA;
    const float* rowB = y + offsetB;
    float* target = out + row * inner;
    if (innerA == 1 && innerB == 1) {
      for (int64_t i = 0; i < inner; i++) target[i] = float(op(double(rowA[i]), double(rowB[i])));
    } else if (innerA == 1) {
      for (int64_t i = 0; i < inner; i++) target[i] = float(op(double(rowA[i]), double(rowB[i * innerB])));
    } else if (innerB == 1) {
      for (int64_t i = 0; i < inner; i++) target[i] = float(op(double(rowA[i * innerA]), double(rowB[i])));
    } else {
      for (int64_t i = 0; i < inner; i++) target[i] = float(op(double(rowA[i * innerA]), double(rowB[i * innerB])));
    }
  }
}

// binary(op, a, b, params, out): op 0 add, 1 subtract, 2 multiply, 3 divide, 4 squared
// difference, 5 maximum, 6 minimum; params as Broadcast reads them.
napi_value Binary(napi_env env, napi_callback_info info) {
  return guarded(env, "binary", [&] {
    auto args = arguments(env, info, 5);
    int32_t op = -1;
    napi_get_value_int32(env, args[0], &op);
    Floats a = floats(env, args[1], "a");
    Floats b = floats(env, args[2], "b");
    Broadcast shape(ints(env, args[3], "params"));
    Floats out = floats(env, args[4], "out");
    expectLength(out, shape.size(), "out");
    switch (op) {
      case 0: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return x + y; }); break;
      case 1: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return x - y; }); break;
      case 2: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return x * y; }); break;
      case 3: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return x / y; }); break;
      case 4: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return (x - y) * (x - y); }); break;
      case 5: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return std::isnan(x) || x > y ? x : y; }); break;
      case 6: broadcastLoop(shape, a.data, b.data, out.data, [](double x, double y) { return std::isnan(x) || x < y ? x : y; }); break;
      default: throw ArgumentError("unknown binary op " + std::to_string(op));
    }
  });
}

// sumRows(x, params [outer, reduce, inner], scale, out): x viewed as [outer, reduce, inner],
// out [outer, inner] = sums over the middle axis (per-channel sums of NHWC: outer 1, inner C;
// per-image sums: inner 1). Sums in double, as tfjs's cpu backend does in JavaScript numbers,
// then times `scale` (1/n for a mean).
napi_value SumRows(napi_env env, napi_callback_info info) {
  return guarded(env, "sumRows", [&] {
    auto args = arguments(env, info, 4);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    if (params.length != 3) throw ArgumentError("sumRows parameters must be outer, reduce, inner");
    double scale = 1;
    napi_get_value_double(env, args[2], &scale);
    Floats out = floats(env, args[3], "out");
    const int64_t outer = params.data[0], reduce = params.data[1], inner = params.data[2];
    expectLength(x, outer * reduce * inner, "x");
    expectLength(out, outer * inner, "out");
    const float* input = x.data;
    const bool large = outer * reduce * inner > 32768;
    const int threads = large ? omp_get_max_threads() : 1;
    if (inner == 1 || outer >= threads) {
#pragma omp parallel for schedule(static) if (large)
      for (int64_t o = 0; o < outer; o++) {
        std::vector<double> total(inner, 0.0);
        const float* block = input + o * reduce * inner;
        for (int64_t r = 0; r < reduce; r++) {
          const float* row = block + r * inner;
          for (int64_t i = 0; i < inner; i++) total[i] += row[i];
        }
        for (int64_t i = 0; i < inner; i++) out.data[o * inner + i] = float(total[i] * scale);
      }
      return;
    }
    std::vector<double> partial(size_t(threads) * inner);
    for (int64_t o = 0; o < outer; o++) {
      std::fill(partial.begin(), partial.end(), 0.0);
      const float* block = input + o * reduce * inner;
#pragma omp parallel num_threads(threads)
      {
        double* mine = partial.data() + size_t(omp_get_thread_num()) * inner;
#pragma omp for schedule(static)
        for (int64_t r = 0; r < reduce; r++) {
          const float* row = block + r * inner;
          for (int64_t i = 0; i < inner; i++) mine[i] += row[i];
        }
      }
      for (int64_t i = 0; i < inner; i++) {
        double total = 0;
        for (int thread = 0; thread < threads; thread++) total += partial[size_t(thread) * inner + i];
        out.data[o * inner + i] = float(total * scale);
      }
    }
  });
}

// transpose(x, params [rank, inShape[rank], perm[rank]], out): out's axis i is x's perm[i].
napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, "transpose", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 2 * rank)) {
      throw ArgumentError("transpose parameters must be rank (1 to 8), input shape, permutation");
    }
    int64_t inStrides[kMaxRank], outShape[kMaxRank], gather[kMaxRank];
    int64_t stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inStrides[axis] = stride;
      stride *= params.data[1 + axis];
    }
    expectLength(x, stride, "x");
    int64_t rows = 1;
    for (int axis = 0; axis < rank; axis++) {
      const int from = params.data[1 + rank + axis];
      if (from < 0 || from >= rank) throw ArgumentError("transpose permutation out of range");
      outShape[axis] = params.data[1 + from];
      gather[axis] = inStrides[from];
      if (axis + 1 < rank) rows *= outShape[axis];
    }
    const int64_t inner = outShape[rank - 1], innerStride = gather[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = 0, rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (rest % outShape[axis]) * gather[axis];
        rest /= outShape[axis];
      }
      const float* source = x.data + offset;
      float* target = out.data + row * inner;
      for (int64_t i = 0; i < inner; i++) target[i] = source[i * innerStride];
    }
  });
}

template <typename Op>
void unaryLoop(const float* x, float* out, int64_t size, Op op) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) out[i] = float(op(double(x[i])));
}

// unary(op, x, alpha, out): op 0 relu, 1 step (1 above 0, else alpha; NaN stays NaN), 2 neg,
// 3 square, 4 sqrt, 5 exp, 6 rsqrt; computed in double and rounded once, as the cpu backend does.
napi_value Unary(napi_env env, napi_callback_info info) {
  return guarded(env, "unary", [&] {
    auto args = arguments(env, info, 4);
    int32_t op = -1;
    napi_get_value_int32(env, args[0], &op);
    Floats x = floats(env, args[1], "x");
    double alpha = 0;
    napi_get_value_double(env, args[2], &alpha);
    Floats out = floats(env, args[3], "out");
    expectLength(out, x.length, "out");
    const int64_t size = int64_t(x.length);
    switch (op) {
      case 0: unaryLoop(x.data, out.data, size, [](double v) { return v < 0 ? 0.0 : v; }); break;
      case 1: {
        // Exact either way (1, alpha or NaN), so in float: two selects that vectorise.
        const float* __restrict source = x.data;
        float* __restrict target = out.data;
        const float low = float(alpha);
#pragma omp parallel for schedule(static) if (size > 32768)
        for (int64_t i = 0; i < size; i++) {
          const float v = source[i];
          const float stepped = v > 0.0f ? 1.0f : low;
          target[i] = v != v ? v : stepped;
        }
        break;
      }
      case 2: unaryLoop(x.data, out.data, size, [](double v) { return -v; }); break;
      case 3: unaryLoop(x.data, out.data, size, [](double v) { return v * v; }); break;
      case 4: unaryLoop(x.data, out.data, size, [](double v) { return std::sqrt(v); }); break;
      case 5: unaryLoop(x.data, out.data, size, [](double v) { return std::exp(v); }); break;
      case 6: unaryLoop(x.data, out.data, size, [](double v) { return 1 / std::sqrt(v); }); break;
      default: throw ArgumentError("unknown unary op " + std::to_string(op));
    }
  });
}

// batchNorm(x, mean, variance, offset | null, scale | null, epsilon, out): x is [rows, channels];
// each of mean, variance, offset, scale has `channels` values or one (broadcast).
// out = offset + (x - mean) * scale / sqrt(variance + epsilon), as tfjs's cpu backend computes it.
napi_value BatchNorm(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNorm", [&] {
    auto args = arguments(env, info, 7);
    Floats x = floats(env, args[0], "x");
    Floats mean = floats(env, args[1], "mean");
    Floats variance = floats(env, args[2], "variance");
    Floats offset = isNullish(env, args[3]) ? Floats{nullptr, 0} : floats(env, args[3], "offset");
    Floats scale = isNullish(env, args[4]) ? Floats{nullptr, 0} : floats(env, args[4], "scale");
    double epsilon = 0;
    napi_get_value_double(env, args[5], &epsilon);
    Floats out = floats(env, args[6], "out");
    expectLength(out, x.length, "out");
    const int64_t channels = int64_t(std::max({mean.length, variance.length, offset.length, scale.length}));
    if (channels < 1 || x.length % channels != 0) throw ArgumentError("batchNorm: x's size is not a multiple of the channels");
    // Per channel: out = x * multiplier + shift would round differently from the cpu backend, so
    // the same expression is kept, with the per-channel parts precomputed in double.
    std::vector<double> channelMean(channels), channelFactor(channels), channelOffset(channels);
    for (int64_t c = 0; c < channels; c++) {
      auto at = [c](const Floats& values, double otherwise) {
        return values.length == 0 ? otherwise : double(values.data[values.length == 1 ? 0 : c]);
      };
      channelMean[c] = at(mean, 0);
      channelFactor[c] = at(scale, 1) / std::sqrt(at(variance, 0) + epsilon);
      channelOffset[c] = at(offset, 0);
    }
    const int64_t rows = int64_t(x.length) / channels;
#pragma omp parallel for schedule(static) if (int64_t(x.length) > 32768)
    for (int64_t row = 0; row < rows; row++) {
      const float* source = x.data + row * channels;
      float* target = out.data + row * channels;
      for (int64_t c = 0; c < channels; c++) {
        target[c] = float(channelOffset[c] + (double(source[c]) - channelMean[c]) * channelFactor[c]);
      }
    }
  });
}

// Per-channel sums of f(row, c) over the rows of an [rows, channels] array, in double, one
// partial sum per thread, as sumRows adds (so that a kernel built on it rounds like the ops).
template <typename Term>
std::vector<double> channelSums(int64_t rows, int64_t channels, Term term) {
  std::vector<double> sums(channels, 0.0);
#pragma omp parallel if (rows * channels > 32768)
  {
    std::vector<double> local(channels, 0.0);
    double* __restrict mine = local.data();
#pragma omp for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      for (int64_t c = 0; c < channels; c++) mine[c] += term(row * channels + c, c);
    }
#pragma omp critical
    for (int64_t c = 0; c < channels; c++) sums[c] += mine[c];
  }
  return sums;
}

// batchNormTraining(x, gamma, beta, epsilon, relu, y, mean, variance): training-mode batch norm
// of x [rows, channels] (channels = gamma's length) with the batch's statistics, then max(0, .)
// when relu is 1. It rounds as the tfjs ops it replaces do on this backend and on cpu (each op
// computed in double and rounded to float32 once: mean, squared difference, mean, batchNorm), so
// that the backends agree to the last bits and ReLU keeps the same pixels; it only saves the
// arrays between them: three passes over x, no temporaries.
napi_value BatchNormTraining(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTraining", [&] {
    auto args = arguments(env, info, 8);
    Floats x = floats(env, args[0], "x");
    Floats gamma = floats(env, args[1], "gamma");
    Floats beta = floats(env, args[2], "beta");
    double epsilon = 0;
    napi_get_value_double(env, args[3], &epsilon);
    bool relu = false;
    napi_get_value_bool(env, args[4], &relu);
    Floats y = floats(env, args[5], "y");
    Floats mean = floats(env, args[6], "mean");
    Floats variance = floats(env, args[7], "variance");
    const int64_t channels = int64_t(gamma.length);
    const int64_t rows = batchNormRows(x, gamma, "batchNormTraining");
    expectLength(beta, gamma.length, "beta");
    expectLength(mean, gamma.length, "mean");
    expectLength(variance, gamma.length, "variance");
    expectLength(y, x.length, "y");
    const double inverseRows = 1.0 / double(std::max<int64_t>(rows, 1));
    const float* __restrict xData = x.data;
    float* __restrict yData = y.data;
    // tf.mean(x): the sum in double, times 1 / N, rounded.
    std::vector<double> sums = channelSums(rows, channels, [&](int64_t i, int64_t) { return double(xData[i]); });
    std::vector<double> centre(channels);
    for (int64_t c = 0; c < channels; c++) {
      mean.data[c] = float(sums[c] * inverseRows);
      centre[c] = double(mean.data[c]);
    }
    const double* __restrict centreData = centre.data();
    // tf.mean(tf.squaredDifference(x, mean)): each square rounded to float, then as above.
    std::vector<double> squares = channelSums(rows, channels, [&](int64_t i, int64_t c) {
      const double difference = double(xData[i]) - centreData[c];
      return double(float(difference * difference));
    });
    // tf.batchNorm4d(x, mean, variance, beta, gamma): offset + (x - mean) * scale / sqrt(variance + epsilon).
    std::vector<double> factor(channels), offset(channels);
    for (int64_t c = 0; c < channels; c++) {
      variance.data[c] = float(squares[c] * inverseRows);
      factor[c] = double(gamma.data[c]) / std::sqrt(double(variance.data[c]) + epsilon);
      offset[c] = double(beta.data[c]);
    }
    const double* __restrict factorData = factor.data();
    const double* __restrict offsetData = offset.data();
#pragma omp parallel for schedule(static) if (int64_t(x.length) > 32768)
    for (int64_t row = 0; row < rows; row++) {
      const int64_t base = row * channels;
      for (int64_t c = 0; c < channels; c++) {
        const float value = float(offsetData[c] + (double(xData[base + c]) - centreData[c]) * factorData[c]);
        yData[base + c] = relu && value < 0.0f ? 0.0f : value;
      }
    }
  });
}

// The two passes of batchNormTrainingGrad, as functions of restrict pointers (which lambdas'
// captures would hide from the vectoriser); Masked: dy counts only where y > 0.
template <bool Masked>
void batchNormGradSums(const float* __restrict dy, const float* __restrict x, const float* __restrict y,
                       const float* __restrict mean, int64_t rows, int64_t channels, double* s1, double* s2) {
#pragma omp parallel if (rows * channels > 32768)
  {
    // Float sums over blocks of 64 rows, carried into double: the sums differ from the ops'
    // all-double ones in their last bits only, and they scale dx, never flip a pixel.
    std::vector<float> block1(channels, 0.0f), block2(channels, 0.0f);
    std::vector<double> local1(channels, 0.0), local2(channels, 0.0);
    float* __restrict sum1 = block1.data();
    float* __restrict sum2 = block2.data();
    int64_t inBlock = 0;
#pragma omp for schedule(static)
    for (int64_t row = 0; row < rows; row++) {
      const float* __restrict dyRow = dy + row * channels;
      const float* __restrict xRow = x + row * channels;
      const float* __restrict yRow = y + (Masked ? row * channels : 0);
      for (int64_t c = 0; c < channels; c++) {
        const float u = Masked ? dyRow[c] * static_cast<float>(static_cast<int32_t>(yRow[c] > 0.0f)) : dyRow[c];
        sum1[c] += u;
        sum2[c] += u * (xRow[c] - mean[c]);
      }
      if (++inBlock == 64) {
        for (int64_t c = 0; c < channels; c++) {
          local1[c] += sum1[c];
          local2[c] += sum2[c];
          sum1[c] = 0.0f;
          sum2[c] = 0.0f;
        }
        inBlock = 0;
      }
    }
#pragma omp critical
    for (int64_t c = 0; c < channels; c++) {
      s1[c] += local1[c] + sum1[c];
      s2[c] += local2[c] + sum2[c];
    }
  }
}

template <bool Masked>
void batchNormGradInput(const float* __restrict dy, const float* __restrict x, const float* __restrict y,
                        const float* __restrict mean, const float* __restrict scale, const float* __restrict centredScale,
                        const float* __restrict shift, int64_t rows, int64_t channels, float* __restrict dx) {
#pragma omp parallel for schedule(static) if (rows * channels > 32768)
  for (int64_t row = 0; row < rows; row++) {
    const float* __restrict dyRow = dy + row * channels;
    const float* __restrict xRow = x + row * channels;
    const float* __restrict yRow = y + (Masked ? row * channels : 0);
    float* __restrict dxRow = dx + row * channels;
    for (int64_t c = 0; c < channels; c++) {
      const float u = Masked ? dyRow[c] * static_cast<float>(static_cast<int32_t>(yRow[c] > 0.0f)) : dyRow[c];
      dxRow[c] = u * scale[c] + ((xRow[c] - mean[c]) * centredScale[c] + shift[c]);
    }
  }
}

// batchNormTrainingGrad(dy, x, y | null, gamma, mean, variance, epsilon, dx, dgamma, dbeta): the
// gradient of batchNormTraining; with y given (ReLU fused) dy counts only where y > 0. With
// u = that dy, c = x - mean, s = 1 / sqrt(variance + epsilon), N = rows, per channel
// S1 = sum u and S2 = sum u c:  dbeta = S1, dgamma = s S2,
// dx = u (gamma s) + (c (gamma s s^2 (S2 / -N)) + gamma s (S1 / -N)).
// Each product and sum is rounded as @unet/model's tfjs-ops form of this gradient rounds it
// (double, then float32 once), so that backends agree; two passes, no temporaries.
napi_value BatchNormTrainingGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "batchNormTrainingGrad", [&] {
    auto args = arguments(env, info, 10);
    Floats dy = floats(env, args[0], "dy");
    Floats x = floats(env, args[1], "x");
    Floats y = isNullish(env, args[2]) ? Floats{nullptr, 0} : floats(env, args[2], "y");
    Floats gamma = floats(env, args[3], "gamma");
    Floats mean = floats(env, args[4], "mean");
    Floats variance = floats(env, args[5], "variance");
    double epsilon = 0;
    napi_get_value_double(env, args[6], &epsilon);
    Floats dx = floats(env, args[7], "dx");
    Floats dgamma = floats(env, args[8], "dgamma");
    Floats dbeta = floats(env, args[9], "dbeta");
    const int64_t channels = int64_t(gamma.length);
    const int64_t rows = batchNormRows(x, gamma, "batchNormTrainingGrad");
    expectLength(dy, x.length, "dy");
    expectLength(dx, x.length, "dx");
    if (y.data != nullptr) expectLength(y, x.length, "y");
    for (const Floats* perChannel : {&mean, &variance, &dgamma, &dbeta}) expectLength(*perChannel, gamma.length, "per-channel array");
    const float* __restrict dyData = dy.data;
    const float* __restrict xData = x.data;
    const float* __restrict yData = y.data;
    float* __restrict dxData = dx.data;
    const float* __restrict meanData = mean.data;
    // Plain float arithmetic: one float +, - or * is what double-then-round gives for float
    // operands (double has more than 2 x 24 + 2 bits), so it rounds as the ops do.
    // u is a multiply by the 0/1 mask, as dy * step(y): NaN stays NaN, and there is no branch.
    std::vector<double> s1(channels, 0.0), s2(channels, 0.0);
    if (yData != nullptr) batchNormGradSums<true>(dyData, xData, yData, meanData, rows, channels, s1.data(), s2.data());
    else batchNormGradSums<false>(dyData, xData, yData, meanData, rows, channels, s1.data(), s2.data());
    const float negativeRows = -float(rows);
    std::vector<float> scale(channels), centredScale(channels), shift(channels);
    for (int64_t c = 0; c < channels; c++) {
      const float sumUpstream = float(s1[c]);
      const float sumUpstreamCentred = float(s2[c]);
      const float s = float(1.0 / std::sqrt(double(variance.data[c] + float(epsilon))));
      scale[c] = gamma.data[c] * s;
      centredScale[c] = (scale[c] * (s * s)) * (sumUpstreamCentred / negativeRows);
      shift[c] = scale[c] * (sumUpstream / negativeRows);
      dgamma.data[c] = s * sumUpstreamCentred;
      dbeta.data[c] = sumUpstream;
    }
    const float* __restrict scaleData = scale.data();
    const float* __restrict centredScaleData = centredScale.data();
    const float* __restrict shiftData = shift.data();
    if (yData != nullptr) {
      batchNormGradInput<true>(dyData, xData, yData, meanData, scaleData, centredScaleData, shiftData, rows, channels, dxData);
    } else {
      batchNormGradInput<false>(dyData, xData, yData, meanData, scaleData, centredScaleData, shiftData, rows, channels, dxData);
    }
  });
}

// slice(x, params [rank, inShape[rank], begin[rank], size[rank]], out): the U-Net's centre
// crops. Each output row (the last axis) is one contiguous copy.
napi_value Slice(napi_env env, napi_callback_info info) {
  return guarded(env, "slice", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 3 * rank)) {
      throw ArgumentError("slice parameters must be rank (1 to 8), input shape, begin, size");
    }
    int64_t inStrides[kMaxRank], begin[kMaxRank], size[kMaxRank];
    int64_t stride = 1, rows = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      const int64_t extent = params.data[1 + axis];
      begin[axis] = params.data[1 + rank + axis];
      size[axis] = params.data[1 + 2 * rank + axis];
      if (begin[axis] < 0 || size[axis] < 0 || begin[axis] + size[axis] > extent) {
        throw ArgumentError("slice out of bounds on axis " + std::to_string(axis));
      }
      inStrides[axis] = stride;
      stride *= extent;
      if (axis + 1 < rank) rows *= size[axis];
    }
    expectLength(x, stride, "x");
    const int64_t inner = size[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = begin[rank - 1], rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (begin[axis] + rest % size[axis]) * inStrides[axis];
        rest /= size[axis];
      }
      std::copy(x.data + offset, x.data + offset + inner, out.data + row * inner);
    }
  });
}

// concatRows(parts: Float32Array[], params [outer, inner of each part...], out): each part is
// [outer, inner_i]; out is [outer, sum of inner_i] (a concat along any axis, viewed so).
napi_value ConcatRows(napi_env env, napi_callback_info info) {
  return guarded(env, "concatRows", [&] {
    auto args = arguments(env, info, 3);
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    uint32_t count = 0;
    napi_get_array_length(env, args[0], &count);
    if (params.length != size_t(1 + count)) throw ArgumentError("concatRows parameters must be outer and each part's inner size");
    const int64_t outer = params.data[0];
    std::vector<const float*> parts(count);
    std::vector<int64_t> inners(count), starts(count);
    int64_t width = 0;
    for (uint32_t index = 0; index < count; index++) {
      napi_value element;
      napi_get_element(env, args[0], index, &element);
      Floats part = floats(env, element, "part");
      inners[index] = params.data[1 + index];
      expectLength(part, outer * inners[index], "part");
      parts[index] = part.data;
      starts[index] = width;
      width += inners[index];
    }
    expectLength(out, outer * width, "out");
#pragma omp parallel for schedule(static) if (outer * width > 32768)
    for (int64_t row = 0; row < outer; row++) {
      for (uint32_t index = 0; index < count; index++) {
        const float* source = parts[index] + row * inners[index];
        std::copy(source, source + inners[index], out.data + row * width + starts[index]);
      }
    }
  });
}

// pad(x, params [rank, inShape[rank], before[rank], after[rank]], value, out): constant
// padding (the gradient of the crops); each input row lands as one contiguous copy.
napi_value Pad(napi_env env, napi_callback_info info) {
  return guarded(env, "pad", [&] {
    auto args = arguments(env, info, 4);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    double value = 0;
    napi_get_value_double(env, args[2], &value);
    Floats out = floats(env, args[3], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 3 * rank)) {
      throw ArgumentError("pad parameters must be rank (1 to 8), input shape, padding before, padding after");
    }
    int64_t inShape[kMaxRank], before[kMaxRank], outStrides[kMaxRank];
    int64_t stride = 1, rows = 1, inSize = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inShape[axis] = params.data[1 + axis];
      before[axis] = params.data[1 + rank + axis];
      const int64_t after = params.data[1 + 2 * rank + axis];
      if (before[axis] < 0 || after < 0) throw ArgumentError("pad: negative padding");
      outStrides[axis] = stride;
      stride *= inShape[axis] + before[axis] + after;
      inSize *= inShape[axis];
      if (axis + 1 < rank) rows *= inShape[axis];
    }
    expectLength(x, inSize, "x");
    expectLength(out, stride, "out");
    const float fill = float(value);
    std::fill(out.data, out.data + out.length, fill);
    const int64_t inner = inShape[rank - 1];
#pragma omp parallel for schedule(static) if (inSize > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = before[rank - 1], rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (before[axis] + rest % inShape[axis]) * outStrides[axis];
        rest /= inShape[axis];
      }
      std::copy(x.data + row * inner, x.data + (row + 1) * inner, out.data + offset);
    }
  });
}

// tile(x, params [rank, inShape[rank], reps[rank]], out)
napi_value Tile(napi_env env, napi_callback_info info) {
  return guarded(env, "tile", [&] {
    auto args = arguments(env, info, 3);
    Floats x = floats(env, args[0], "x");
    Ints params = ints(env, args[1], "params");
    Floats out = floats(env, args[2], "out");
    const int rank = params.length > 0 ? params.data[0] : 0;
    if (rank < 1 || rank > kMaxRank || params.length != size_t(1 + 2 * rank)) {
      throw ArgumentError("tile parameters must be rank (1 to 8), input shape, repetitions");
    }
    int64_t inShape[kMaxRank], outShape[kMaxRank], inStrides[kMaxRank];
    int64_t rows = 1;
    for (int axis = 0; axis < rank; axis++) {
      inShape[axis] = params.data[1 + axis];
      outShape[axis] = inShape[axis] * params.data[1 + rank + axis];
      if (axis + 1 < rank) rows *= outShape[axis];
    }
    int64_t stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      inStrides[axis] = stride;
      stride *= inShape[axis];
    }
    expectLength(x, stride, "x");
    const int64_t inner = outShape[rank - 1], innerIn = inShape[rank - 1];
    expectLength(out, rows * inner, "out");
#pragma omp parallel for schedule(static) if (rows * inner > 32768)
    for (int64_t row = 0; row < rows; row++) {
      int64_t offset = 0, rest = row;
      for (int axis = rank - 2; axis >= 0; axis--) {
        offset += (rest % outShape[axis]) % inShape[axis] * inStrides[axis];
        rest /= outShape[axis];
      }
      const float* source = x.data + offset;
      float* target = out.data + row * inner;
      if (innerIn == inner) {
        std::copy(source, source + inner, target);
      } else {
        for (int64_t i = 0; i < inner; i++) target[i] = source[i % innerIn];
      }
    }
  });
}

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

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
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
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
