import { describe, expect, it } from "vitest";
import { RunStoreError, candidateId, referenceKey, replayState, type JournalEntryInput } from "../../src/store/index.js";
import { failed, heldout, merged, proposed, reference, score, scored, started, stamp } from "./fixtures.js";

const s = (v: number) => ({ arith: score(v) });
const replay = (inputs: JournalEntryInput[]) => replayState(stamp(inputs));

function violation(inputs: JournalEntryInput[]): RunStoreError {
  try {
    replay(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(RunStoreError);
    return error as RunStoreError;
  }
  throw new Error("expected replayState to refuse the journal");
}

describe("replayState", () => {
  it("folds a run into what is done and what is pending", () => {
    const state = replay([
      started(),
      reference("./base", "base", s(0.3)),
      reference("./expert-a", "source", s(0.6)),
      proposed("c0", 0),
      proposed("c1", 0),
      proposed("c2", 0),
      merged("c0"),
      scored("c0", s(0.5), 0.5),
      failed("c1", "merge"),
      proposed("c3", 1),
      merged("c2"),
      heldout("c0", s(0.45), 0.45),
    ]);
    expect([...state.proposed.keys()]).toEqual(["c0", "c1", "c2", "c3"]);
    expect([...state.scored.keys()]).toEqual(["c0"]);
    expect([...state.failed.keys()]).toEqual(["c1"]);
    expect([...state.heldout.keys()]).toEqual(["c0"]);
    expect([...state.merged.keys()]).toEqual(["c0", "c2"]);
    // c2 was merged but never scored: a resume must score it (again merging it if the file is gone).
    expect(state.pending).toEqual(["c2", "c3"]);
    expect([...state.references.keys()]).toEqual([referenceKey("./base", "validation"), referenceKey("./expert-a", "validation")]);
    expect(state.lastGeneration).toBe(1);
    expect(state.lastSeq).toBe(12);
    expect(state.finished).toBeUndefined();
    expect(state.started.runId).toBe("run-1");
  });

  it("looks candidates up by branded id", () => {
    const state = replay([started(), proposed("c0"), scored("c0", s(0.5), 0.5)]);
    expect(state.scored.get(candidateId("c0"))?.fitness).toBe(0.5);
    // @ts-expect-error a plain string is not a CandidateId: ids are checked (they name files) and branded
    expect(state.scored.get("c0")?.fitness).toBe(0.5);
    expect(() => candidateId("../c0")).toThrow(/candidate ids are 1-64 letters/);
  });

  it("reports finished until a later resume", () => {
    const finished = replay([started(), { kind: "run-finished", reason: "stopped" }]);
    expect(finished.finished?.reason).toBe("stopped");
    const again = replay([started(), { kind: "run-finished", reason: "stopped" }, { kind: "run-resumed", smeltVersion: "0.1.0" }]);
    expect(again.finished).toBeUndefined();
  });

  it("allows re-merging a pending candidate after a resume, not twice in one session", () => {
    const base = [started(), proposed("c0"), merged("c0")];
    expect(replay([...base, { kind: "run-resumed", smeltVersion: "0.1.0" }, merged("c0"), scored("c0", s(0.5), 0.5)]).scored.size).toBe(1);
    expect(violation([...base, merged("c0")]).message).toMatch(/seq 4 \(candidate-merged\): candidate c0 was merged twice in one session/);
  });

  it("allows a held-out failure after a score, which does not make the candidate pending", () => {
    const state = replay([started(), proposed("c0"), scored("c0", s(0.5), 0.5), failed("c0", "heldout", "timeout")]);
    expect(state.pending).toEqual([]);
    expect([...state.failed.values()].map((f) => `${f.id}:${f.phase}`)).toEqual(["c0:heldout"]);
  });

  describe("refuses journals that break exactly-once, naming the entry", () => {
    const cases: [string, JournalEntryInput[], RegExp][] = [
      ["a candidate scored twice", [started(), proposed("c0"), scored("c0", s(0.5), 0.5), scored("c0", s(0.6), 0.6)], /seq 4 \(candidate-scored\): candidate c0 was already scored at seq 3/],
      ["a candidate proposed twice", [started(), proposed("c0"), proposed("c0")], /seq 3 .*already proposed at seq 2/],
      ["a score for an unknown candidate", [started(), scored("c9", s(0.5), 0.5)], /seq 2 .*candidate c9 was never proposed/],
      ["a held-out score twice", [started(), proposed("c0"), scored("c0", s(0.5), 0.5), heldout("c0", s(0.4), 0.4), heldout("c0", s(0.4), 0.4)], /seq 5 .*already scored on held-out/],
      ["a held-out score before the search score", [started(), proposed("c0"), heldout("c0", s(0.4), 0.4)], /no search score/],
      ["a score after a failure", [started(), proposed("c0"), failed("c0", "load"), scored("c0", s(0.5), 0.5)], /already failed \(load\) at seq 3/],
      ["a failure after a score", [started(), proposed("c0"), scored("c0", s(0.5), 0.5), failed("c0", "score")], /failed \(score\) after being scored at seq 3/],
      ["a candidate failing twice", [started(), proposed("c0"), failed("c0", "merge"), failed("c0", "load")], /already failed \(merge\)/],
      ["a reference scored twice", [started(), reference("./base", "base", s(0.3)), reference("./base", "base", s(0.3))], /reference \.\/base was already scored on validation at seq 2/],
      ["two run-started", [started(), started()], /a second run-started/],
      ["no run-started first", [proposed("c0")], /must begin with run-started/],
    ];
    for (const [name, inputs, message] of cases) {
      it(name, () => {
        expect(violation(inputs).message).toMatch(message);
      });
    }
    it("an empty journal", () => {
      expect(() => replayState([])).toThrow(/empty/);
    });
  });
});
