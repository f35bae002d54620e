/** Run folders built in code for the screens' tests: real journals through the store, no models. */
import { createRun, type JournalEntryInput, type TaskScore } from "../../../src/index.js";
import { failed, fakeClock, heldout, merged, proposed, reference, scored, score } from "../../store/fixtures.js";

const SPACE = "# a search space\n";

const tasks = (max: number, kind: number, pick: number): Record<string, TaskScore> => ({ toy_max: score(max, 0.1, 20), toy_kind: score(kind, 0.11, 20), toy_pick: score(pick, 0.05, 20) });

/** A finished run: references, five candidates (one failed), two held-out scores. */
export async function makeFinishedRun(runsDir: string, id = "20261124-064500-done01"): Promise<string> {
  const run = await createRun(runsDir, SPACE, { seed: 1, smeltVersion: "0.1.0", id, clock: fakeClock() });
  const entries: JournalEntryInput[] = [
    reference("base.gguf", "base", tasks(0, 0, 0), 0),
    reference("max", "source", tasks(1, 0, 0), 1),
    reference("kind", "source", tasks(0, 1, 0.2), 1.2),
    { kind: "reference-scored", model: "pick", role: "source", split: "validation", tasks: tasks(0, 0.1, 1), fitness: 1.1 },
  ];
  const scores: [string, number, number, number][] = [["c0001", 0.6, 0.2, 0], ["c0002", 0.8, 0.7, 0.1], ["c0003", 0.3, 0.9, 0.2], ["c0005", 0.9, 0.1, 0.5]];
  for (let i = 1; i <= 5; i++) entries.push(proposed(`c000${i}`, i > 3 ? 1 : 0, [0.1 * i, 0.5, 0.3, 0.6]));
  for (const [id, a, b, c] of scores) entries.push(merged(id), scored(id, tasks(a, b, c), a + b + c));
  entries.push(failed("c0004", "merge", "worker exited with code 1"));
  entries.push(heldout("c0002", tasks(0.75, 0.65, 0.1), 1.5), heldout("c0005", tasks(0.85, 0.05, 0.45), 1.35));
  entries.push({ kind: "run-finished", reason: "budget" });
  for (const e of entries) await run.append(e);
  await run.close();
  return run.dir;
}

/** A stopped run: three proposed, one scored, run-finished with reason stopped. */
export async function makeStoppedRun(runsDir: string, id = "20261126-090000-stop03"): Promise<string> {
  const run = await createRun(runsDir, SPACE, { seed: 1, smeltVersion: "0.1.0", id, clock: fakeClock() });
  for (const e of [proposed("c0001"), proposed("c0002"), proposed("c0003"), merged("c0001"), scored("c0001", tasks(0.4, 0.5, 0.6), 1.5)]) await run.append(e);
  await run.append({ kind: "run-finished", reason: "stopped" });
  await run.close();
  return run.dir;
}

/** An interrupted run: two candidates proposed, one scored, no end and no lock. */
export async function makeInterruptedRun(runsDir: string, id = "20261125-080000-half02"): Promise<string> {
  const run = await createRun(runsDir, SPACE, { seed: 1, smeltVersion: "0.1.0", id, clock: fakeClock() });
  for (const e of [proposed("c0001"), proposed("c0002"), merged("c0001"), scored("c0001", tasks(0.5, 0.5, 0.5), 1.5)]) await run.append(e);
  await run.close();
  return run.dir;
}
