/**
 * HTTP request metrics in Prometheus text format: a counter by route, method and status and
 * a latency histogram by route. Routes are patterns (/healthz, /organisations/[id]), never
 * raw paths, so the number of series stays bounded.
 */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export class HttpMetrics {
  private requests = new Map<string, number>();
  private latency = new Map<string, Histogram>();

  observe(route: string, method: string, status: number, seconds: number): void {
    const key = `route="${esc(route)}",method="${esc(method)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const h = this.latency.get(route) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 };
    buckets.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++;
    });
    h.sum += seconds;
    h.count++;
    this.latency.set(route, h);
  }

  render(): string {
    const lines = [
      '# HELP lotbridge_http_requests_total HTTP requests by route, method and status.',
      '# TYPE lotbridge_http_requests_total counter',
    ];
    for (const [labels, n] of this.requests) lines.push(`lotbridge_http_requests_total{${labels}} ${n}`);
    lines.push('# HELP lotbridge_http_request_duration_seconds HTTP request latency by route.');
    lines.push('# TYPE lotbridge_http_request_duration_seconds histogram');
    for (const [route, h] of this.latency) {
      const r = `route="${esc(route)}"`;
      buckets.forEach((b, i) => lines.push(`lotbridge_http_request_duration_seconds_bucket{${r},le="${b}"} ${h.counts[i]}`));
      lines.push(`lotbridge_http_request_duration_seconds_bucket{${r},le="+Inf"} ${h.count}`);
      lines.push(`lotbridge_http_request_duration_seconds_sum{${r}} ${h.sum}`);
      lines.push(`lotbridge_http_request_duration_seconds_count{${r}} ${h.count}`);
    }
    return lines.join('\n') + '\n';
  }
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

// One registry per process, reached from every module copy (see context.ts).
const slot = Symbol.for('lotbridge.httpMetrics');
export function httpMetrics(): HttpMetrics {
  const g = globalThis as { [slot]?: HttpMetrics };
  return (g[slot] ??= new HttpMetrics());
}

/** A request id from upstream is kept when it looks like one; otherwise a new one is made. */
export function requestIdFrom(header: string | null | undefined): string {
  if (header && /^[A-Za-z0-9._:-]{1,128}$/.test(header)) return header;
  return crypto.randomUUID();
}
