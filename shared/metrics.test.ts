import { describe, expect, it } from 'vitest';
import { HttpMetrics, requestIdFrom } from './metrics.ts';

describe('HttpMetrics', () => {
  it('counts by route, method and status and renders a cumulative histogram', () => {
    const m = new HttpMetrics();
    m.observe('/healthz', 'GET', 200, 0.002);
    m.observe('/healthz', 'GET', 200, 0.3);
    m.observe('/login', 'POST', 400, 0.02);
    const text = m.render();
    expect(text).toContain('lotbridge_http_requests_total{route="/healthz",method="GET",status="200"} 2');
    expect(text).toContain('lotbridge_http_requests_total{route="/login",method="POST",status="400"} 1');
    expect(text).toContain('lotbridge_http_request_duration_seconds_bucket{route="/healthz",le="0.005"} 1');
    expect(text).toContain('lotbridge_http_request_duration_seconds_bucket{route="/healthz",le="0.5"} 2');
    expect(text).toContain('lotbridge_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 2');
    expect(text).toContain('lotbridge_http_request_duration_seconds_count{route="/healthz"} 2');
    expect(text).toMatch(/# TYPE lotbridge_http_request_duration_seconds histogram/);
  });

  it('escapes label values', () => {
    const m = new HttpMetrics();
    m.observe('/a"b', 'GET', 200, 0.001);
    expect(m.render()).toContain('route="/a\\"b"');
  });
});

describe('requestIdFrom', () => {
  it('keeps a sane upstream id and replaces anything else', () => {
    expect(requestIdFrom('abc-123.x:y')).toBe('abc-123.x:y');
    expect(requestIdFrom('bad id with spaces')).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom('x'.repeat(129))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(null)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
