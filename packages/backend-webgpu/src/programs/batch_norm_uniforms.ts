/** The uniforms of every batch norm program, in this order (see batchNormUniforms). */
export const batchNormUniformDeclarations = 'channels : i32, rows : i32, chunk : i32, splits : i32, epsilon : f32,';

/**
 * The per-channel reductions of batch norm run over `rows` = batch x height x width values of
 * each of `channels`, cut into `splits` runs of `chunk` rows, so that a layer with few channels
 * and many pixels (the first, 8 x 256 x 256 x 64) still fills the GPU.
 */
export interface BatchNormPlan {
  channels: number;
  rows: number;
  /** Channels per workgroup (a power of two up to 64); the rest of its 256 invocations take rows. */
  channelLanes: number;
  splits: number;
  chunk: number;
}

export function planBatchNorm(channels: number, rows: number, targetWorkgroups = 2048, minimumChunk = 256): BatchNormPlan {
  let channelLanes = 1;
  while (channelLanes < channels && channelLanes < 64) channelLanes *= 2;
  const channelGroups = Math.ceil(channels / channelLanes);
  const wanted = Math.max(1, Math.ceil(targetWorkgroups / channelGroups));
  const splits = Math.max(1, Math.min(wanted, Math.floor(rows / minimumChunk)));
  const chunk = Math.ceil(rows / splits);
  return { channels, rows, channelLanes, splits: Math.ceil(rows / chunk), chunk };
}

export function batchNormUniforms(plan: BatchNormPlan, epsilon: number): { type: string; data: number[] }[] {
  return [
    { type: 'int32', data: [plan.channels] },
    { type: 'int32', data: [plan.rows] },
    { type: 'int32', data: [plan.chunk] },
    { type: 'int32', data: [plan.splits] },
    { type: 'float32', data: [epsilon] },
  ];
}
