// UnetAdamUpdate (src/kernels/adam_update.ts; the contract is @unet/train's optim/adam_kernels.ts):
// Adam's update of one variable in one pass over it, where tfjs's AdamOptimizer makes about 14
// elementwise passes (and as many variable-sized temporaries), every step, for every variable.
#include "kernels.h"
#include "napi_arguments.h"
#include "vector_clones.h"

#include <cmath>
#include <cstdint>

namespace unet_native {

namespace {

struct AdamScalars {
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negativeRate;
};

struct AdamElement {
  float value, firstMoment, secondMoment;
};

// Each float operation in tfjs's order (adam_optimizer.ts), each rounded to float as tfjs's
// float32 ops round theirs; -ffp-contract=off keeps the compiler from fusing them.
inline AdamElement adamElement(float value, float g, float firstMoment, float secondMoment, const AdamScalars& s) {
  const float m = firstMoment * s.beta1 + g * s.oneMinusBeta1;
  const float v = secondMoment * s.beta2 + (g * g) * s.oneMinusBeta2;
  const float correctedM = m / s.oneMinusAccBeta1;
  const float correctedV = v / s.oneMinusAccBeta2;
  return {(correctedM / (std::sqrt(correctedV) + s.epsilon)) * s.negativeRate + value, m, v};
}

UNET_VECTOR_CLONES void adamLoop(const float* __restrict value, const float* __restrict gradient,
                                 const float* __restrict firstMoment, const float* __restrict secondMoment,
                                 float* __restrict newValue, float* __restrict newFirstMoment,
                                 float* __restrict newSecondMoment, int64_t size, AdamScalars s) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) {
    const AdamElement next = adamElement(value[i], gradient[i], firstMoment[i], secondMoment[i], s);
    newValue[i] = next.value;
    newFirstMoment[i] = next.firstMoment;
    newSecondMoment[i] = next.secondMoment;
  }
}

// adamLoop over the operands' own memory (the backend's choice when no other tensor shares it):
// each element is read before it is written, and the pointers alias only element by element.
UNET_VECTOR_CLONES void adamLoopInPlace(float* value, const float* __restrict gradient, float* firstMoment,
                                        float* secondMoment, int64_t size, AdamScalars s) {
#pragma omp parallel for schedule(static) if (size > 32768)
  for (int64_t i = 0; i < size; i++) {
    const AdamElement next = adamElement(value[i], gradient[i], firstMoment[i], secondMoment[i], s);
    value[i] = next.value;
    firstMoment[i] = next.firstMoment;
    secondMoment[i] = next.secondMoment;
  }
}

bool overlaps(const Floats& a, const Floats& b) {
  return a.data < b.data + b.length && b.data < a.data + a.length;
}

}  // namespace

// adamUpdate(value, gradient, firstMoment, secondMoment, scalars: Float32Array [beta1, 1 - beta1,
//   beta2, 1 - beta2, 1 - accBeta1, 1 - accBeta2, epsilon, -learningRate] (each as tfjs's float32
//   scalar holds it), newValue, newFirstMoment, newSecondMoment): each new operand is either the
//   old one's memory (then all three are: the update in place) or memory that no operand shares.
napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  return guarded(env, "adamUpdate", [&] {
    auto args = arguments(env, info, 8);
    Floats value = floats(env, args[0], "value");
    Floats gradient = floats(env, args[1], "gradient");
    Floats firstMoment = floats(env, args[2], "firstMoment");
    Floats secondMoment = floats(env, args[3], "secondMoment");
    Floats scalars = floats(env, args[4], "scalars");
    Floats newValue = floats(env, args[5], "newValue");
    Floats newFirstMoment = floats(env, args[6], "newFirstMoment");
    Floats newSecondMoment = floats(env, args[7], "newSecondMoment");
    expectLength(scalars, 8, "scalars");
    for (const Floats* same : {&gradient, &firstMoment, &secondMoment, &newValue, &newFirstMoment, &newSecondMoment}) {
      expectLength(*same, value.length, "each Adam operand (the variable's size)");
    }
    const float* c = scalars.data;
    const AdamScalars constants{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
    if (newValue.data == value.data && newFirstMoment.data == firstMoment.data && newSecondMoment.data == secondMoment.data) {
      adamLoopInPlace(value.data, gradient.data, firstMoment.data, secondMoment.data, int64_t(value.length), constants);
      return;
    }
    const Floats* inputs[] = {&value, &gradient, &firstMoment, &secondMoment};
    for (const Floats* output : {&newValue, &newFirstMoment, &newSecondMoment}) {
      for (const Floats* input : inputs) {
        if (overlaps(*output, *input)) {
          throw ArgumentError(
              "an output shares memory with an operand; pass all three old operands as the outputs "
              "(in place) or three separate new arrays");
        }
      }
    }
    adamLoop(value.data, gradient.data, firstMoment.data, secondMoment.data, newValue.data, newFirstMoment.data,
             newSecondMoment.data, int64_t(value.length), constants);
  });
}

}  // namespace unet_native
