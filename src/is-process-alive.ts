/**
 * Whether a process of this host is running (for locks that record their holder's pid). A
 * process that exists but belongs to another user counts as running (EPERM).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
