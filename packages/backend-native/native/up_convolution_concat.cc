// UnetUpConvolutionConcat (src/kernels/up_convolution_concat.ts; the contract is in @unet/model's
// layers/up_convolution_kernels.ts): the U-Net's 2x2 stride-2 up-convolution written straight
// into the concatenation beside its skip connection's window. With stride equal to the kernel
// size the output pixels do not overlap, so the up-convolution is one matrix product
// x [pixels, in] . kernel [in, (p, q, out)]; one pass then puts each product row's four out-wide
// pieces (plus the bias) and the skip's pixels into place. The tfjs ops wrote the products, the
// pixel shuffle, the bias sum, the cropped skip and the concatenation as five arrays.
#include "kernels.h"
#include "napi_arguments.h"
#include "onednn_compat.h"
#include "onednn_engine.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace unet_native {
namespace {

PrimitiveCache<dnnl::matmul> cache;

struct UpConvolutionShape {
  int64_t batch, height, width, in, out, skipHeight, skipWidth, skipChannels, top, left;

  explicit UpConvolutionShape(const Ints& params, const char* kernelName) {
    if (params.length != 10) throw ArgumentError(std::string(kernelName) + " parameters must have 10 entries");
    batch = params.data[0], height = params.data[1], width = params.data[2], in = params.data[3], out = params.data[4];
    skipHeight = params.data[5], skipWidth = params.data[6], skipChannels = params.data[7];
    top = params.data[8], left = params.data[9];
    if (top < 0 || left < 0 || top + 2 * height > skipHeight || left + 2 * width > skipWidth) {
      throw ArgumentError(std::string(kernelName) + ": the skip's window lies outside the skip");
    }
  }
  int64_t pixels() const { return batch * height * width; }
  int64_t channels() const { return skipChannels + out; }
};

void multiply(const std::string& key, const memory::desc& a, float* aData, const memory::desc& b, float* bData,
              const memory::desc& product, float* productData) {
  dnnl::matmul& primitive = cache.get(key, [&] { return dnnl::matmul(compat::matmul(engine(), a, b, product)); });
  primitive.execute(stream(), {
                                  {DNNL_ARG_SRC, memory(a, engine(), aData)},
                                  {DNNL_ARG_WEIGHTS, memory(b, engine(), bData)},
                                  {DNNL_ARG_DST, memory(product, engine(), productData)},
                              });
  stream().wait();
}

}  // namespace

