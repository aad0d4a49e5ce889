/**
 * How a matrix product [M, K] x [K, N] with a long K (the filter gradient's batch x height x
 * width) is cut along K, so that the GPU gets at least `targetWorkgroups` workgroups where an
 * M x N of a few tiles would leave it idle, while each workgroup still sums a run of K long
 * enough to pay for its partial result.
 */
export interface SplitKPlan {
  /** How many partial products are summed afterwards (1: no split, no second pass). */
  splits: number;
  /** The length of K each workgroup sums, a multiple of `tileK`. */
  chunk: number;
}

export interface SplitKOptions {
  tileM: number;
  tileN: number;
  tileK: number;
  /** Enough workgroups to fill a large GPU several times over (an H100 has 132 SMs). */
  targetWorkgroups?: number;
  /** The shortest run of K a workgroup sums (below it the partials cost more than they save). */
  minimumChunk?: number;
  /** A bound on the partial products' memory, in float32 elements. */
  maximumPartialElements?: number;
}

export function planSplitK(dimM: number, dimN: number, dimK: number, options: SplitKOptions): SplitKPlan {
  const { tileM, tileN, tileK, targetWorkgroups = 2048, minimumChunk = 512, maximumPartialElements = 16 * 1024 * 1024 } = options;
  const tiles = Math.ceil(dimM / tileM) * Math.ceil(dimN / tileN);
  const wanted = Math.ceil(targetWorkgroups / tiles);
  const byLength = Math.max(1, Math.floor(dimK / minimumChunk));
  const byMemory = Math.max(1, Math.floor(maximumPartialElements / (dimM * dimN)));
  let splits = Math.max(1, Math.min(wanted, byLength, byMemory));
  const chunk = Math.ceil(Math.ceil(dimK / splits) / tileK) * tileK;
  splits = Math.ceil(dimK / chunk);
  return { splits, chunk };
}
