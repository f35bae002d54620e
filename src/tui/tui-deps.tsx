import { availableParallelism, loadavg } from "node:os";
import { createContext, useContext } from "react";
import type { ResourceSample } from "./state/resource-usage.js";

/** Time for the TUI: what the hooks tick with. Tests pass a fake one (house style §5). */
export interface TuiClock {
  /** Milliseconds. */
  now(): number;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** What the TUI reads from the outside world besides the search itself. */
export interface TuiDeps {
  /** Defaults to performance.now and the global timers. */
  readonly clock: TuiClock;
  /** Reads the process's CPU, memory and the machine's load. Defaults to process.cpuUsage & co. */
  readonly sampleResources: (at: number) => ResourceSample;
  /** A fixed terminal size (tests). Defaults to the terminal's, following resizes. */
  readonly size?: { readonly columns: number; readonly rows: number };
}

export const systemClock: TuiClock = {
  now: () => performance.now(),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export function sampleProcessResources(at: number): ResourceSample {
  const cpu = process.cpuUsage();
  const [l1, l5, l15] = loadavg();
  return { at, cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage.rss(), load: [l1, l5, l15], cores: availableParallelism() };
}

export const defaultTuiDeps: TuiDeps = Object.freeze({ clock: systemClock, sampleResources: sampleProcessResources });

export const TuiDepsContext = createContext<TuiDeps>(defaultTuiDeps);

export function useTuiDeps(): TuiDeps {
  return useContext(TuiDepsContext);
}
