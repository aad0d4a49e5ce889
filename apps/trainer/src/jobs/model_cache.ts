import type { UNet } from '@unet/model';
import { openModel } from '../prediction/model_files.js';
import { JobRefusedError } from './job_errors.js';

/** Models by folder, each loaded once per worker; a folder that is not a model refuses its jobs (and is tried again by the next). */
export function createModelCache(): { get(folder: string): Promise<UNet>; dispose(): void } {
  const models = new Map<string, Promise<UNet>>();
  return {
    get(folder) {
      let model = models.get(folder);
      if (model === undefined) {
        model = openModel(folder).catch((error: unknown) => {
          models.delete(folder);
          const message = error instanceof Error ? error.message : String(error);
          throw new JobRefusedError(`model ${folder}: not a model folder unet can load (${message})`);
        });
        models.set(folder, model);
      }
      return model;
    },
    dispose() {
      for (const model of models.values())
        void model.then(
          (loaded) => loaded.dispose(),
          () => undefined,
        );
      models.clear();
    },
  };
}
