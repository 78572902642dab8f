import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CllamaError,
  ConfigurationError,
  endExchange,
  Exchange,
  type Next,
  type PreParsedBody,
  renderError,
  runStage,
  type Stage,
} from '@cllama/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const EXCHANGE = Symbol.for('cllama.exchange');
const PENDING = Symbol('cllama.express.pending');

/**
 * The promise an outer stage's `next()` returned, waiting for whatever runs downstream: a later cllama
 * stage (which claims it and settles it when it settles) or anything else (it settles when the
 * response closes).
 */
interface Pending {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  claimed: boolean;
  settled: boolean;
}

type CllamaRequest = IncomingMessage & {
  [EXCHANGE]?: Exchange;
  [PENDING]?: Pending;
  body?: unknown;
  rawBody?: unknown;
  _body?: boolean;
};

/** The exchange an Express request carries, once a cllama stage has seen it. */
export function exchangeOf(req: Request | IncomingMessage): Exchange | undefined {
  return (req as CllamaRequest)[EXCHANGE];
}

/**
 * Wraps one stage as Express middleware, keeping the onion order across separate `app.use` entries:
 * an outer stage's `await next()` resolves when the next cllama stage has *settled* (after its own
 * "after" half), not when the response closes, which happens first. Errors travel outward the same
 * way, and the outermost cllama stage renders them in the caller's wire format.
 */
export function toExpress(stage: Stage): RequestHandler {
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const creq = req as unknown as CllamaRequest;
    let exchange = creq[EXCHANGE];
    let parent: Pending | undefined;
    // The stage that creates the exchange is the outermost: it renders errors and ends the exchange.
    const outermost = exchange === undefined;
    if (exchange === undefined) {
      exchange = new Exchange(req, res as unknown as ServerResponse, { preParsedBody: preParsedBody(creq) });
      creq[EXCHANGE] = exchange;
      // Something other than a cllama stage answered: the waiting stage resumes when it is done.
      res.once('close', () => settle(creq[PENDING], (p) => p.resolve(), true));
    } else {
      parent = creq[PENDING];
      creq[PENDING] = undefined;
      if (parent !== undefined) parent.claimed = true;
    }
    const downstream: Next = () =>
      new Promise<void>((resolve, reject) => {
        creq[PENDING] = { resolve, reject, claimed: false, settled: false };
        next();
      });
    const ex = exchange;
    runStage(stage, ex, downstream).then(
      () => {
        if (outermost) endExchange(ex);
        else settle(parent, (p) => p.resolve());
      },
      (error: unknown) => {
        if (!outermost) return settle(parent, (p) => p.reject(error));
        if (error instanceof CllamaError || error instanceof ConfigurationError) renderError(ex, error);
        else next(error);
        endExchange(ex, error);
      },
    );
  };
  Object.defineProperty(middleware, 'name', { value: stage.meta.name });
  return middleware;
}

function settle(pending: Pending | undefined, action: (p: Pending) => void, onlyUnclaimed = false): void {
  if (pending === undefined || pending.settled || (onlyUnclaimed && pending.claimed)) return;
  pending.settled = true;
  action(pending);
}

/** A body `express.json()` (or raw/text) already read: reuse it, the stream is gone. */
function preParsedBody(req: CllamaRequest): PreParsedBody | undefined {
  if (req.body === undefined || (req._body !== true && !req.readableEnded)) return undefined;
  const raw = Buffer.isBuffer(req.rawBody) || typeof req.rawBody === 'string' ? req.rawBody : undefined;
  return { parsed: req.body, raw };
}
