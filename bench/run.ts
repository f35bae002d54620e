/**
 * `npm run bench -- NAME [args...]`: runs the default export of bench/NAME.ts with the remaining
 * arguments. Without a NAME, or with an unknown one, lists the benchmarks available.
 */
import { readdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type Benchmark = (args: string[]) => unknown;

const here = dirname(fileURLToPath(import.meta.url));

async function available(): Promise<string[]> {
  const files = await readdir(here, { withFileTypes: true });
  return files
    .filter((f) => f.isFile() && f.name.endsWith(".ts") && f.name !== "run.ts" && !f.name.endsWith(".d.ts"))
    .map((f) => f.name.slice(0, -3))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = await available();
  // Only names that exist as bench/NAME.ts are imported: no paths, no arbitrary modules.
  if (name === undefined || !names.includes(name)) {
    if (name !== undefined) console.error(`unknown benchmark "${name}"`);
    console.error(`usage: npm run bench -- NAME [args]\navailable: ${names.join(", ")}`);
    process.exitCode = name === undefined ? 0 : 2;
    return;
  }
  const mod = (await import(pathToFileURL(`${here}/${name}.ts`).href)) as { default?: Benchmark };
  if (typeof mod.default !== "function") {
    console.error(`bench/${name}.ts has no default export function`);
    process.exitCode = 2;
    return;
  }
  await mod.default(args);
}

await main();
