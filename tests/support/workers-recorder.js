// The outside world of the Worker under test (vitest.config.ts routes its outbound fetches here):
// answers every request like a mail API or webhook receiver would (200, an id) and keeps what it
// got, which the tests read at http://recorder.test/requests through the RECORDER binding.
/** @type {{ url: string, method: string, headers: Record<string, string>, body: string }[]} */
const seen = [];

export default {
  /** @param {Request} request */
  async fetch(request) {
    const url = new URL(request.url);
    if (url.hostname === 'recorder.test') return Response.json(seen);
    seen.push({ url: request.url, method: request.method, headers: Object.fromEntries(request.headers), body: await request.text() });
    return Response.json({ id: `recorded-${seen.length}` });
  },
};
