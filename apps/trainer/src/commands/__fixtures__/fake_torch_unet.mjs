// Stands in for ../shared/bench/torch_unet.py in tests: answers like it (a `RESULT {json}` line for
// the --preset and --mode it is given), with a median of exactly 1000 ms so that ratios are known.
// It refuses to when OMP_WAIT_POLICY is set: unet bench must leave PyTorch's OpenMP settings alone.
import { refuseOmpWaitPolicy } from './refuse_omp_wait_policy.mjs';

const argument = (name) => process.argv[process.argv.indexOf(name) + 1];
refuseOmpWaitPolicy('fake_torch_unet');
const result = {
  framework: 'pytorch',
  backend: 'cpu',
  version: 'fake',
  preset: argument('--preset'),
  mode: argument('--mode'),
  threads: Number(argument('--threads')),
  outputShape: [],
  runsMs: [1000],
  medianMs: 1000,
  gflop: 1,
  gflopPerSecond: 1,
  parameters: 0,
  peakRssMiB: 100,
};
console.log('torch_unet: some progress first');
console.log(`RESULT ${JSON.stringify(result)}`);
