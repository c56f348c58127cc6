// Sign-in's password check: argon2id verify (19 MiB, 2 passes, 1 lane) with the native binding
// (Node) and with hash-wasm (WebAssembly, what workerd runs), each on a hash the other made.
// CPU time per verify (process.cpuUsage, every thread of the process: the native binding runs
// on libuv's pool), median and p90 of N sequential verifies after a warm-up; wall time beside.
// Workers bill and limit CPU time per request, so the CPU figure is the one that matters there.
import * as native from '../shared/auth/password-hash-native.ts';
import * as wasm from '../shared/auth/password-hash-wasm.ts';
import { percentile } from './_report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const password = 'correct horse battery staple';
const sides = { native, wasm };

console.log(`bench password: argon2id verify, ${runs} runs each after 3 warm-up, Node ${process.version}`);
console.log(['implementation'.padEnd(16), 'CPU p50 ms'.padStart(12), 'CPU p90 ms'.padStart(12), 'wall p50 ms'.padStart(13)].join(''));
for (const [name, side] of Object.entries(sides)) {
  const other = name === 'native' ? wasm : native;
  const phc = await other.hashPassword(password);
  for (let i = 0; i < 3; i++) await side.verifyPasswordHash(phc, password);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const ok = await side.verifyPasswordHash(phc, password);
    wall.push(performance.now() - w0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (!ok) throw new Error(`${name} did not verify a hash ${name === 'native' ? 'wasm' : 'native'} made`);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  console.log([name.padEnd(16), percentile(cpu, 50).toFixed(1).padStart(12), percentile(cpu, 90).toFixed(1).padStart(12), percentile(wall, 50).toFixed(1).padStart(13)].join(''));
}
