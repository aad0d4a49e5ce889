import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineLine {
  case: 'machine';
  /** When the line was written, UTC. */
  date: string;
  /** /proc/cpuinfo's 'model name' (os.cpus()'s where there is no /proc): the same name covers CPUs of different speeds. */
  cpu: string;
  /** /proc/cpuinfo's 'model' number, which tells those apart (207 and 167 are both 'Intel(R) Xeon(R) Processor'); absent off Linux. */
  cpuModelNumber?: number;
  cores: number;
  /** The 1, 5 and 15 minute load averages: above the core count, the machine was shared and the times are upper bounds. */
  loadAverage: number[];
  node: string;
  /**
   * OMP_WAIT_POLICY where unet bench started, which the references (PyTorch, ONNX Runtime) run
   * with; null: unset, so their OpenMP waits as it does by default. The native backend waits
   * passively unless it is set (the package sets passive itself).
   */
  ompWaitPolicy: string | null;
}

/** The first field of `name` in a /proc/cpuinfo text, or undefined. */
export function cpuinfoField(cpuinfo: string, name: string): string | undefined {
  const match = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo);
  return match?.[1]?.trim();
}

/**
 * The machine a benchmark ran on, as its first JSON line: speed ratios differ between CPUs of
 * the same name, so every run says which one it was and how busy.
 */
export function machineLine(cpuinfo = readCpuinfo(), environment: NodeJS.ProcessEnv = process.env): MachineLine {
  const modelNumber = cpuinfo === undefined ? undefined : cpuinfoField(cpuinfo, 'model');
  return {
    case: 'machine',
    date: new Date().toISOString(),
    cpu: (cpuinfo === undefined ? undefined : cpuinfoField(cpuinfo, 'model name')) ?? os.cpus()[0]?.model ?? 'unknown',
    ...(modelNumber === undefined || Number.isNaN(Number(modelNumber)) ? {} : { cpuModelNumber: Number(modelNumber) }),
    cores: os.availableParallelism(),
    loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
    node: process.version,
    ompWaitPolicy: environment.OMP_WAIT_POLICY ?? null,
  };
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}
