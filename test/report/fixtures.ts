import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openRun, type JournalEntry, type RunRecord } from "../../src/store/index.js";

/** The committed run folders (journals of real toy runs; see test/fixtures/report/README.md). */
export const FIXTURE_RUNS = ["toy-demo", "toy-methods", "toy-timeout"] as const;
export type FixtureRun = (typeof FIXTURE_RUNS)[number];

export function fixtureDir(name: FixtureRun): string {
  return fileURLToPath(new URL(`../fixtures/report/${name}`, import.meta.url));
}

export function openFixture(name: FixtureRun): Promise<RunRecord> {
  return openRun(fixtureDir(name));
}

/** Copies a fixture run to `dest` (reports are written into the run folder by default). */
export async function copyFixture(name: FixtureRun, dest: string): Promise<string> {
  await cp(fixtureDir(name), dest, { recursive: true });
  return dest;
}

/** What a report must show, counted straight from the journal (not through the report's code). */
export function journalCounts(entries: readonly JournalEntry[]) {
  const scored = entries.filter((e) => e.kind === "candidate-scored");
  const failed = entries.filter((e) => e.kind === "candidate-failed" && e.phase !== "heldout");
  const heldout = entries.filter((e) => e.kind === "heldout-scored");
  const references = entries.filter((e) => e.kind === "reference-scored");
  const proposed = new Map(entries.flatMap((e) => (e.kind === "candidate-proposed" ? [[e.id as string, e] as const] : [])));
  return {
    scored: scored.length,
    failed: failed.length,
    heldout: heldout.length,
    validationReferences: references.filter((r) => r.split === "validation").length,
    references: references.length,
    /** Scored candidates whose recipe gives a model this per-model parameter. */
    withParameter: (param: string) => scored.filter((s) => proposed.get(s.id)?.recipe.models?.some((m) => m.parameters?.[param] !== undefined)).length,
    methods: new Set(scored.map((s) => proposed.get(s.id)?.method)).size,
  };
}

/** Markup that must never reach the page as markup: it would run a script or load an image. */
export const HOSTILE = { task: "toy_<script>alert(1)</script>", model: "<img src=x onerror=alert(2)>", reason: "</pre><script>alert(3)</script>" } as const;

/**
 * A copy of toy-timeout whose journal names a task, a reference model and failure reasons with
 * HTML markup (space.yaml unchanged, so openRun's hash check still passes).
 */
export async function writeHostileRun(dest: string): Promise<string> {
  await copyFixture("toy-timeout", dest);
  const journal = join(dest, "journal.jsonl");
  const text = (await readFile(journal, "utf8"))
    .replaceAll('"toy_max"', JSON.stringify(HOSTILE.task))
    .replaceAll('"model":"max"', `"model":${JSON.stringify(HOSTILE.model)}`)
    .replaceAll('"reason":"scoring took longer', `"reason":${JSON.stringify(HOSTILE.reason).slice(0, -1)} scoring took longer`);
  await writeFile(journal, text);
  return dest;
}
