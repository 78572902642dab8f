import { ConfigurationError, InternalError } from './errors.js';
import type { Exchange } from './exchange.js';
import { defineStage, type Next, type Stage } from './stage.js';

/**
 * Composes stages into one, in onion order, and checks at build time that every stage's
 * requirements come before it (`budget()` before `identity()` throws here, not on a request).
 *
 * Guards, as koa-compose has them: calling `next()` twice rejects, and so does a stage that resolves
 * while its downstream is still running (it forgot to `await next()`), because code after `next()`
 * must only ever run once the response is complete.
 *
 * @example
 * const pipeline = compose([identity({ resolve }), route({ registry }), credentials(), forward()]);
 */
export function compose(stages: readonly Stage[], name = 'pipeline'): Stage {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new ConfigurationError('compose() needs a non-empty array of stages');
  }
  const provided: string[] = [];
  const external: string[] = [];
  for (const stage of stages) {
    if (typeof stage !== 'function' || stage.meta === undefined) {
      throw new ConfigurationError('compose() accepts only stages made by defineStage() or a stage factory');
    }
    for (const needed of stage.meta.requires) {
      if (provided.includes(needed)) continue;
      // A requirement no stage in this pipeline provides must come from outside; one provided
      // *later* is an ordering mistake.
      if (stages.some((s) => s.meta.provides.includes(needed))) {
        throw new ConfigurationError(
          `${stage.meta.name}() needs ${needed}() before it, but ${needed}() comes after it in the pipeline`,
        );
      }
      external.push(needed);
    }
    provided.push(...stage.meta.provides);
  }
  const list = [...stages];

  return defineStage(
    { name, requires: external, provides: provided },
    async function composed(exchange: Exchange, next: Next): Promise<void> {
      for (const p of provided) if (!exchange.hasStage(p)) exchange.markStage(p);
      let index = -1;
      const dispatch = async (i: number): Promise<void> => {
        if (i <= index) throw new InternalError('next_called_twice', 'next() called multiple times');
        index = i;
        const stage = list[i];
        if (stage === undefined) return next();
        let downstreamSettled = true;
        const downstream: Next = async () => {
          downstreamSettled = false;
          try {
            await dispatch(i + 1);
          } finally {
            downstreamSettled = true;
          }
        };
        // Inner stages skip the per-request requirement check: the order was verified above.
        await stage(exchange, downstream);
        if (!downstreamSettled) {
          throw new InternalError(
            'stage_contract_violation',
            `${stage.meta.name}() resolved before its downstream finished; it must await next()`,
          );
        }
      };
      return dispatch(0);
    },
  );
}

