import type { SearchEvent, TaskScore } from "../index.js";

/** A reporter turns search events into output. The TUI will be a third one over the same stream. */
export interface SearchReporter {
  event(e: SearchEvent): void;
}

export function jsonlReporter(write: (text: string) => void): SearchReporter {
  return { event: (e) => write(`${JSON.stringify(e)}\n`) };
}

/** One line per reference and per candidate: what a log file or a non-TTY terminal wants. */
export function plainReporter(write: (text: string) => void): SearchReporter {
  return {
    event(e) {
      switch (e.type) {
        case "run":
          write(`${e.resumed ? "resuming" : "starting"} run ${e.runId} in ${e.dir}; budget ${budgetText(e.budget)}${e.done > 0 ? `; ${e.done} candidates already done` : ""}\n`);
          break;
        case "reference":
          write(`reference ${e.role.padEnd(6)} ${short(e.model)} [${e.split}] fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}${e.cached ? " (from journal)" : ""}\n`);
          break;
        case "scored":
          write(`${e.id} gen ${e.generation} ${e.method.padEnd(15)} fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}  merge ${e.seconds.merge.toFixed(1)}s score ${e.seconds.score.toFixed(1)}s${e.best ? "  * best so far" : ""}\n`);
          break;
        case "failed":
          write(`${e.id} FAILED in ${e.phase}: ${e.reason}\n`);
          break;
        case "heldout":
          write(`held-out ${e.id} fitness ${e.fitness.toFixed(3)}  ${tasksText(e.tasks)}\n`);
          break;
        case "paused":
          write(`paused: nothing new starts until resumed${e.waiting ? ` (${e.waiting} is merged and waits)` : ""}\n`);
          break;
        case "resumed":
          write(e.stopping ? `stopping (was paused ${e.seconds.toFixed(0)}s)\n` : `resumed after ${e.seconds.toFixed(0)}s\n`);
          break;
        case "finished":
          write(`finished (${e.reason}); best candidate ${e.best ?? "none"}\n`);
          break;
        case "proposed":
        case "phase":
          break;
        default:
          void (e satisfies never);
      }
    },
  };
}

function budgetText(b: { evaluations?: number; minutes?: number }): string {
  return [b.evaluations !== undefined ? `${b.evaluations} evaluations` : undefined, b.minutes !== undefined ? `${b.minutes} minutes` : undefined].filter(Boolean).join(" or ");
}

function tasksText(tasks: Readonly<Record<string, TaskScore>>): string {
  return Object.entries(tasks)
    .map(([name, t]) => `${name} ${t.value.toFixed(3)}${t.stderr === null ? "" : `±${t.stderr.toFixed(3)}`}`)
    .join("  ");
}

function short(path: string): string {
  const parts = path.split("/");
  return parts.slice(-2).join("/");
}
