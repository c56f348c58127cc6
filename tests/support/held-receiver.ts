// A receiver on loopback whose answers the test releases one by one: an attempt (webhook, mail
// API, async MDN) kept in flight past its lease, while another instance takes the work over.
import { createServer } from 'node:http';
import { expect } from 'vitest';

/**
 * A receiver on loopback that answers its requests in turn with `statuses`, each only once the
 * test lets it go: an attempt kept in flight past its lease.
 */
export async function heldReceiver(statuses: number[]) {
  const answers = statuses.map((status) => {
    let go!: () => void;
    const open = new Promise<void>((r) => (go = r));
    return { status, open, go };
  });
  let arrived = 0;
  const server = createServer((req, res) => {
    const answer = answers[arrived++]!;
    req.resume();
    void answer.open.then(() => res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{"id":"m"}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    answer: (n: number) => answers[n]!.go(),
    async arrivals(n: number) {
      for (let i = 0; i < 400 && arrived < n; i++) await new Promise((r) => setTimeout(r, 5));
      expect(arrived).toBe(n);
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