// upConvolutionConcat(x, kernel, bias, skip, params: Int32Array [batch, height, width,
// inChannels, outChannels, skipHeight, skipWidth, skipChannels, top, left], work, out)
// (work [pixels, 4 out]: room for the products, any contents)
// x [batch, height, width, in]; kernel [2, 2, out, in]; bias [out]; skip [batch, skipHeight,
// skipWidth, skipChannels]; out [batch, 2 height, 2 width, skipChannels + out] with
// out[b, y, x, :skipChannels] = skip[b, top + y, left + x, :] and
// out[b, 2i + p, 2j + q, skipChannels + o] = bias[o] + sum over c of x[b, i, j, c] kernel[p, q, o, c].
napi_value UpConvolutionConcat(napi_env env, napi_callback_info info) {
  return guarded(env, "upConvolutionConcat", [&] {
    auto args = arguments(env, info, 7);
    const UpConvolutionShape shape(ints(env, args[4], "params"), "upConvolutionConcat");
    const int64_t batch = shape.batch, height = shape.height, width = shape.width, in = shape.in, out = shape.out;
    const int64_t skipHeight = shape.skipHeight, skipWidth = shape.skipWidth, skipChannels = shape.skipChannels;
    const int64_t pixels = shape.pixels(), channels = shape.channels();
    Floats x = floats(env, args[0], "x");
    Floats kernel = floats(env, args[1], "kernel");
    Floats bias = floats(env, args[2], "bias");
    Floats skip = floats(env, args[3], "skip");
    Floats products = floats(env, args[5], "work");
    Floats result = floats(env, args[6], "out");
    expectLength(x, pixels * in, "x");
    expectLength(kernel, 4 * out * in, "kernel");
    expectLength(bias, out, "bias");
    expectLength(skip, batch * skipHeight * skipWidth * skipChannels, "skip");
    expectLength(products, pixels * 4 * out, "work");
    expectLength(result, pixels * 4 * channels, "out");

    // kernel[p, q, o, c] lies at ((p, q, o) in + c): read as [in, 4 out] it is the transpose of
    // a row-major matrix, which oneDNN takes as strides, without a copy.
    memory::desc xDesc({pixels, in}, dt::f32, memory::dims{in, 1});
    memory::desc kernelDesc({in, 4 * out}, dt::f32, memory::dims{1, in});
    memory::desc productsDesc({pixels, 4 * out}, dt::f32, memory::dims{4 * out, 1});
    const std::string key = "f" + std::to_string(pixels) + ',' + std::to_string(in) + ',' + std::to_string(out);
    multiply(key, xDesc, x.data, kernelDesc, kernel.data, productsDesc, products.data);

    const float* __restrict productData = products.data;
    const float* __restrict biasData = bias.data;
    const float* __restrict skipData = skip.data;
    float* __restrict outData = result.data;
    const int64_t outHeight = 2 * height, outWidth = 2 * width;
    // One output row (b, y) per iteration: each element is written by one thread, so the result
    // does not depend on the thread count.
#pragma omp parallel for schedule(static) if (pixels * 4 * channels > 32768)
    for (int64_t row = 0; row < batch * outHeight; row++) {
      const int64_t b = row / outHeight, y = row % outHeight, i = y / 2, p = y % 2;
      const float* skipRow = skipData + ((b * skipHeight + shape.top + y) * skipWidth + shape.left) * skipChannels;
      float* outRow = outData + row * outWidth * channels;
      for (int64_t column = 0; column < outWidth; column++) {
        const int64_t j = column / 2, q = column % 2;
        float* pixel = outRow + column * channels;
        std::copy(skipRow + column * skipChannels, skipRow + (column + 1) * skipChannels, pixel);
        const float* __restrict piece = productData + ((b * height + i) * width + j) * 4 * out + (p * 2 + q) * out;
        float* __restrict up = pixel + skipChannels;
        for (int64_t o = 0; o < out; o++) up[o] = piece[o] + biasData[o];
      }
    }
  });
}

