import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PresetName } from '@unet/model';
import { machineLine } from '../bench/machine_line.js';
import { UsageError } from '../usage_error.js';

export const benchHelp = `unet bench: time forward passes and training steps, one JSON object per line

Usage: unet bench --queue redis://HOST:PORT/DB [--images 200] [--workers 1,2,4]
       unet bench --huge SIDE [--tile 768] [--backends native] [--presets small]
       unet bench [--engines tfjs,onnxruntime] [--backends native,wasm,cpu] [--presets small,paper] [--modes forward,train]
                  [--runs 3] [--warmup 1] [--threads N] [--vs-pytorch PATH] [--vs-onnxruntime PATH]
                  [--python PATH] [--torch-device cpu|cuda] [--slow-cpu] [--timeout-seconds 1800] [--profile]
                  [--batch N] [--size PX]

  The cases: the paper preset (batch 1, 572x572, 2 classes) and the small preset (batch 4,
  256x256); forward, and a training step (forward, unet train's softmax cross-entropy on integer
  labels, backward, Adam).
  --engines LIST     tfjs (on each of --backends) and onnxruntime (onnxruntime-node's CPU
                     provider on the graph unet export --onnx writes; forward passes only,
                     --threads intra-op threads); default both
  Each case runs in a process of its own: the median of --runs timed runs after --warmup,
  peak RSS and GFLOP/s. A backend that does not load gives a line saying why.
  --vs-pytorch PATH  also run the PyTorch reference (../shared/bench/torch_unet.py; needs
                     python3-torch) on the same cases, in its own default OpenMP settings (the
                     environment unet bench was started in) but --threads, and print
                     our/PyTorch ratios
  --vs-onnxruntime PATH  also export each preset with PATH --export-onnx (torch_unet.py: PyTorch's
                     eval-mode graph, into a temporary folder), time ONNX Runtime's forward pass
                     of that file (onnxruntime-node, its own defaults but --threads intra-op
                     threads, no OMP_WAIT_POLICY) and print our/onnxruntime ratios (forward only)
  --python PATH      the Python that runs PATH (default /usr/bin/python3, Debian's python3-torch)
  --torch-device D   the device it runs on: cpu (default) or cuda
  --threads N        OpenMP, PyTorch and ONNX Runtime threads (default: every core)
  --slow-cpu         also time the cpu backend's train steps (tens of minutes)
  --timeout-seconds  a case that runs longer is stopped and reported as failed (default 1800)
  --profile          also run one more step (train step or forward pass, as --modes says) under
                     tf.profile and give its top 15 kernels by time: topKernels, profiledMs (all
                     its kernels), profiledCalls and profileTiming, which says where the times
                     come from: gpu-timestamps (webgpu on an adapter with 'timestamp-query': the
                     GPU's time per kernel), wall (cpu, wasm, native: each kernel's wall time),
                     or dispatch-wall (webgpu without timestamp queries: only the CPU's time to
                     dispatch each kernel). A table of the same goes to stderr
  --batch N, --size PX  tiles per step and their side instead of the preset's (small: 4 x 256,
                     paper: 1 x 572; a padded preset's side is a multiple of 16), e.g. a
                     quick look on a software adapter; not with --vs-pytorch or --vs-onnxruntime
  Backends: native, webgpu (Dawn: npm install webgpu, a Vulkan driver; a software adapter is
  used when it is the only one, and named in the result), wasm, cpu.
  --queue URL        instead: the job queue's throughput (pnpm bench:queue starts a Redis for
                     it): unet predict in one process, then unet predict --queue with
                     --workers unet worker processes (default 1,2,4), on --images gray images of
                     32 x 32 px (default 200) with an untrained 4-channel small U-Net on wasm;
                     a line per run (seconds, images/s; with 1 worker the queue's ms per job).
                     It fills and cleans that Redis's unet queue: use one of its own
  --pipeline         instead: the batch pipeline's own speed, no model (the paper's augmentation,
                     the weight map and the batching, as unet train makes its batches): a line per
                     --presets tile geometry (default small) and --workers count (default 0,1,2;
                     0: on this thread) with imagesPerSecond over --runs batches (default 20)
                     after --warmup untimed ones (default 1; a sample's weight map is computed
                     when it is first drawn, then cached: an epoch's batches of warm-up time the
                     steady pace); --data DIR --format NAME (default the synthetic data),
                     --batch N (default 4) and --size PX (the output tile, default 128) as unet
                     train takes them; --backends webgpu: the tiles made on the GPU, as unet
                     train --backend webgpu makes them (a line, each batch awaited until the GPU
                     has run it)
  --huge SIDE        instead: segment a SIDE x SIDE 8-bit image (libvips noise, written into a
                     tiled BigTIFF in a temporary folder: SIDE 50000 takes about 1.2 GB of disk
                     there, and its mask as much again) with unet predict --by-regions --tile
                     --tile (default 768) on the one backend of --backends (default native) with
                     an untrained network of the one preset of --presets (default small): a line
                     with its seconds, microseconds a pixel and peak RSS (VmHWM)
  The first line names the machine: its CPU (model name and model number), cores, load average
  and Node. Results and the command that made them: docs/benchmarks.md.
`;

