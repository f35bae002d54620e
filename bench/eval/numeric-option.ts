/** `--name N` from a benchmark's argument list: a positive number, else `fallback` when absent. */
export function numericOption(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number, got ${args[at + 1] ?? "nothing"}`);
  return value;
}
