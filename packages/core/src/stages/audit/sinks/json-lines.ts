import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AuditRecord } from '../record.js';
import type { AuditSink } from '../sink.js';

/**
 * Writes each record as one JSON line to `stream`. Records written in the same tick go out in one
 * write, so a busy proxy makes one system call per tick, not one per request.
 */
export function jsonLinesSink(stream: Writable, options: { closeStream?: boolean } = {}): AuditSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  return {
    write(record: AuditRecord): void {
      pending.push(`${JSON.stringify(record)}\n`);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    close(): Promise<void> {
      flush();
      return new Promise<void>((resolve) => {
        if (options.closeStream) stream.end(resolve);
        else if (stream.writableNeedDrain) stream.once('drain', () => resolve());
        else resolve();
      });
    },
  };
}

/**
 * JSON lines on standard output, cllama's default audit stream. Written through an asynchronous file
 * stream on fd 1: `process.stdout` writes synchronously to pipes on Linux, and a slow log reader
 * would then stall the event loop.
 *
 * @example
 * audit({ sink: stdoutSink() })
 */
export function stdoutSink(): AuditSink {
  return jsonLinesSink(createWriteStream('', { fd: 1, autoClose: false }));
}

/**
 * JSON lines appended to a file.
 *
 * @example
 * audit({ sink: fileSink('/var/log/cllama/audit.jsonl') })
 */
export function fileSink(path: string): AuditSink {
  return jsonLinesSink(createWriteStream(path, { flags: 'a', mode: 0o600 }), { closeStream: true });
}
