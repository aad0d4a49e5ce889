import type { UNetConfig } from '@unet/model';

/**
 * GFLOP of one forward pass (2 per multiply-add) of the convolutions, up-convolutions and head,
 * counted exactly as ../shared/bench/torch_unet.py's forward_gflop counts them, so that both
 * sides' GFLOP/s are comparable. A train step is counted as 3 forward passes, as there.
 */
export function forwardGflop(config: UNetConfig, batch: number, size: number): number {
  let multiplyAdds = 0;
  let side = size;
  let channels = config.inputChannels;
  const shrink = config.padding === 'valid' ? 2 : 0;
  const convolve3x3 = (outChannels: number) => {
    side -= shrink;
    multiplyAdds += batch * side * side * 9 * channels * outChannels;
    channels = outChannels;
  };
  for (let level = 0; level <= config.depth; level++) {
    const width = config.baseChannels * 2 ** level;
    convolve3x3(width);
    convolve3x3(width);
    if (level < config.depth) side = Math.floor(side / 2);
  }
  for (let level = config.depth - 1; level >= 0; level--) {
    const width = config.baseChannels * 2 ** level;
    multiplyAdds += batch * (2 * side) ** 2 * channels * width;
    side *= 2;
    channels = 2 * width;
    convolve3x3(width);
    convolve3x3(width);
  }
  multiplyAdds += batch * side * side * channels * config.classes;
  return (2 * multiplyAdds) / 1e9;
}
