import type { LogLevel } from './config.ts';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds these fields (e.g. requestId) to every line. */
  child(fields: LogFields): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Keys whose values must never reach a log line, whatever a caller passes.
const secretKey = /pass(word)?|secret|token|cookie|authorization|session/i;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = secretKey.test(k) ? '[redacted]' : v;
  return out;
}

/** One JSON object per line on stdout (stderr for warn and error). */
export function createLogger(level: LogLevel, base: LogFields = {}, write: (line: string, level: LogLevel) => void = defaultWrite): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (order[lvl] < order[level]) return;
    const err = fields?.err instanceof Error ? { err: { message: fields.err.message, stack: fields.err.stack } } : {};
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...redact(base), ...redact(fields ?? {}), ...err }), lvl);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

function defaultWrite(line: string, level: LogLevel): void {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(line + '\n');
}
