import type { PullEvent, SearchEvent } from "../../index.js";
import type { ActivityView, CandidateView, DownloadView, RunView } from "./run-view.js";

/**
 * What changes a RunView: a search event (stamped with the clock time it arrived), the journal's
 * earlier candidates when a run is resumed, the user's requests (which the loop honours a little
 * later, when the current candidate is done), and a crash of the search.
 */
export type RunAction =
  | { readonly kind: "event"; readonly event: SearchEvent; readonly at: number }
  | { readonly kind: "history"; readonly candidates: readonly CandidateView[]; readonly earlierSeconds: number; readonly at: number }
  | { readonly kind: "pause-requested"; readonly at: number }
  | { readonly kind: "resume-requested"; readonly at: number }
  | { readonly kind: "stop-requested"; readonly at: number }
  | { readonly kind: "crashed"; readonly message: string; readonly at: number };

/** Folds one action into the view. Pure: the same actions always give the same view. */
export function reduceRunView(view: RunView, action: RunAction): RunView {
  const at = action.at;
  switch (action.kind) {
    case "event":
      return reduceEvent({ ...view, at }, action.event, at);
    case "history": {
      const known = new Set(view.candidates.map((c) => c.id));
      return { ...view, at, earlierSeconds: action.earlierSeconds, candidates: [...action.candidates.filter((c) => !known.has(c.id)), ...view.candidates] };
    }
    case "pause-requested":
      return view.pause === "running" && view.stage !== "finished" ? { ...view, at, pause: "pausing" } : { ...view, at };
    case "resume-requested":
      // A pause the loop has not reached yet is simply cancelled; a reached one ends with `resumed`.
      return view.pause === "pausing" ? { ...view, at, pause: "running" } : { ...view, at };
    case "stop-requested":
      return view.stage === "finished" ? { ...view, at } : { ...view, at, stopping: true };
    case "crashed":
      return { ...view, at, crashed: action.message, stage: "finished", activity: [], pause: "running", waiting: undefined };
    default:
      void (action satisfies never);
      throw new Error("unreachable");
  }
}

function withoutActivity(view: RunView, id: string): readonly ActivityView[] {
  return view.activity.filter((a) => a.id !== id);
}

function finish(view: RunView, candidate: CandidateView, done: number): RunView {
  return {
    ...view,
    candidates: [...view.candidates.filter((c) => c.id !== candidate.id), candidate],
    queued: view.queued.filter((id) => id !== candidate.id),
    activity: withoutActivity(view, candidate.id),
    done,
  };
}

function reduceEvent(view: RunView, e: SearchEvent, at: number): RunView {
  switch (e.type) {
    case "run":
      return {
        ...view,
        runId: e.runId,
        dir: e.dir,
        resumed: e.resumed,
        budget: e.budget,
        objectives: e.objectives,
        done: e.done,
        doneAtStart: e.done,
        stage: "reference",
        startedAt: at,
        download: undefined,
      };
    case "reference": {
      const others = view.references.filter((r) => r.model !== e.model || r.split !== e.split);
      return {
        ...view,
        references: [...others, { model: e.model, role: e.role, split: e.split, fitness: e.fitness, tasks: e.tasks }],
        activity: view.activity.filter((a) => !(a.stage === "reference" && a.id === e.model)),
      };
    }
    case "proposed":
      return { ...view, stage: "search", queued: [...view.queued, e.id] };
    case "phase": {
      const previous = view.activity.find((a) => a.id === e.id && a.stage === e.stage);
      const activity: ActivityView = {
        id: e.id,
        stage: e.stage,
        phase: e.phase,
        task: e.task,
        taskIndex: e.taskIndex,
        taskCount: e.taskCount,
        done: e.done,
        total: e.total,
        since: previous?.since ?? at,
      };
      const rest = view.activity.filter((a) => a !== previous);
      return {
        ...view,
        stage: e.stage,
        activity: [...rest, activity],
        searchStartedAt: view.searchStartedAt ?? (e.stage === "search" ? at : undefined),
      };
    }
    case "scored":
      return finish(
        view,
        {
          id: e.id,
          generation: e.generation,
          method: e.method,
          status: "scored",
          fitness: e.fitness,
          tasks: e.tasks,
          failure: undefined,
          heldout: undefined,
          finishedAt: at,
          pausedBefore: view.pausedMs,
        },
        e.done,
      );
    case "failed": {
      const earlier = view.candidates.find((c) => c.id === e.id);
      return finish(
        view,
        {
          id: e.id,
          generation: earlier?.generation,
          method: earlier?.method,
          status: "failed",
          fitness: undefined,
          tasks: {},
          failure: { phase: e.phase, reason: e.reason },
          heldout: undefined,
          finishedAt: at,
          pausedBefore: view.pausedMs,
        },
        e.done,
      );
    }
    case "heldout":
      return {
        ...view,
        stage: "heldout",
        candidates: view.candidates.map((c) => (c.id === e.id ? { ...c, heldout: { fitness: e.fitness, tasks: e.tasks } } : c)),
        activity: view.activity.filter((a) => !(a.stage === "heldout" && a.id === e.id)),
      };
    case "paused":
      return { ...view, pause: "paused", waiting: e.waiting, pausedSince: at, activity: view.activity.filter((a) => a.id === e.waiting) };
    case "resumed":
      return {
        ...view,
        pause: "running",
        waiting: undefined,
        pausedSince: undefined,
        pausedMs: view.pausedMs + (view.pausedSince === undefined ? 0 : at - view.pausedSince),
      };
    case "download":
      return { ...view, download: reduceDownload(view.download, e.ref, e.pull) };
    case "finished":
      return {
        ...view,
        stage: "finished",
        finished: { reason: e.reason, best: e.best },
        activity: [],
        queued: [],
        pause: "running",
        waiting: undefined,
        stopping: false,
        pausedMs: view.pausedMs + (view.pausedSince === undefined ? 0 : at - view.pausedSince),
        pausedSince: undefined,
      };
    default:
      void (e satisfies never);
      throw new Error("unreachable");
  }
}

/** A Hub reference's download progress: the file being fetched, until the reference is pulled. */
function reduceDownload(current: DownloadView | undefined, ref: string, e: PullEvent): DownloadView | undefined {
  switch (e.event) {
    case "resolved":
      return { ref, file: undefined, bytes: 0, size: 0 };
    case "file-start":
      return { ref, file: e.path, bytes: e.resumeFrom, size: e.size };
    case "file-progress":
      return { ref, file: e.path, bytes: e.bytes, size: e.size };
    case "file-done":
      return { ref, file: e.path, bytes: e.size, size: e.size };
    case "warning":
      return current;
    case "pulled":
      return undefined;
    default:
      void (e satisfies never);
      throw new Error("unreachable");
  }
}
