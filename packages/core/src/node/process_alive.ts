/**
 * Whether a process of this machine with this pid runs: how a lock or a temporary file tells a
 * dead owner (safe to take over or remove) from a live one.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
