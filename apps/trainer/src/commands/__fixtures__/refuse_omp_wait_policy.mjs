// The stand-ins for ../shared/bench/torch_unet.py exit with an error when OMP_WAIT_POLICY is set:
// unet bench must leave the references' OpenMP settings as the user's environment has them.
export function refuseOmpWaitPolicy(name) {
  if (process.env.OMP_WAIT_POLICY !== undefined) {
    console.error(`${name}: OMP_WAIT_POLICY is set (${process.env.OMP_WAIT_POLICY})`);
    process.exit(1);
  }
}
