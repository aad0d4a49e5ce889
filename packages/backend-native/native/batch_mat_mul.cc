// BatchMatMul (src/kernels/batch_mat_mul.ts): one oneDNN matmul, a transpose being only a
// different set of strides.
#include "kernels.h"
#include "napi_arguments.h"
#include "onednn_compat.h"
#include "onednn_engine.h"

#include <algorithm>
#include <string>

namespace unet_native {
namespace {

PrimitiveCache<dnnl::matmul> cache;

}  // namespace

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

    memory::desc aDesc({batchA, m, k}, dt::f32, transposeA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
    memory::desc bDesc({batchB, k, n}, dt::f32, transposeB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
    memory::desc outDesc({batch, m, n}, dt::f32, memory::dims{m * n, n, 1});
    std::string key;
    for (int index = 0; index < 7; index++) key += std::to_string(params.data[index]) + ',';
    dnnl::matmul& primitive = cache.get(key, [&] { return dnnl::matmul(compat::matmul(engine(), aDesc, bDesc, outDesc)); });
    primitive.execute(stream(), {
                                    {DNNL_ARG_SRC, memory(aDesc, engine(), a.data)},
                                    {DNNL_ARG_WEIGHTS, memory(bDesc, engine(), b.data)},
                                    {DNNL_ARG_DST, memory(outDesc, engine(), out.data)},
                                });
    stream().wait();
  });
}

}  // namespace unet_native
