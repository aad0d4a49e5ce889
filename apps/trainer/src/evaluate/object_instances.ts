import { type InstanceMethod, instanceMethods } from '@unet/core';
import { UsageError } from '../usage_error.js';

/**
 * The method a flag asks for, else the one saved in the model's metadata (`instanceMethod`,
 * chosen when the model was measured), else 'seeded': on the DIC-HeLa validation frames it took
 * SEG from 0.49 (components) to 0.84 for the same network, which leaves thin, uncertain gaps
 * between touching cells that components bridge.
 */
export function instanceMethodOf(flag: string | undefined, saved: InstanceMethod | undefined): InstanceMethod {
  const chosen = flag ?? saved ?? 'seeded';
  if (!instanceMethods.includes(chosen as InstanceMethod)) {
    throw new UsageError(`--instance-method: must be one of ${instanceMethods.join(', ')}, got '${String(chosen)}'`);
  }
  return chosen as InstanceMethod;
}
