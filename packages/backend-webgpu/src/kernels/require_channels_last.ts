/** The U-Net is NHWC throughout; these kernels index that layout only. */
export function requireChannelsLast(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(
      `@unet/backend-webgpu ${kernel}: data format ${dataFormat} is not supported; pass NHWC tensors (dataFormat 'NHWC'), as @unet/model does`,
    );
  }
}
