import { useEffect, useState } from "react";
import { useTuiDeps } from "../tui-deps.js";

/** The clock's time, re-read every `intervalMs` (ETAs and elapsed times tick with it). */
export function useNow(intervalMs = 1000): number {
  const { clock } = useTuiDeps();
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const handle = clock.setInterval(() => setNow(clock.now()), intervalMs);
    return () => clock.clearInterval(handle);
  }, [clock, intervalMs]);
  return now;
}
