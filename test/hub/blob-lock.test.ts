import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pull, type PullEvent } from "../../src/index.js";
import { lockBlob } from "../../src/hub/blob-lock.js";
import { repoCache } from "../../src/hub/repo-cache.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { startFakeHub, toyFiles, type FakeHub } from "./fake-hub.js";

const tmp = useTempDir("hub-lock");
let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub({ repos: { "toy/max": { files: toyFiles("expert-max") }, "toy/base": { files: toyFiles("base") } } });
});
afterAll(async () => hub?.close());

const downloads = (repo: string, path: string) => hub.requests.filter((r) => r.url.includes(`/${repo}/resolve/`) && r.url.endsWith(path)).length;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("concurrent downloads into one cache", () => {
  it("three pulls of one repository at once: each file is downloaded once, the others wait and reuse it", async () => {
    const options = { hubUrl: hub.url, cacheDir: tmp("cache"), env: {} };
    const before = downloads("toy/max", "model.safetensors");
    const events: PullEvent[][] = [[], [], []];
    const results = await Promise.all(events.map((e) => pull("toy/max", { ...options, onEvent: (x) => e.push(x) })));
    expect(downloads("toy/max", "model.safetensors") - before).toBe(1);
    for (const r of results) expect(sha256(await readFile(join(r.folder, "model.safetensors")))).toBe(hub.sha256Of("toy/max", "model.safetensors"));
    const waits = events.flat().filter((e) => e.event === "warning" && /another download \(process \d+@.*\) is writing it into this cache; waiting for it/.test(e.message));
    expect(waits.length).toBeGreaterThanOrEqual(2);
    // Each file ends up downloaded by one pull and found complete by the others.
    const statuses = events.map((e) => e.filter((x) => x.event === "file-done" && x.path === "model.safetensors").map((x) => x.event === "file-done" && x.status)).flat();
    expect(statuses.sort()).toEqual(["cached", "cached", "downloaded"]);
    // No lock is left behind.
    expect(await readdir(join(options.cacheDir, ".locks", "models--toy--max"))).toEqual([]);
  });

  it("takes over a lock whose process is gone, or that nobody touched for two minutes", async () => {
    const cacheDir = tmp("stale");
    const cache = repoCache(cacheDir, "toy/base");
    const etag = hub.sha256Of("toy/base", "model.safetensors");
    const file = cache.lockFile(etag);
    await mkdir(dirname(file), { recursive: true });
    // A dead process on this host (pids stay below 2^22 on Linux).
    await writeFile(file, `${2 ** 22 + 17}@${hostname()}`);
    const result = await pull("toy/base", { hubUrl: hub.url, cacheDir, env: {} });
    expect(sha256(await readFile(join(result.folder, "model.safetensors")))).toBe(etag);
    // A live holder on another host, silent for three minutes.
    const other = repoCache(tmp("stale-2"), "toy/base");
    await mkdir(dirname(other.lockFile(etag)), { recursive: true });
    await writeFile(other.lockFile(etag), `1@some-other-host`);
    const old = new Date(Date.now() - 180_000);
    await utimes(other.lockFile(etag), old, old);
    const release = await lockBlob(other, etag, { wait: false });
    expect(release).toBeDefined();
    expect((await readFile(other.lockFile(etag), "utf8")).startsWith(`${process.pid}@`)).toBe(true);
    await release!();
  });

  it("waits for a live holder (this process) and gets the lock once it is released", async () => {
    const cache = repoCache(tmp("live"), "toy/max");
    const etag = hub.sha256Of("toy/max", "model.safetensors");
    const first = await lockBlob(cache, etag, {});
    expect(await lockBlob(cache, etag, { wait: false })).toBeUndefined();
    let second: (() => Promise<void>) | undefined;
    const waiting = lockBlob(cache, etag, { pollMs: 5 }).then((r) => (second = r));
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toBeUndefined();
    await first();
    await waiting;
    expect(second).toBeDefined();
    await second!();
  });
});
