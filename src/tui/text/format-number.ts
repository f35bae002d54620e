/** Number formats of the TUI (compact, fixed width where tables need it). */

/** A score: 3 decimals, or `-` when missing. */
export function score(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? "-" : value.toFixed(3);
}

/** `0.800±0.200`, or the value alone when there is no standard error. */
export function scoreWithError(value: number, stderr: number | null | undefined): string {
  return stderr === null || stderr === undefined ? score(value) : `${score(value)}±${stderr.toFixed(3)}`;
}

/** Seconds as `4.2s`, `3m05s`, `2h10m`; `--` when unknown. */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Bytes as `412 MB`. */
export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 || v >= 100 ? 0 : 1)} ${units[u]}`;
}
