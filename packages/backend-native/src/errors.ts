/**
 * The oneDNN addon of @unet/backend-native could not be loaded: it was not built (oneDNN or a
 * compiler was missing when `pnpm build` ran) or it no longer loads (libdnnl was removed).
 * The message says which, and how to fix it.
 */
export class NativeAddonMissingError extends Error {
  override readonly name = 'NativeAddonMissingError';
  constructor(readonly reason: string) {
    super(
      `@unet/backend-native: the oneDNN addon (packages/backend-native/dist/native/unet_native.node) is not available: ${reason}. ` +
        'Fix: apt-get install -y libdnnl-dev g++ (Debian/Ubuntu), then pnpm build; or use the wasm or cpu backend.',
    );
  }
}
