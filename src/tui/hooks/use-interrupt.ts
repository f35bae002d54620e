import { useInput } from "ink";
import { useEffect, useRef } from "react";

/**
 * Ctrl-C: in raw mode ink delivers it as a key, not as SIGINT; a SIGINT sent to the process
 * (`kill -INT`, or before raw mode is on) arrives as the signal. Both call `onInterrupt`.
 */
export function useInterrupt(onInterrupt: () => void): void {
  const latest = useRef(onInterrupt);
  latest.current = onInterrupt;
  useInput((input, key) => {
    if (key.ctrl && input === "c") latest.current();
  });
  useEffect(() => {
    const onSignal = () => latest.current();
    process.on("SIGINT", onSignal);
    return () => void process.off("SIGINT", onSignal);
  }, []);
}
