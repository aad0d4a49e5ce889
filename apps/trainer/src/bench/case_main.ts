// The child process of runBenchmarks: runs one BenchCase given as JSON in argv[2] and prints
// `RESULT {json}`, as ../shared/bench/torch_unet.py does.
import { runBenchCase, type BenchCase } from './bench_case.js';
import { runOnnxFileCase } from './onnx_file_case.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BenchCase;
const result =
  options.onnxFile === undefined ? await runBenchCase(options) : await runOnnxFileCase({ ...options, onnxFile: options.onnxFile });
// Exits once the line is out: Dawn (the webgpu package) keeps the process alive after the work
// is done, and runBenchmarks waits for the case's process to end.
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
