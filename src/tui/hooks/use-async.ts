import { useCallback, useEffect, useState } from "react";

export type AsyncState<T> = { readonly status: "loading" } | { readonly status: "ready"; readonly value: T } | { readonly status: "error"; readonly error: Error };

/**
 * Runs `load` when `key` changes (and on `reload()`), keeping the latest result. A result that
 * arrives after the component moved on is dropped.
 */
export function useAsync<T>(load: () => Promise<T>, key: string): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ status: "ready", value }),
      (error: unknown) => live && setState({ status: "error", error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
