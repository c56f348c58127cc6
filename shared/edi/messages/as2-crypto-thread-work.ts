// The body of an as2-crypto-pool.ts worker thread: runs each job it is posted and posts back
// its result (or its error's message), with the job's number.
import { parentPort } from 'node:worker_threads';
import { buildMdnStored, movable, unwrapStored } from './as2-crypto-work.ts';
import type { Job, JobResult } from './as2-crypto-pool.ts';

parentPort!.on('message', (job: Job) => {
  let reply: JobResult;
  try {
    reply = { id: job.id, ok: true, value: job.kind === 'unwrap' ? unwrapStored(job.request) : buildMdnStored(job.request) };
  } catch (e) {
    reply = { id: job.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  // A large payload goes back moved, not copied, as its body came (as2-crypto-work.ts movable).
  parentPort!.postMessage(reply, reply.ok && 'payload' in reply.value && reply.value.ok ? movable(reply.value.payload) : []);
});
