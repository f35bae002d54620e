import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../../helpers/temp-dir.js";

/**
 * The committed kernels.wasm is what its AssemblyScript sources compile to, and `npm run build`
 * puts it where the compiled module looks for it. Both read package.json's scripts, so the test
 * and the build cannot drift apart.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const temp = useTempDir("kernels-build");

describe("kernels.wasm", () => {
  it("is byte-identical to what `npm run build:wasm` compiles from src/methods/wasm/assembly", async () => {
    const script = scripts["build:wasm"];
    // A plain word list (no quotes or shell operators), so it can be run without a shell.
    expect(script).toMatch(/^asc [^'"&|;<>$`]+$/);
    const words = script.split(/\s+/);
    const at = words.indexOf("-o");
    expect(at, "build:wasm names its output with -o").toBeGreaterThan(0);
    const committed = words[at + 1];
    const args = words.slice(1);
    args[at] = temp("kernels.wasm"); // words[at + 1] is args[at]
    await run(join(ROOT, "node_modules/.bin/asc"), args, { cwd: ROOT });
    const built = readFileSync(temp("kernels.wasm"));
    const stored = readFileSync(join(ROOT, committed));
    expect(
      built.equals(stored),
      `${committed} (${stored.length} bytes) is not what its sources compile to (${built.length} bytes): run \`npm run build:wasm\` and commit the result`,
    ).toBe(true);
  });

  it("is copied by `npm run build` beside the compiled module, which loads it from there", async () => {
    // The build's steps after tsc, run in a scratch tree holding only kernels.wasm; tsc's part is
    // stood in for by transpiling the wasm folder's modules to where tsconfig.build.json puts them.
    const steps = scripts.build.split(" && ");
    expect(steps[0]).toMatch(/^tsc -p tsconfig\.build\.json$/);
    const tree = temp("tree");
    mkdirSync(join(tree, "src/methods/wasm"), { recursive: true });
    cpSync(join(ROOT, "src/methods/wasm/kernels.wasm"), join(tree, "src/methods/wasm/kernels.wasm"));
    for (const step of steps.slice(1)) await run("sh", ["-c", step], { cwd: tree });

    const config = ts.readConfigFile(join(ROOT, "tsconfig.build.json"), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const wasmDir = join(ROOT, "src/methods/wasm");
    const outDir = join(tree, relative(ROOT, options.outDir!), relative(options.rootDir!, wasmDir));
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(tree, "package.json"), JSON.stringify({ type: "module" }));
    for (const file of readdirSync(wasmDir).filter((f) => f.endsWith(".ts"))) {
      const source = readFileSync(join(wasmDir, file), "utf8");
      const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }, fileName: file });
      writeFileSync(join(outDir, file.replace(/\.ts$/, ".js")), outputText);
    }
    const index = pathToFileURL(join(outDir, "index.js")).href;
    const probe = `const m = await import(${JSON.stringify(index)}); const k = m.simdKernels(); console.log(JSON.stringify({ loaded: k !== undefined, heapBase: k?.exports.heapBase() }));`;
    const env = { ...process.env };
    delete env.SMELT_SIMD;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", probe], { cwd: tree, env });
    const result = JSON.parse(stdout) as { loaded: boolean; heapBase: number };
    expect(result.loaded, `the compiled kernels module in ${relative(tree, outDir)} did not load kernels.wasm`).toBe(true);
    expect(result.heapBase).toBeGreaterThan(0);
    expect(readFileSync(join(outDir, "kernels.wasm")).equals(readFileSync(join(wasmDir, "kernels.wasm")))).toBe(true);
  });
});
