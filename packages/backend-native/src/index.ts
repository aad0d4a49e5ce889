import { registerNativeBackend } from './register.js';

// Importing the package registers the backend, as importing tfjs-node does.
registerNativeBackend();

export { NativeAddonMissingError } from './errors.js';
export { nativeAddonStatus, type NativeAddon, type NativeAddonStatus } from './addon_status.js';
export { NativeBackend } from './native_backend.js';
export { nativeBackendName, nativeBackendPriority, nativeKernels, registerNativeBackend } from './register.js';
