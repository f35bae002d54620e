import { useEffect, useRef, useState } from "react";
import { resourceUsage, type ResourceSample, type ResourceUsage } from "../state/resource-usage.js";
import { useTuiDeps } from "../tui-deps.js";

/** CPU, memory and load, sampled every `intervalMs` on the deps' clock. */
export function useResources(intervalMs = 1000): ResourceUsage {
  const { clock, sampleResources } = useTuiDeps();
  const previous = useRef<ResourceSample | undefined>(undefined);
  const [usage, setUsage] = useState<ResourceUsage>(() => {
    const first = sampleResources(clock.now());
    previous.current = first;
    return resourceUsage(undefined, first);
  });
  useEffect(() => {
    const handle = clock.setInterval(() => {
      const sample = sampleResources(clock.now());
      setUsage(resourceUsage(previous.current, sample));
      previous.current = sample;
    }, intervalMs);
    return () => clock.clearInterval(handle);
  }, [clock, sampleResources, intervalMs]);
  return usage;
}
