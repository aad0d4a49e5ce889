// Add, Sub, Multiply, RealDiv, SquaredDifference, Maximum, Minimum with broadcasting
// (src/kernels/binary.ts, broadcast.ts): after the convolutions moved to oneDNN, a train step
// spent most of its time in tfjs's cpu loops for batch norm and its gradient (broadcast
// products, per-channel sums, tiles), which are single-threaded and compute every broadcast index.
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"
#include "shapes.h"

#include <cmath>
#include <cstdint>

namespace unet_native {

namespace {

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
UNET_VECTOR_CLONES void broadcastLoop(const Broadcast& b, const float* __restrict x, const float* __restrict y,
                                      float* __restrict out, Op op) {
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

}  // namespace

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

}  // namespace unet_native