export async function benchCommand(
  argv: string[],
  print: (line: string) => void,
  printTable: (text: string) => void = (text) => process.stderr.write(text),
): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      backends: { type: 'string' },
      engines: { type: 'string' },
      presets: { type: 'string' },
      modes: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      threads: { type: 'string' },
      'vs-pytorch': { type: 'string' },
      'vs-onnxruntime': { type: 'string' },
      python: { type: 'string' },
      'torch-device': { type: 'string' },
      'slow-cpu': { type: 'boolean', default: false },
      'timeout-seconds': { type: 'string' },
      profile: { type: 'boolean', default: false },
      batch: { type: 'string' },
      size: { type: 'string' },
      queue: { type: 'string' },
      pipeline: { type: 'boolean', default: false },
      data: { type: 'string' },
      format: { type: 'string' },
      images: { type: 'string' },
      workers: { type: 'string' },
      huge: { type: 'string' },
      tile: { type: 'string' },
      // Lines are JSON whatever this says; accepted so that `unet bench --json` reads as meant.
      json: { type: 'boolean', default: true },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    print(benchHelp);
    return;
  }
  const list = (flag: string, text: string | undefined, allowed: readonly string[]) => {
    if (text === undefined) return undefined;
    const items = text.split(',');
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length > 0) throw new UsageError(`--${flag}: unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}`);
    return items;
  };
  const count = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag}: expected a whole number, got '${text}'`);
    return value;
  };
  // After the flags are checked, before any work: the run's first line names its machine.
  const printMachine = () => print(JSON.stringify(machineLine()));
  if (values.huge !== undefined) {
    const side = count('huge', values.huge);
    if (side === undefined || side < 16) throw new UsageError(`--huge ${values.huge}: a side of at least 16 px, e.g. 50000`);
    const backends = list('backends', values.backends, ['native', 'webgpu', 'wasm', 'cpu']);
    const presets = list('presets', values.presets, ['small', 'paper']) as PresetName[] | undefined;
    if ((backends?.length ?? 1) > 1 || (presets?.length ?? 1) > 1)
      throw new UsageError('--huge runs one backend and one preset: name one of each');
    const tile = count('tile', values.tile);
    if (tile === 0) throw new UsageError('--tile: at least 1 px');
    const { benchHugeImage } = await import('../bench/huge_image_case.js');
    printMachine();
    await benchHugeImage({ side, tile, backend: backends?.[0], preset: presets?.[0] }, (line) => print(JSON.stringify(line)));
    return;
  }
  if (values.tile !== undefined) throw new UsageError('--tile goes with --huge SIDE (the training cases take --size)');
  if (values.queue !== undefined) {
    const workers = values.workers?.split(',').map((text) => count('workers', text) ?? 0);
    if (workers?.some((value) => value < 1)) throw new UsageError(`--workers ${values.workers}: worker counts of at least 1, e.g. 1,2,4`);
    const images = count('images', values.images);
    if (images === 0) throw new UsageError('--images: at least 1');
    const { benchQueueThroughput } = await import('../bench/queue_throughput.js');
    printMachine();
    await benchQueueThroughput({ url: values.queue, images, workers }, (line) => print(JSON.stringify(line)));
    return;
  }
  if (values.pipeline) {
    const workers = values.workers?.split(',').map((text) => count('workers', text) ?? 0) ?? [0, 1, 2];
    const batches = count('runs', values.runs) ?? 20;
    if (batches === 0) throw new UsageError('--runs: at least 1 batch');
    const warmup = count('warmup', values.warmup) ?? 1;
    const train = Object.fromEntries(
      Object.entries({ data: values.data, format: values.format, batch: values.batch, tile: values.size }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    const presets = (list('presets', values.presets, ['small', 'paper']) as PresetName[] | undefined) ?? ['small'];
    const backends = list('backends', values.backends, ['native', 'webgpu', 'wasm', 'cpu']);
    const onGpu = backends !== undefined;
    if (onGpu && (backends.length !== 1 || backends[0] !== 'webgpu'))
      throw new UsageError('--pipeline takes --backends webgpu alone (the tiles made on the GPU); without --backends the CPU makes them');
    if (onGpu && values.workers !== undefined) throw new UsageError('--workers counts CPU threads: leave it out with --backends webgpu');
    const { benchPipeline } = await import('../bench/pipeline_throughput.js');
    let device: string | undefined;
    if (onGpu) {
      const { selectBackend } = await import('../backends/select_backend.js');
      device = (await selectBackend('webgpu')).attempts.find((attempt) => attempt.loaded)?.device;
    }
    printMachine();
    await benchPipeline({ presets, workers, batches, warmup, train, onGpu, device }, (line) => print(JSON.stringify(line)));
    return;
  }
  if (values.data !== undefined || values.format !== undefined) throw new UsageError('--data and --format go with --pipeline');
  if (values.workers !== undefined || values.images !== undefined)
    throw new UsageError('--workers goes with --queue URL or --pipeline, --images with --queue URL');
  const modes = list('modes', values.modes, ['forward', 'train']);
  const vsOnnxRuntime = values['vs-onnxruntime'];
  if (vsOnnxRuntime !== undefined) {
    if (!existsSync(vsOnnxRuntime)) {
      throw new UsageError(
        `--vs-onnxruntime ${vsOnnxRuntime}: no such file; pass ../shared/bench/torch_unet.py (it writes the ONNX files)`,
      );
    }
    if (modes !== undefined && !modes.includes('forward')) {
      throw new UsageError(`--vs-onnxruntime times forward passes only, and --modes ${values.modes} has none; add forward`);
    }
  }
  const batch = count('batch', values.batch);
  const size = count('size', values.size);
  if (batch === 0 || size === 0) throw new UsageError('--batch and --size: at least 1');
  if ((batch !== undefined || size !== undefined) && (values['vs-pytorch'] !== undefined || vsOnnxRuntime !== undefined)) {
    throw new UsageError(
      "--batch and --size change the input, and the references time the preset's: leave out --vs-pytorch and --vs-onnxruntime",
    );
  }
  const { runBenchmarks } = await import('../bench/run_benchmarks.js');
  const { formatProfileTable } = await import('../bench/profile_table.js');
  printMachine();
  await runBenchmarks(
    {
      backends: list('backends', values.backends, ['native', 'webgpu', 'wasm', 'cpu']) as never,
      engines: list('engines', values.engines, ['tfjs', 'onnxruntime']) as never,
      presets: list('presets', values.presets, ['small', 'paper']) as PresetName[] | undefined,
      modes: modes as never,
      runs: count('runs', values.runs),
      warmup: count('warmup', values.warmup),
      threads: count('threads', values.threads),
      vsPytorch: values['vs-pytorch'] === undefined ? undefined : path.resolve(values['vs-pytorch']),
      vsOnnxRuntime: vsOnnxRuntime === undefined ? undefined : path.resolve(vsOnnxRuntime),
      python: values.python,
      torchDevice: list('torch-device', values['torch-device'], ['cpu', 'cuda'])?.[0] as 'cpu' | 'cuda' | undefined,
      slowCpu: values['slow-cpu'],
      timeoutSeconds: count('timeout-seconds', values['timeout-seconds']),
      profile: values.profile,
      batch,
      size,
    },
    (line) => {
      print(JSON.stringify(line));
      if ('topKernels' in line) printTable(formatProfileTable(line));
    },
  );
}
