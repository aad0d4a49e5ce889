/** The uniforms of every cross-entropy program, in this order (see crossEntropyUniforms). */
export const crossEntropyUniformDeclarations =
  'pixels : i32, classes : i32, groups : i32, pixelsPerGroup : i32, ignoreLabel : i32, ignores : i32, byWeights : i32,';

/**
 * The loss's sums run over `pixels` = batch x height x width, cut into `groups` runs of
 * `pixelsPerGroup` (one workgroup of 256 invocations each, up to 1,024 of them, with about 4
 * pixels per invocation), whose partial sums one workgroup then adds up.
 */
export interface CrossEntropyPlan {
  pixels: number;
  classes: number;
  groups: number;
  pixelsPerGroup: number;
}

export function planCrossEntropy(pixels: number, classes: number, maximumGroups = 1024, pixelsPerInvocation = 4): CrossEntropyPlan {
  const wanted = Math.max(1, Math.min(maximumGroups, Math.ceil(pixels / (256 * pixelsPerInvocation))));
  const pixelsPerGroup = Math.ceil(pixels / wanted);
  return { pixels, classes, groups: Math.ceil(pixels / pixelsPerGroup), pixelsPerGroup };
}

export interface CrossEntropyAttributes {
  ignoreLabel: number;
  ignores: boolean;
  normalization: 'weights' | 'pixels';
}

export function crossEntropyUniforms(plan: CrossEntropyPlan, attributes: CrossEntropyAttributes): { type: string; data: number[] }[] {
  return [
    { type: 'int32', data: [plan.pixels] },
    { type: 'int32', data: [plan.classes] },
    { type: 'int32', data: [plan.groups] },
    { type: 'int32', data: [plan.pixelsPerGroup] },
    { type: 'int32', data: [attributes.ignoreLabel] },
    { type: 'int32', data: [attributes.ignores ? 1 : 0] },
    { type: 'int32', data: [attributes.normalization === 'weights' ? 1 : 0] },
  ];
}

/**
 * WGSL shared by the programs: a pixel's log-sum-exp over its classes, whether it counts (its
 * label is not the ignore label) and the class its one-hot names (-1: none, for a label
 * outside [0, classes) that is not ignored; an ignored pixel stands in as class 0, as the ops
 * do, and its weight 0 removes it).
 */
export const crossEntropyPixelSnippet = `
  fn logSumExp(base : i32) -> f32 {
    var largest = logits[base];
    for (var c = 1; c < uniforms.classes; c = c + 1) { largest = max(largest, logits[base + c]); }
    var total = 0.0;
    for (var c = 0; c < uniforms.classes; c = c + 1) { total = total + exp(logits[base + c] - largest); }
    return largest + log(total);
  }

  fn pixelCounts(label : i32) -> f32 {
    if (uniforms.ignores != 0 && label == uniforms.ignoreLabel) { return 0.0; }
    return 1.0;
  }

  fn oneHotClass(label : i32, valid : f32) -> i32 {
    let safeLabel = select(0, label, valid > 0.0);
    if (safeLabel < 0 || safeLabel >= uniforms.classes) { return -1; }
    return safeLabel;
  }
`;