// upConvolutionConcatGrad(dy, x, kernel, params (as upConvolutionConcat's), work, dx, dkernel,
// dbias, dskip): the gradients of upConvolutionConcat's output, dy [batch, 2 height, 2 width,
// skipChannels + out]. One pass splits dy: its skip channels into dskip (zero outside the
// window), its up-convolution channels back into the products' layout, work [pixels, (p, q, o)];
// then dx = work . kernel and dkernel = work^T . x are oneDNN matrix products, and dbias the
// column sums of work. The tfjs ops ran a split, a pad, a pixel shuffle, a sum and two products.
napi_value UpConvolutionConcatGrad(napi_env env, napi_callback_info info) {
  return guarded(env, "upConvolutionConcatGrad", [&] {
    auto args = arguments(env, info, 9);
    const UpConvolutionShape shape(ints(env, args[3], "params"), "upConvolutionConcatGrad");
    Floats dy = floats(env, args[0], "dy");
    Floats x = floats(env, args[1], "x");
    Floats kernel = floats(env, args[2], "kernel");
    Floats work = floats(env, args[4], "work");
    Floats dx = floats(env, args[5], "dx");
    Floats dkernel = floats(env, args[6], "dkernel");
    Floats dbias = floats(env, args[7], "dbias");
    Floats dskip = floats(env, args[8], "dskip");
    const int64_t pixels = shape.pixels(), in = shape.in, out = shape.out, channels = shape.channels();
    const int64_t skipChannels = shape.skipChannels, height = shape.height, width = shape.width;
    const int64_t outHeight = 2 * height, outWidth = 2 * width;
    expectLength(dy, pixels * 4 * channels, "dy");
    expectLength(x, pixels * in, "x");
    expectLength(kernel, 4 * out * in, "kernel");
    expectLength(work, pixels * 4 * out, "work");
    expectLength(dx, pixels * in, "dx");
    expectLength(dkernel, 4 * out * in, "dkernel");
    expectLength(dbias, out, "dbias");
    expectLength(dskip, shape.batch * shape.skipHeight * shape.skipWidth * skipChannels, "dskip");

    const float* __restrict dyData = dy.data;
    float* __restrict workData = work.data;
    float* __restrict dskipData = dskip.data;
    const int64_t skipRowSize = shape.skipWidth * skipChannels;
    // Every element of dskip and work is written by one thread, so nothing depends on the thread count.
#pragma omp parallel for schedule(static) if (pixels * 4 * channels > 32768)
    for (int64_t row = 0; row < shape.batch * shape.skipHeight; row++) {
      const int64_t b = row / shape.skipHeight, y = row % shape.skipHeight - shape.top;
      float* skipRow = dskipData + row * skipRowSize;
      if (y < 0 || y >= outHeight) {
        std::memset(skipRow, 0, size_t(skipRowSize) * sizeof(float));
        continue;
      }
      std::memset(skipRow, 0, size_t(shape.left * skipChannels) * sizeof(float));
      const int64_t right = (shape.left + outWidth) * skipChannels;
      std::memset(skipRow + right, 0, size_t(skipRowSize - right) * sizeof(float));
      const int64_t i = y / 2, p = y % 2;
      const float* dyRow = dyData + (b * outHeight + y) * outWidth * channels;
      float* windowRow = skipRow + shape.left * skipChannels;
      for (int64_t column = 0; column < outWidth; column++) {
        const int64_t j = column / 2, q = column % 2;
        const float* pixel = dyRow + column * channels;
        std::memcpy(windowRow + column * skipChannels, pixel, size_t(skipChannels) * sizeof(float));
        std::memcpy(workData + ((b * height + i) * width + j) * 4 * out + (p * 2 + q) * out, pixel + skipChannels,
                    size_t(out) * sizeof(float));
      }
    }

    // The bias gradient: fixed blocks of work's rows summed in double, then the blocks in order,
    // so that the sum does not depend on the thread count.
    const int64_t blockRows = 256, blocks = (pixels + blockRows - 1) / blockRows, columns = 4 * out;
    std::vector<double> partial(size_t(blocks * out), 0.0);
#pragma omp parallel for schedule(static) if (pixels * columns > 32768)
    for (int64_t block = 0; block < blocks; block++) {
      double* sums = partial.data() + block * out;
      for (int64_t r = block * blockRows; r < std::min(pixels, (block + 1) * blockRows); r++) {
        const float* workRow = workData + r * columns;
        for (int64_t piece = 0; piece < 4; piece++) {
          for (int64_t o = 0; o < out; o++) sums[o] += workRow[piece * out + o];
        }
      }
    }
    for (int64_t o = 0; o < out; o++) {
      double sum = 0;
      for (int64_t block = 0; block < blocks; block++) sum += partial[size_t(block * out + o)];
      dbias.data[o] = float(sum);
    }

    const std::string key = std::to_string(pixels) + ',' + std::to_string(in) + ',' + std::to_string(out);
    // kernel[(p, q, o), c] is a row-major [4 out, in] matrix.
    multiply("d" + key, memory::desc({pixels, 4 * out}, dt::f32, memory::dims{4 * out, 1}), workData,
             memory::desc({4 * out, in}, dt::f32, memory::dims{in, 1}), kernel.data,
             memory::desc({pixels, in}, dt::f32, memory::dims{in, 1}), dx.data);
    multiply("k" + key, memory::desc({4 * out, pixels}, dt::f32, memory::dims{1, 4 * out}), workData,
             memory::desc({pixels, in}, dt::f32, memory::dims{in, 1}), x.data,
             memory::desc({4 * out, in}, dt::f32, memory::dims{in, 1}), dkernel.data);
  });
}

}  // namespace unet_native
