/** Frame-test helpers: screens rendered with ink-testing-library at a fixed size on a fake clock. */
import { render } from "ink-testing-library";
import { stripVTControlCharacters } from "node:util";
import type { ReactElement } from "react";
import { expect } from "vitest";
import type { ResourceSample } from "../../../src/tui/state/resource-usage.js";
import { TuiDepsContext, type TuiClock, type TuiDeps } from "../../../src/tui/tui-deps.js";

export const SIZE = { columns: 80, rows: 24 } as const;

/** A clock that only moves when told to; `tick` also runs the intervals that came due. */
export function fakeClock(start = 1_000_000): TuiClock & { tick(ms: number): void } {
  let now = start;
  const timers = new Map<number, { callback: () => void; every: number; next: number }>();
  let ids = 0;
  return {
    now: () => now,
    setInterval(callback, ms) {
      timers.set(++ids, { callback, every: ms, next: now + ms });
      return ids;
    },
    clearInterval(handle) {
      timers.delete(handle as number);
    },
    tick(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.values()].filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (due === undefined) break;
        now = due.next;
        due.next += due.every;
        due.callback();
      }
      now = end;
    },
  };
}

/** Resource readings that grow by fixed steps: 1.5 CPU seconds per wall second, 300 MB RSS. */
export function fakeResources(): (at: number) => ResourceSample {
  return (at) => ({ at, cpuMicros: at * 1500, rss: 300e6, load: [1.5, 1.25, 1], cores: 2 });
}

export interface RenderedScreen {
  lastFrame(): string | undefined;
  stdin: { write(data: string): void };
  unmount(): void;
}

export function renderScreen(element: ReactElement, deps: Partial<TuiDeps> = {}): RenderedScreen {
  const full: TuiDeps = { clock: fakeClock(), sampleResources: fakeResources(), size: SIZE, ...deps };
  const r = render(<TuiDepsContext.Provider value={full}>{element}</TuiDepsContext.Provider>);
  return { lastFrame: r.lastFrame, stdin: r.stdin, unmount: r.unmount };
}

/** The frame fits the terminal: no line wider than 80 cells, no more than 24 lines. */
export function expectFits(frame: string | undefined, size: { columns: number; rows: number } = SIZE): string {
  expect(frame).toBeDefined();
  const lines = stripVTControlCharacters(frame!).split("\n");
  expect(lines.length).toBeLessThanOrEqual(size.rows);
  for (const line of lines) expect([...line].length, `too wide: "${line}"`).toBeLessThanOrEqual(size.columns);
  return stripVTControlCharacters(frame!);
}

export const KEY = { up: "\u001B[A", down: "\u001B[B", enter: "\r", escape: "\u001B", tab: "\t", ctrlC: "\u0003" } as const;

/**
 * Pacing, not an assertion: a screen's first frame is written before React runs its effects,
 * and ink attaches a screen's key handler in an effect, so a key sent the instant a new screen
 * appears can arrive before anyone listens (a person is never that fast).
 */
export const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));
