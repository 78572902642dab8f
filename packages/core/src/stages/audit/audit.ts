import { settleOutcome } from '../../lifecycle.js';
import type { Exchange } from '../../exchange.js';
import { type Logger, jsonLogger } from '../../logger.js';
import { defineStage, type Next, type Stage } from '../../stage.js';
import { auditRecord } from './record.js';
import { type AuditSinkInput, toSink } from './sink.js';
import { stdoutSink } from './sinks/json-lines.js';

export interface AuditOptions {
  /** One sink or several. Default: JSON lines on stdout. */
  readonly sink?: AuditSinkInput | readonly AuditSinkInput[];
  readonly logger?: Logger;
}

/**
 * Writes one audit record per request once it is complete, refused or failed. Mount it first so
 * refusals by later stages are recorded too. Sinks queue their I/O; a failing sink is logged and never fails the request.
 *
 * @example
 * app.use('/llm', audit({ sink: [stdoutSink(), costs] }), identity({ resolve }), route({ registry }),
 *   credentials(), usage(), forward());
 */
export function audit(options: AuditOptions = {}): Stage {
  const { logger = jsonLogger() } = options;
  const inputs = options.sink === undefined ? [stdoutSink()] : Array.isArray(options.sink) ? options.sink : [options.sink];
  const sinks = inputs.map((s) => toSink(s as AuditSinkInput));

  return defineStage({ name: 'audit' }, async function audit(ex: Exchange, next: Next) {
    try {
      await next();
      settleOutcome(ex);
    } catch (thrown) {
      settleOutcome(ex, thrown);
      throw thrown;
    } finally {
      const record = auditRecord(ex);
      for (const sink of sinks) {
        try {
          sink.write(record);
        } catch (error) {
          logger.error('audit sink failed', { request_id: ex.id, error: String(error) });
        }
      }
    }
  });
}
