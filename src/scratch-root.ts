import { existsSync } from "node:fs";
import { tmpdir } from "node:os";

/**
 * Where short-lived model files go (search candidates, GGUFs converted for scoring): /dev/shm, a
 * tmpfs, when it exists (writing and loading them costs no disk I/O), else the OS temp folder.
 */
export function scratchRoot(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}
