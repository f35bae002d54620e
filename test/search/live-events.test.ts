/** liveEvents: a callback-reporting step's events reach the consumer while the step runs. */
import { describe, expect, it } from "vitest";
import type { SearchEvent } from "../../src/index.js";
import { liveEvents } from "../../src/search/search-loop/live-events.js";

const phase = (id: string): SearchEvent => ({ type: "phase", id, stage: "search", phase: "merging" });

/** A step that emits when told to and finishes when told to. */
function controlledStep<T>() {
  let emit: (e: SearchEvent) => void = () => {};
  let finish: (value: T) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const work = (e: (event: SearchEvent) => void) => {
    emit = e;
    return new Promise<T>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { work, emit: (e: SearchEvent) => emit(e), finish: (v: T) => finish(v), fail: (e: unknown) => fail(e) };
}

describe("liveEvents", () => {
  it("yields each event as it is emitted, before the step ends, then returns the step's value", async () => {
    const step = controlledStep<number>();
    const it = liveEvents(step.work);
    const first = it.next();
    step.emit(phase("a"));
    expect(await first).toEqual({ done: false, value: phase("a") });
    const second = it.next();
    step.emit(phase("b"));
    step.emit(phase("c"));
    expect(await second).toEqual({ done: false, value: phase("b") });
    expect(await it.next()).toEqual({ done: false, value: phase("c") });
    const last = it.next();
    step.finish(7);
    expect(await last).toEqual({ done: true, value: 7 });
  });

  it("throws the step's error after the events emitted before it", async () => {
    const step = controlledStep<number>();
    const it = liveEvents(step.work);
    const first = it.next();
    step.emit(phase("a"));
    step.fail(new Error("no such repository"));
    expect(await first).toEqual({ done: false, value: phase("a") });
    await expect(it.next()).rejects.toThrow("no such repository");
  });

  it("when the consumer stops early, waits for the step and hands its value to abandon", async () => {
    const step = controlledStep<string>();
    const abandoned: string[] = [];
    const it = liveEvents(step.work, async (v) => void abandoned.push(v));
    const first = it.next();
    step.emit(phase("a"));
    await first;
    const closing = it.return(undefined as never);
    expect(abandoned).toEqual([]);
    step.finish("run");
    await closing;
    expect(abandoned).toEqual(["run"]);
  });
});
