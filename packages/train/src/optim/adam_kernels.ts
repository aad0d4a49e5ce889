/**
 * A kernel a backend may register to run Adam's update of one variable in a few dispatches
 * (tfjs's AdamOptimizer takes about 14 elementwise ops per variable, most of a training step's
 * dispatches on a GPU); `createOptimizer({ name: 'adam' })`'s optimizer uses it where the
 * current backend has it, and tfjs's own update elsewhere, with the same results up to float
 * rounding. @unet/backend-webgpu registers it.
 *
 * UnetAdamUpdate: inputs { value, gradient, firstMoment, secondMoment } (one shape, float32),
 *   accBeta1 and accBeta2 (scalars: beta1^t and beta2^t of this step); attrs { learningRate,
 *   beta1, beta2, epsilon }; outputs [newValue, newFirstMoment, newSecondMoment]:
 *   m' = beta1 m + (1 - beta1) g,  v' = beta2 v + (1 - beta2) g^2,
 *   value' = value - learningRate (m' / (1 - accBeta1)) / (sqrt(v' / (1 - accBeta2)) + epsilon).
 *   A backend may write the outputs over value, firstMoment and secondMoment and return their
 *   own tensors (data ids), where nothing else shares their memory: the caller assigns the
 *   outputs back to those variables at once and must not read the old values after the call.
 */
export const ADAM_UPDATE_KERNEL = 'UnetAdamUpdate';
