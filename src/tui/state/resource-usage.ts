/** One reading of the process's resource counters (what `useResources` samples). */
export interface ResourceSample {
  /** Clock time, ms. */
  readonly at: number;
  /** User + system CPU time of the whole process (all threads: llama.cpp, merge workers), µs. */
  readonly cpuMicros: number;
  /** Resident set size, bytes. */
  readonly rss: number;
  /** 1, 5 and 15 minute load averages of the machine. */
  readonly load: readonly [number, number, number];
  readonly cores: number;
}

export interface ResourceUsage {
  /** CPU use since the previous sample, in % of one core (200% = two cores busy); undefined for the first. */
  readonly cpuPercent: number | undefined;
  readonly rss: number;
  readonly load: readonly [number, number, number];
  readonly cores: number;
}

/** CPU share between two samples, plus the latest memory and load readings. */
export function resourceUsage(previous: ResourceSample | undefined, current: ResourceSample): ResourceUsage {
  const wallMs = previous === undefined ? 0 : current.at - previous.at;
  const cpuPercent = previous === undefined || wallMs <= 0 ? undefined : ((current.cpuMicros - previous.cpuMicros) / 1000 / wallMs) * 100;
  return { cpuPercent: cpuPercent === undefined ? undefined : Math.max(0, cpuPercent), rss: current.rss, load: current.load, cores: current.cores };
}
