/** Small helpers every workload uses to print comparable figures. */
export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

export function summarise(name: string, latenciesMs: number[], seconds: number): { name: string; perSecond: number; p50: number; p99: number } {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { name, perSecond: latenciesMs.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

export function printTable(rows: { name: string; perSecond: number; p50: number; p99: number }[]): void {
  console.log(['workload'.padEnd(44), 'ops/s'.padStart(10), 'p50 ms'.padStart(9), 'p99 ms'.padStart(9)].join(''));
  for (const r of rows) {
    console.log([r.name.padEnd(44), r.perSecond.toFixed(0).padStart(10), r.p50.toFixed(3).padStart(9), r.p99.toFixed(3).padStart(9)].join(''));
  }
}

/** Samples resident memory while work runs; returns the peak in MiB. */
export function trackPeakMemory(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024;
  };
}
