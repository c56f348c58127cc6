// Time per message of inbound EDIFACT processing, a small file (10 messages) beside a large one
// (20,000 messages, ~1 MB, as a partner's DESADV with 20,000 UNH that once stalled the server),
// through the steps the inbound path runs without the database: the reader that yields to the
// event loop (tokenizeYielding), the envelope check, and the CONTRL: for a good file one UCM per
// message; for a refused file (every message has the reference M1: 19,999 duplicate faults)
// contrlForRefusal, its CONTRL and the bounded problems recorded on the interchange.
// Target: the large file's time per message at most 2 × the small file's (linear work).
import { isEdifactError } from '../shared/edifact/problems.ts';
import { readEnvelope } from '../shared/edifact/envelope.ts';
import { answeredFrom, contrlForRefusal, recordedProblems, writeContrl } from '../shared/edifact/write-contrl.ts';
import { tokenizeYielding } from '../shared/edi/inbound/yield-to-event-loop.ts';

function interchange(n: number, sameReference: boolean): Uint8Array {
  const parts = ["UNB+UNOC:3+6901234000001:14+4012345000009:14+260320:1015+BENCH1'"];
  for (let i = 0; i < n; i++) {
    const ref = sameReference ? 'M1' : `M${i + 1}`;
    parts.push(`UNH+${ref}+DESADV:D:96A:UN:EAN005'BGM+351+DA${i + 1}+9'DTM+137:20260320:102'RFF+ON:4500088001'LIN+1++09506000888020:SRV'PIA+1+L${i + 1}:NB'QTY+12:10'RFF+ON:4500088001:1'UNT+9+${ref}'`);
  }
  parts.push(`UNZ+${n}+BENCH1'`);
  return new TextEncoder().encode(parts.join(''));
}

const ours = { reference: 'OURBENCH', preparedAt: new Date('2026-03-20T10:15:00Z') };

async function processOnce(bytes: Uint8Array): Promise<number> {
  const ic = await tokenizeYielding(bytes, 'strict');
  try {
    const envelope = readEnvelope(ic);
    const messages = envelope.messages.map((m) => ({ reference: m.reference, identifier: [m.type, m.version, m.release, m.agency, m.association], problems: [] }));
    return writeContrl({ answered: answeredFrom(envelope), problems: [], messages, ...ours }).length;
  } catch (e) {
    if (!isEdifactError(e)) throw e;
    const text = writeContrl(contrlForRefusal(e, ic.segments, ours)!);
    return text.length + recordedProblems(e.problems).length;
  }
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function perMessage(bytes: Uint8Array, messages: number, rounds: number): Promise<number> {
  for (let r = 0; r < 2; r++) await processOnce(bytes);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await processOnce(bytes);
    times.push(performance.now() - t0);
  }
  return median(times) / messages;
}

export async function benchMessages(): Promise<void> {
  const small = 10;
  const large = 20_000;
  console.log(`bench edifact, time per message: ${small} messages beside ${large} (DESADV, 9 segments each; tokenizeYielding + readEnvelope + CONTRL)`);
  console.log(['file'.padEnd(44), 'KiB'.padStart(8), 'µs/message'.padStart(12)].join(''));
  for (const refused of [false, true]) {
    const label = refused ? 'refused (every UNH is M1)' : 'good';
    const s = interchange(small, refused);
    const l = interchange(large, refused);
    const perSmall = await perMessage(s, small, 200);
    const perLarge = await perMessage(l, large, 7);
    console.log([`${label}, ${small} messages`.padEnd(44), (s.length / 1024).toFixed(1).padStart(8), (perSmall * 1000).toFixed(1).padStart(12)].join(''));
    console.log([`${label}, ${large} messages`.padEnd(44), (l.length / 1024).toFixed(1).padStart(8), (perLarge * 1000).toFixed(1).padStart(12)].join(''));
    const ratio = perLarge / perSmall;
    console.log(`target (${label}): per-message time of the large file <= 2 × the small file's: ${ratio.toFixed(2)}× — ${ratio <= 2 ? 'met' : 'NOT met'}`);
  }
}
