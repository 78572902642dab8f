/**
 * Operational log lines (not the audit record). Injected into every stage; the default writes JSON
 * lines to stderr so that stdout stays a clean audit stream.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes one JSON object per line to `stream` (stderr by default). */
export function jsonLogger(options: { level?: Level; stream?: NodeJS.WritableStream } = {}): Logger {
  const { level = 'info', stream = process.stderr } = options;
  const threshold = RANK[level];
  const write = (lvl: Level, message: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < threshold) return;
    stream.write(`${JSON.stringify({ ts: new Date().toISOString(), level: lvl, msg: message, ...fields })}\n`);
  };
  return Object.freeze({
    debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
    info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
    warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
    error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
  });
}

/** Discards everything; for tests and for callers that log elsewhere. */
export const silentLogger: Logger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
});
