/**
 * The AS2 receive's CPU work on Node (`default` of `#runtime/as2-crypto`): a pool of worker
 * threads, one per core, so that CMS parsing, decryption, verification and MDN signing of
 * concurrent messages run in parallel and off the event loop (which keeps the HTTP and SQLite
 * work). Threads start with the first unwrap and keep the process alive only while they have jobs; a
 * job goes to the thread with the fewest jobs waiting. A thread that dies fails its jobs and is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BuiltMdn } from '../../as2/index.ts';
import { buildMdnStored, movable, type As2Crypto, type MdnRequest, type UnwrapOutcome, type UnwrapRequest } from './as2-crypto-work.ts';

export type Job = { id: number } & ({ kind: 'unwrap'; request: UnwrapRequest } | { kind: 'mdn'; request: MdnRequest });
export type JobResult = { id: number; ok: true; value: UnwrapOutcome | BuiltMdn } | { id: number; ok: false; message: string };

type Waiting = { resolve: (value: never) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; jobs: Map<number, Waiting> };

const size = Math.max(1, Number(process.env.AS2_CRYPTO_THREADS) || availableParallelism());
const threads: Thread[] = [];
let nextId = 0;

function startThread(index: number): Thread {
  const worker = new Worker(new URL('./as2-crypto-thread.js', import.meta.url));
  const thread: Thread = { worker, jobs: new Map() };
  worker.on('message', (result: JobResult) => {
    const waiting = thread.jobs.get(result.id);
    if (!waiting) return;
    thread.jobs.delete(result.id);
    if (thread.jobs.size === 0) worker.unref();
    if (result.ok) waiting.resolve(result.value as never);
    else waiting.reject(new Error(result.message));
  });
  const failAll = (error: Error) => {
    if (threads[index] === thread) threads[index] = startThread(index);
    for (const waiting of thread.jobs.values()) waiting.reject(error);
    thread.jobs.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`AS2 crypto thread exited (${code})`)));
  // After the listeners (adding a 'message' listener refs the thread again): idle, it keeps nothing alive.
  worker.unref();
  return thread;
}

function run<T>(job: Omit<Job, 'id'>): Promise<T> {
  if (threads.length === 0) for (let i = 0; i < size; i++) threads.push(startThread(i));
  const thread = threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    if (thread.jobs.size === 0) thread.worker.ref();
    thread.jobs.set(id, { resolve: resolve as (value: never) => void, reject });
    thread.worker.postMessage({ ...job, id }, 'body' in job.request ? movable(job.request.body) : []);
  });
}

export const as2Crypto: As2Crypto = {
  unwrap: (request) => run({ kind: 'unwrap', request }),
  // The threads (tens of MB each) start with the first message unwrapped in memory; until then (a
  // large message that streamed on the event loop) its one MDN is built here.
  buildMdn: (request) => (threads.length > 0 ? run({ kind: 'mdn', request }) : Promise.resolve().then(() => buildMdnStored(request))),
};
