import type { AuditRecord } from './record.js';

/**
 * Where audit records go. `write` is called once per request after the response completed; it must
 * return at once (queue the I/O), since it runs on the request path. `close` flushes what is queued.
 */
export interface AuditSink {
  write(record: AuditRecord): void;
  close?(): Promise<void>;
}

/** A sink, or a plain function that takes each record. */
export type AuditSinkInput = AuditSink | ((record: AuditRecord) => void);

export function toSink(input: AuditSinkInput): AuditSink {
  return typeof input === 'function' ? { write: input } : input;
}
