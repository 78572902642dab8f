import { ConfigurationError, InternalError } from './errors.js';
import type { Exchange } from './exchange.js';

export type Next = () => Promise<void>;

/** What a stage is called and which stages must have run before it. */
export interface StageMeta {
  readonly name: string;
  readonly requires: readonly string[];
  /** Names this stage stands for (a composed pipeline provides every stage inside it). */
  readonly provides: readonly string[];
}

/**
 * The onion signature. Code before `await next()` runs on the way in; code after it runs once the
 * response is complete (`forward()` resolves only after the last byte is written or the client left).
 */
export interface Stage {
  (exchange: Exchange, next: Next): Promise<void>;
  readonly meta: StageMeta;
}

export type StageFunction = (exchange: Exchange, next: Next) => Promise<void>;

/**
 * Attaches a stage's name and requirements to its function. The function should be a named
 * `async function <name>(ex, next)` so stack traces name the stage.
 *
 * @example
 * const stamp = defineStage({ name: 'stamp', requires: ['identity'] }, async function stamp(ex, next) {
 *   ex.res.setHeader('x-agent', ex.agent!.id);
 *   await next();
 * });
 */
export function defineStage(
  meta: { name: string; requires?: readonly string[]; provides?: readonly string[] },
  fn: StageFunction,
): Stage {
  if (!/^[a-z][a-z0-9-]*$/i.test(meta.name)) {
    throw new ConfigurationError(`stage name "${meta.name}" must be a simple identifier`);
  }
  const stage = fn as Stage;
  Object.defineProperty(stage, 'meta', {
    value: Object.freeze({
      name: meta.name,
      requires: Object.freeze([...(meta.requires ?? [])]),
      provides: Object.freeze([...(meta.provides ?? [meta.name])]),
    }),
    enumerable: true,
  });
  return stage;
}

/**
 * Runs one stage after checking, on this exchange, that the stages it requires already ran. Used
 * where stages are mounted one by one (`app.use(a(), b(), c())`), where the order can only be seen
 * per request; `compose()` checks the same thing once, when it is built.
 */
export function runStage(stage: Stage, exchange: Exchange, next: Next): Promise<void> {
  const { requires, provides } = stage.meta;
  for (const name of requires) {
    if (!exchange.hasStage(name)) {
      return Promise.reject(
        new InternalError(
          'pipeline_misconfigured',
          `${stage.meta.name}() needs ${name}() to run before it; ran so far: ${exchange.stages.join(', ') || 'none'}`,
        ),
      );
    }
  }
  for (const name of provides) exchange.markStage(name);
  return stage(exchange, next);
}
