import type { TaskDoc } from "./read-jsonl.js";
import type { LoadedTask } from "./load-task.js";
import { targetText } from "./doc-answer.js";
import { ItemError } from "./doc-templates.js";
import { seededRandom } from "./seeded-random.js";

/**
 * The context of one item, as lm-eval builds it: description + few-shot examples (each
 * `doc_to_text + target_delimiter + target`, joined and followed by fewshot_delimiter) +
 * doc_to_text of the item.
 *
 * Deliberate difference from lm-eval: lm-eval draws every item's examples from one RNG seeded once
 * per task, so an item's examples depend on which items came before it (and on --limit). Here each
 * item gets its own RNG seeded from the task seed and the item's hash, so its examples are the same
 * whatever the order, limit or split. Documents identical to the item (same hash) are never shown.
 */
export function fewshotContext(task: LoadedTask, item: TaskDoc): string {
  const { spec, templates } = task;
  let context = templates.description(item.doc);
  const examples = pickFewshot(task, item);
  if (examples.length > 0) {
    context +=
      examples
        .map((ex) => templates.text(ex.doc) + spec.target_delimiter + targetText(templates, ex.doc))
        .join(spec.fewshot_delimiter) + spec.fewshot_delimiter;
  }
  return context + templates.text(item.doc);
}

/** The few-shot examples for one item (see fewshotContext for the seeding rule). */
export function pickFewshot(task: LoadedTask, item: TaskDoc): TaskDoc[] {
  const n = task.spec.num_fewshot;
  if (n === 0 || !task.fewshot) return [];
  const pool = task.fewshot.docs.filter((d) => d.hash !== item.hash);
  if (pool.length < n) throw new ItemError(`num_fewshot is ${n} but split "${task.fewshot.split}" has only ${pool.length} other documents`);
  if (task.spec.fewshot_config.sampler === "first_n") return pool.slice(0, n);
  const random = seededRandom((task.spec.fewshot_config.seed ^ Number.parseInt(item.hash.slice(0, 8), 16)) >>> 0);
  // Partial Fisher-Yates: the first n slots end up a uniform sample without replacement.
  const picked = [...pool];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (picked.length - i));
    [picked[i], picked[j]] = [picked[j], picked[i]];
  }
  return picked.slice(0, n);
}
