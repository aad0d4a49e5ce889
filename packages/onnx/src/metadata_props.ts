import { resolveUNetConfig, type UNetConfig } from '@unet/model';
import { OnnxGraphError } from './errors.js';
import type { OnnxTypes } from './onnx_proto.js';

/**
 * The keys of an exported model's metadata_props. ONNX Runtime returns them as strings
 * (`InferenceSession`'s metadata, `customMetadataMap` in Python); each value is JSON.
 */
export const metadataKeys = {
  /** Our network's UNetConfig: what the graph alone cannot say (dropout, seed) comes back from it. */
  config: 'unet_ts.config',
  /** The model folder's metadata as a whole (measures, tile, how it was trained). */
  metadata: 'unet_ts.metadata',
  /** One name per output channel, in channel order. */
  classNames: 'class_names',
  /** The label value that each class is written as ({ values: [...] }), as `unet predict` writes masks. */
  labelMapping: 'label_mapping',
  /** A two-class model's decision threshold: class 1 where its probability is at least this. */
  threshold: 'decision_threshold',
} as const;

/** metadata_props for a model with this config and metadata. */
export function metadataProps(config: UNetConfig, metadata: Record<string, unknown>): OnnxTypes.IStringStringEntryProto[] {
  const entries: [string, unknown][] = [
    [metadataKeys.config, config],
    [metadataKeys.metadata, metadata],
  ];
  const classNames = metadata.classNames ?? config.classNames;
  if (classNames !== undefined) entries.push([metadataKeys.classNames, classNames]);
  if (metadata.labelMapping !== undefined) entries.push([metadataKeys.labelMapping, metadata.labelMapping]);
  if (typeof metadata.threshold === 'number') entries.push([metadataKeys.threshold, metadata.threshold]);
  return entries.map(([key, value]) => ({ key, value: JSON.stringify(value) }));
}

/** What our own export left in metadata_props, or nothing for a graph from elsewhere. */
export interface SavedProps {
  config?: UNetConfig;
  metadata?: Record<string, unknown>;
}

/** Reads our keys back; a value that is not JSON, or a config that does not check, is an error naming the key. */
export function readMetadataProps(props: OnnxTypes.IStringStringEntryProto[] | null | undefined, source: string): SavedProps {
  const byKey = new Map((props ?? []).map((entry) => [entry.key ?? '', entry.value ?? '']));
  const parse = (key: string): unknown => {
    const text = byKey.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new OnnxGraphError(
        `${source}: metadata_props '${key}' is not JSON (${text.slice(0, 60)}); remove it or export the model again`,
      );
    }
  };
  const saved: SavedProps = {};
  const config = parse(metadataKeys.config);
  if (config !== undefined) {
    try {
      saved.config = resolveUNetConfig(config as Partial<UNetConfig>);
    } catch (error) {
      throw new OnnxGraphError(`${source}: metadata_props '${metadataKeys.config}': ${(error as Error).message}`);
    }
  }
  const metadata = parse(metadataKeys.metadata);
  if (metadata !== undefined && typeof metadata === 'object' && metadata !== null) saved.metadata = metadata as Record<string, unknown>;
  return saved;
}
