// @cllama/core: the exchange, the stage contract, every stage, and what they are built from.
// No Express, Koa or OpenTelemetry import anywhere in this package.

export { Exchange } from './exchange.js';
export type {
  BodyObserver, BufferedResponse, ChunkObserver, Completion, EventObserver, ExchangeOptions,
  OutcomeState, RequestState, ResponseHook, ResponseState, Timings,
} from './exchange.js';
export { defineStage, runStage } from './stage.js';
export { endExchange, settleOutcome } from './lifecycle.js';
export type { Next, Stage, StageFunction, StageMeta } from './stage.js';
export { compose } from './compose.js';
export { gateway, gatewayStages } from './gateway.js';
export type { GatewayOptions } from './gateway.js';

export {
  AuthenticationError, CllamaError, ConfigurationError, InternalError, InvalidRequestError, NotFoundError,
  PayloadTooLargeError, PermissionDeniedError, RateLimitError, ServiceUnavailableError, UpstreamError,
  UpstreamTimeoutError, toCllamaError,
} from './errors.js';
export type { CllamaErrorOptions, ErrorKind } from './errors.js';
export { renderError, clientMessage } from './http/render-error.js';
export { DEFAULT_MAX_BODY_BYTES } from './http/body.js';
export type { ParsedBody, PreParsedBody } from './http/body.js';

export { channels, publish, publishError } from './diagnostics.js';
export type { ChannelName, ErrorMessage, ExchangeMessage } from './diagnostics.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { jsonLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { Secret } from './secret.js';

export { FORMATS, detectFormat } from './formats/index.js';
export type {
  BodyReading, FormatName, JsonObject, ProviderApi, StreamReader, UsageReading, WireFormat,
} from './formats/types.js';
export { createSseParser } from './sse/parser.js';
export type { SseParser } from './sse/parser.js';
export type { SseEvent } from './sse/event.js';

export { identity } from './stages/identity/identity.js';
export type { IdentityOptions, IdentitySource } from './stages/identity/identity.js';
export { contextDirResolver } from './stages/identity/resolvers/context-dir.js';
export type { ContextDirResolverOptions } from './stages/identity/resolvers/context-dir.js';
export { staticMapResolver } from './stages/identity/resolvers/static-map.js';
export type { StaticAgent } from './stages/identity/resolvers/static-map.js';
export type {
  AgentBudgetSpec, AgentRecord, AgentResolver, AllowedModel, IdentityState, ModelPolicy,
} from './stages/identity/types.js';

export { route } from './stages/route/route.js';
export type { RouteOptions } from './stages/route/route.js';
export { createRegistry } from './stages/route/registry.js';
export type { AuthInput, ProviderInput, ProviderKeyInput, Registry, RegistryOptions } from './stages/route/registry.js';
export { loadProvidersFile, parseProvidersFile } from './stages/route/providers-file.js';
export { providersFromEnv } from './stages/route/providers-env.js';
export type { ModelRoute } from './stages/route/model-ref.js';
export type { AuthScheme, KeyState, ProviderConfig, ProviderKey, RouteState } from './stages/route/types.js';

export { credentials } from './stages/credentials/credentials.js';
export type { CredentialsOptions } from './stages/credentials/credentials.js';
export type { CredentialsState } from './stages/credentials/types.js';

export { models } from './stages/models/models.js';
export type { ModelsOptions } from './stages/models/models.js';

export { usage } from './stages/usage/usage.js';
export type { UsageOptions } from './stages/usage/usage.js';
export { createPriceBook } from './stages/usage/pricing.js';
export type { PriceBook, PriceBookOptions, RateCard, Rates } from './stages/usage/pricing.js';
export type { CostState, PricingStatus, UsageSource, UsageState } from './stages/usage/types.js';

export { forward } from './stages/forward/forward.js';
export type { ForwardOptions } from './stages/forward/forward.js';
export { httpProxyMiddlewareTransport } from './stages/forward/hpm-transport.js';
export type { HpmTransportOptions } from './stages/forward/hpm-transport.js';
export { undiciTransport } from './stages/forward/undici-transport.js';
export type { UndiciTransportOptions } from './stages/forward/undici-transport.js';
export type { Transport, UpstreamRequest, UpstreamResponse } from './stages/forward/transport.js';

export { audit } from './stages/audit/audit.js';
export type { AuditOptions } from './stages/audit/audit.js';
export type { AuditRecord } from './stages/audit/record.js';
export type { AuditSink, AuditSinkInput } from './stages/audit/sink.js';
export { fileSink, jsonLinesSink, stdoutSink } from './stages/audit/sinks/json-lines.js';
export { costLedger } from './stages/audit/sinks/cost-ledger.js';
export type { CostLedger, CostsSnapshot, ModelCosts } from './stages/audit/sinks/cost-ledger.js';
