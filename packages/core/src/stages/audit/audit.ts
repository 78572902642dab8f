import { publish, publishError } from '../../diagnostics.js';
import { toCllamaError } from '../../errors.js';
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
 * Writes one audit record per request once it is complete, refused or failed, and publishes
 * `cllama:request:start` / `cllama:request:end`. Mount it first so refusals by later stages are
 * recorded too. Sinks queue their I/O; a failing sink is logged and never fails the request.
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
    publish('requestStart', ex);
    try {
      await next();
      ex.outcome ??= { status: ex.response?.status ?? ex.res.statusCode };
    } catch (thrown) {
      const error = toCllamaError(thrown);
      ex.outcome = {
        status: ex.res.headersSent ? ex.res.statusCode : error.status,
        errorCode: error.code,
        errorMessage: error.message,
      };
      publishError(ex, thrown);
      throw thrown;
    } finally {
      ex.timings.finished ??= ex.clock.now();
      const record = auditRecord(ex);
      for (const sink of sinks) {
        try {
          sink.write(record);
        } catch (error) {
          logger.error('audit sink failed', { request_id: ex.id, error: String(error) });
        }
      }
      publish('requestEnd', ex);
    }
  });
}
