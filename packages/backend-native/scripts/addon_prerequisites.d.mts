export declare const installAdvice: string;

export interface Machine {
  env: Record<string, string | undefined>;
  execPath: string;
  exists(path: string): boolean;
  runs(command: string, args: string[]): boolean;
}

export type Prerequisites =
  | { found: true; nodeGyp: string; nodeDir: string; dnnlInclude: string; dnnlLib: string }
  | { found: false; reason: string };

export declare function findPrerequisites(machine?: Machine): Prerequisites;
