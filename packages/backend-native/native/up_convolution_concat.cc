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
#include <memory>
#include <string>

namespace unet_native {
namespace {

PrimitiveCache<dnnl::matmul> cache;

}  // namespace

// upConvolutionConcat(x, kernel, bias, skip, params: Int32Array [batch, height, width,
// inChannels, outChannels, skipHeight, skipWidth, skipChannels, top, left], out)
// x [batch, height, width, in]; kernel [2, 2, out, in]; bias [out]; skip [batch, skipHeight,
// skipWidth, skipChannels]; out [batch, 2 height, 2 width, skipChannels + out] with
// out[b, y, x, :skipChannels] = skip[b, top + y, left + x, :] and
// out[b, 2i + p, 2j + q, skipChannels + o] = bias[o] + sum over c of x[b, i, j, c] kernel[p, q, o, c].
napi_value UpConvolutionConcat(napi_env env, napi_callback_info info) {
  return guarded(env, "upConvolutionConcat", [&] {
    auto args = arguments(env, info, 6);
    Ints params = ints(env, args[4], "params");
    if (params.length != 10) throw ArgumentError("upConvolutionConcat parameters must have 10 entries");
    const int64_t batch = params.data[0], height = params.data[1], width = params.data[2], in = params.data[3],
                  out = params.data[4], skipHeight = params.data[5], skipWidth = params.data[6],
                  skipChannels = params.data[7], top = params.data[8], left = params.data[9];
    if (top < 0 || left < 0 || top + 2 * height > skipHeight || left + 2 * width > skipWidth) {
      throw ArgumentError("upConvolutionConcat: the skip's window lies outside the skip");
    }
    Floats x = floats(env, args[0], "x");
    Floats kernel = floats(env, args[1], "kernel");
    Floats bias = floats(env, args[2], "bias");
    Floats skip = floats(env, args[3], "skip");
    Floats result = floats(env, args[5], "out");
    const int64_t pixels = batch * height * width;
    const int64_t channels = skipChannels + out;
    expectLength(x, pixels * in, "x");
    expectLength(kernel, 4 * out * in, "kernel");
    expectLength(bias, out, "bias");
    expectLength(skip, batch * skipHeight * skipWidth * skipChannels, "skip");
    expectLength(result, pixels * 4 * channels, "out");

    // kernel[p, q, o, c] lies at ((p, q, o) in + c): read as [in, 4 out] it is the transpose of
    // a row-major matrix, which oneDNN takes as strides, without a copy.
    memory::desc xDesc({pixels, in}, dt::f32, memory::dims{in, 1});
    memory::desc kernelDesc({in, 4 * out}, dt::f32, memory::dims{1, in});
    memory::desc productsDesc({pixels, 4 * out}, dt::f32, memory::dims{4 * out, 1});
    const std::string key = std::to_string(pixels) + ',' + std::to_string(in) + ',' + std::to_string(out);
    dnnl::matmul& primitive = cache.get(key, [&] { return dnnl::matmul(compat::matmul(engine(), xDesc, kernelDesc, productsDesc)); });
    // Not zeroed: the product writes every element.
    std::unique_ptr<float[]> products(new float[size_t(pixels * 4 * out)]);
    primitive.execute(stream(), {
                                    {DNNL_ARG_SRC, memory(xDesc, engine(), x.data)},
                                    {DNNL_ARG_WEIGHTS, memory(kernelDesc, engine(), kernel.data)},
                                    {DNNL_ARG_DST, memory(productsDesc, engine(), products.get())},
                                });
    stream().wait();

    const float* __restrict productData = products.get();
    const float* __restrict biasData = bias.data;
    const float* __restrict skipData = skip.data;
    float* __restrict outData = result.data;
    const int64_t outHeight = 2 * height, outWidth = 2 * width;
    // One output row (b, y) per iteration: each element is written by one thread, so the result
    // does not depend on the thread count.
#pragma omp parallel for schedule(static) if (pixels * 4 * channels > 32768)
    for (int64_t row = 0; row < batch * outHeight; row++) {
      const int64_t b = row / outHeight, y = row % outHeight, i = y / 2, p = y % 2;
      const float* skipRow = skipData + ((b * skipHeight + top + y) * skipWidth + left) * skipChannels;
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

}  // namespace unet_native
