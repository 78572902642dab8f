import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from './clock.js';
import type { JsonObject, WireFormat } from './formats/types.js';
import { detectFormat } from './formats/index.js';
import { publish } from './diagnostics.js';
import { DEFAULT_MAX_BODY_BYTES, type PreParsedBody, readJsonBody } from './http/body.js';
import type { SseEvent } from './sse/event.js';
import type { CredentialsState } from './stages/credentials/types.js';
import type { IdentityState } from './stages/identity/types.js';
import type { RouteState } from './stages/route/types.js';
import type { CostState, UsageState } from './stages/usage/types.js';

/** What the client asked for. `body` is filled the first time a stage calls `exchange.readBody()`. */
export interface RequestState {
  readonly method: string;
  /** The path as the stage sees it (relative to the mount point in Express), without the query. */
  readonly path: string;
  /** The raw query string with its `?`, or `''`. */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  /** Chosen by the path's endpoint; `undefined` for paths the proxy does not serve. */
  readonly format: WireFormat | undefined;
  body: JsonObject | undefined;
  /** Size of the body as received. */
  bodyBytes: number;
  /** Whether the client asked for a stream (`"stream": true`). */
  stream: boolean;
  /** The `model` the client sent, trimmed; `undefined` when absent. */
  model: string | undefined;
}

/** Milliseconds on the exchange's clock; absent until the moment happens. */
export interface Timings {
  readonly received: number;
  dispatched?: number;
  firstUpstreamByte?: number;
  firstDownstreamByte?: number;
  finished?: number;
}

/** How the response ended, as `forward()` saw it. */
export type Completion = 'complete' | 'client_aborted' | 'upstream_failed' | 'timeout';

/** The `response` slot, filled by `forward()`. */
export interface ResponseState {
  /** Status the upstream sent (the client got the same, unless an error replaced it). */
  readonly status: number;
  readonly streamed: boolean;
  completion: Completion;
  /** The model the upstream says answered. */
  responseModel?: string;
  finishReasons?: readonly string[];
  /** An error the upstream reported inside a stream, or a relay failure after the first byte. */
  streamError?: string;
}

/** The `outcome` slot: what the client finally got. Set when the exchange is settled. */
export interface OutcomeState {
  readonly status: number;
  /** The stable error code when the proxy refused or failed the request. */
  readonly errorCode?: string;
  /** Internal description of the failure, for the audit record; never contains credentials. */
  readonly errorMessage?: string;
}

/** A buffered response handed to `onResponse` hooks (gate and amend, used by policy stages). */
export interface BufferedResponse {
  readonly exchange: Exchange;
  readonly status: number;
  readonly body: unknown;
}

export type ResponseHook = (response: BufferedResponse) => Promise<unknown> | unknown;
export type EventObserver = (event: SseEvent) => void;
export type ChunkObserver = (chunk: Buffer) => void;
export type BodyObserver = (body: unknown) => void;

export interface ExchangeOptions {
  readonly clock?: Clock;
  /** A body an earlier middleware already parsed. */
  readonly preParsedBody?: PreParsedBody;
}

/**
 * One request's journey through the pipeline. Framework-agnostic: built on Node's request and
 * response, which Express and Koa both sit on. Each stage fills one typed slot.
 */
export class Exchange {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly clock: Clock;
  readonly request: RequestState;
  readonly timings: Timings;
  readonly interventions: string[] = [];

  agent: IdentityState | undefined;
  route: RouteState | undefined;
  credentials: CredentialsState | undefined;
  response: ResponseState | undefined;
  usage: UsageState | undefined;
  cost: CostState | undefined;
  outcome: OutcomeState | undefined;

  #preParsed: PreParsedBody | undefined;
  #raw: Buffer | undefined;
  #bodyChanged = false;
  #bodyRead: Promise<JsonObject> | undefined;
  #stages: string[] = [];
  #eventObservers: EventObserver[] | undefined;
  #chunkObservers: ChunkObserver[] | undefined;
  #bodyObservers: BodyObserver[] | undefined;
  #responseHooks: ResponseHook[] | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, options: ExchangeOptions = {}) {
    this.req = req;
    this.res = res;
    this.clock = options.clock ?? systemClock;
    this.#preParsed = options.preParsedBody;
    this.timings = { received: this.clock.now() };
    this.id = requestIdFrom(req.headers['x-request-id']);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    this.request = {
      method: req.method ?? 'GET',
      path,
      query: q === -1 ? '' : url.slice(q),
      headers: req.headers,
      format: detectFormat(path),
      body: undefined,
      bodyBytes: 0,
      stream: false,
      model: undefined,
    };
    publish('requestStart', this);
  }

  /**
   * Reads and parses the JSON body once; later calls return the same object. The first caller's
   * `maxBytes` applies.
   */
  readBody(maxBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<JsonObject> {
    this.#bodyRead ??= readJsonBody(this.req, maxBytes, this.#preParsed).then((parsed) => {
      const { json } = parsed;
      this.#raw = parsed.raw;
      this.request.body = json;
      this.request.bodyBytes = parsed.bytes;
      this.request.stream = json['stream'] === true;
      const model = json['model'];
      this.request.model = typeof model === 'string' && model.trim() !== '' ? model.trim() : undefined;
      return json;
    });
    return this.#bodyRead;
  }

  /** Call after changing `request.body`, so the upstream gets the new JSON instead of the original bytes. */
  markBodyChanged(): void {
    this.#bodyChanged = true;
  }

  /** The bytes to send upstream: the original ones when no stage changed the body. */
  upstreamBody(): Buffer {
    if (!this.#bodyChanged && this.#raw !== undefined) return this.#raw;
    return Buffer.from(JSON.stringify(this.request.body ?? {}), 'utf8');
  }

  /** Records a governance decision (`budget_exceeded`, `policy_amended`, …) for the audit record. */
  intervene(reason: string): void {
    this.interventions.push(reason);
  }

  // ---- stage bookkeeping (used by compose and the adapters to check `requires`) ----

  hasStage(name: string): boolean {
    return this.#stages.includes(name);
  }

  markStage(name: string): void {
    this.#stages.push(name);
  }

  /** Names of the stages that have run, in order. */
  get stages(): readonly string[] {
    return this.#stages;
  }

  // ---- response hooks, called by forward() ----

  /** Observe parsed SSE events. Observers run after the chunk carrying the event was written. */
  onEvent(observer: EventObserver): void {
    (this.#eventObservers ??= []).push(observer);
  }

  /** Observe raw response bytes as they are relayed. Never delays a chunk. */
  onChunk(observer: ChunkObserver): void {
    (this.#chunkObservers ??= []).push(observer);
  }

  /** Observe the parsed JSON body of a non-streamed response once it is complete. */
  onBody(observer: BodyObserver): void {
    (this.#bodyObservers ??= []).push(observer);
  }

  /**
   * Gate or amend a non-streamed response before the client sees it. Registering one makes
   * `forward()` buffer JSON responses; a hook may throw a `CllamaError` to refuse the response or
   * return a replacement body.
   */
  onResponse(hook: ResponseHook): void {
    (this.#responseHooks ??= []).push(hook);
  }

  get eventObservers(): readonly EventObserver[] | undefined {
    return this.#eventObservers;
  }

  get chunkObservers(): readonly ChunkObserver[] | undefined {
    return this.#chunkObservers;
  }

  get bodyObservers(): readonly BodyObserver[] | undefined {
    return this.#bodyObservers;
  }

  get responseHooks(): readonly ResponseHook[] | undefined {
    return this.#responseHooks;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is a plain token (so logs join up), otherwise mints one. */
function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
