// A worker thread of as2-crypto-pool.ts. Plain JavaScript: a worker thread does not inherit the
// main thread's TypeScript loader (tsx), so it registers its own before loading the work.
import { register } from 'tsx/esm/api';

register();
await import('./as2-crypto-thread-work.ts');
