import {
  CllamaError,
  ConfigurationError,
  endExchange,
  Exchange,
  type PreParsedBody,
  renderError,
  runStage,
  type Stage,
} from '@cllama/core';
import type { Context, Middleware, Next } from 'koa';

/** The exchange a Koa context carries, once a cllama stage has seen it. */
export function exchangeOf(ctx: Context): Exchange | undefined {
  return (ctx.state as { cllama?: Exchange }).cllama;
}

/**
 * Wraps one stage as Koa middleware. Koa is already an onion, so the stage's `next` is Koa's. Stages
 * that answer write to the Node response themselves, so the wrapper sets `ctx.respond = false`. The
 * outermost cllama stage renders refusals in the caller's wire format; other errors go on to Koa.
 */
export function toKoa(stage: Stage): Middleware {
  const middleware = async (ctx: Context, next: Next): Promise<void> => {
    const state = ctx.state as { cllama?: Exchange };
    let exchange = state.cllama;
    const outermost = exchange === undefined;
    if (exchange === undefined) {
      exchange = new Exchange(ctx.req, ctx.res, { preParsedBody: preParsedBody(ctx) });
      state.cllama = exchange;
    }
    try {
      await runStage(stage, exchange, next as () => Promise<void>);
      if (outermost) endExchange(exchange);
    } catch (error) {
      if (outermost) endExchange(exchange, error);
      if (!outermost || !(error instanceof CllamaError || error instanceof ConfigurationError)) throw error;
      renderError(exchange, error);
    } finally {
      if (exchange.res.headersSent || exchange.res.writableEnded) ctx.respond = false;
    }
  };
  Object.defineProperty(middleware, 'name', { value: stage.meta.name });
  return middleware;
}

/** A body a Koa body parser already read: reuse it, the stream is gone. */
function preParsedBody(ctx: Context): PreParsedBody | undefined {
  const request = ctx.request as { body?: unknown; rawBody?: unknown };
  if (request.body === undefined || !ctx.req.readableEnded) return undefined;
  const raw = typeof request.rawBody === 'string' || Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
  return { parsed: request.body, raw };
}
