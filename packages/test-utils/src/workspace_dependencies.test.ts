import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every package of the workspace imports, outside its tests, only what its package.json gives it
// at run time (dependencies, peer or optional dependencies). A devDependency is there in this
// workspace but not for a user who installs the package from npm: such an import works in every
// test here and fails for them (as `@unet/backend-native/bench` once imported `@unet/model`).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const workspaceFolders = ['packages', 'apps'].flatMap((group) =>
  readdirSync(path.join(root, group))
    .map((name) => path.join(root, group, name))
    .filter((folder) => statSync(path.join(folder, 'package.json'), { throwIfNoEntry: false })?.isFile()),
);

/**
 * Loaded where a user has installed them, with a fallback and an install hint where not
 * (apps/trainer/src/backends/select_backend.ts; onnxruntime-node: src/onnx/load_onnx_runtime.ts).
 * Not declared as optional peer dependencies on purpose: pnpm installs those too
 * (auto-install-peers), and tfjs-node's install script downloads libtensorflow, which an offline
 * machine cannot.
 */
const loadedWherePresent: Record<string, readonly string[]> = {
  '@unet/trainer': ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'webgpu', 'onnxruntime-node'],
};

const builtins = new Set(builtinModules);
const sourceExtensions = /\.(ts|tsx|mts|js|mjs)$/;
const testOnly = /(\.test\.|\.browser\.test\.|__fixtures__|\/test\/)/;
// Import and export statements (from the start of a line, so that prose in strings is not read as
// one), side-effect imports, dynamic imports and require calls.
const importPatterns = [
  /^(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
];

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(file));
    else if (sourceExtensions.test(entry.name) && !entry.name.endsWith('.d.ts') && !testOnly.test(file)) found.push(file);
  }
  return found;
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined for a path or builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#') || specifier.startsWith('node:'))
    return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtins.has(name) ? undefined : name;
}

describe('packageOf', () => {
  it('names the package of a bare specifier and nothing for paths and builtins', () => {
    expect(packageOf('@unet/backend-native/status')).toBe('@unet/backend-native');
    expect(packageOf('sharp')).toBe('sharp');
    expect(packageOf('playwright-core/lib/x')).toBe('playwright-core');
    expect(packageOf('./x.js')).toBeUndefined();
    expect(packageOf('node:fs')).toBeUndefined();
    expect(packageOf('worker_threads')).toBeUndefined();
    expect(packageOf('#register-gradients')).toBeUndefined();
  });
});

describe('the workspace packages', () => {
  it('are all found', () => {
    expect(workspaceFolders.map((folder) => path.basename(folder))).toEqual(
      expect.arrayContaining(['core', 'model', 'data', 'train', 'backend-native', 'trainer', 'demo']),
    );
  });

  for (const folder of workspaceFolders) {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
    const name = manifest.name as string;
    it(`${name} imports outside its tests only what it declares for run time`, () => {
      const declared = new Set([
        name,
        ...(loadedWherePresent[name] ?? []),
        ...['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
          Object.keys((manifest[field] as Record<string, string>) ?? {}),
        ),
      ]);
      const missing: string[] = [];
      const sources = path.join(folder, 'src');
      for (const file of statSync(sources, { throwIfNoEntry: false }) ? sourceFiles(sources) : []) {
        const text = readFileSync(file, 'utf8');
        for (const match of importPatterns.flatMap((pattern) => [...text.matchAll(pattern)])) {
          const imported = packageOf(match[1]!);
          if (imported !== undefined && !declared.has(imported)) missing.push(`${path.relative(root, file)} imports ${match[1]}`);
        }
      }
      expect(missing, `add these to ${name}'s dependencies (or peerDependencies), or move the code`).toEqual([]);
    });
  }
});
