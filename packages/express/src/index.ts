// @cllama/express: every core stage as Express middleware, under the same names. Everything else in
// @cllama/core (registries, resolvers, sinks, errors, types) is re-exported unchanged, so one
// `import * as cllama from '@cllama/express'` is all an app needs.
import * as core from '@cllama/core';
import type { RequestHandler } from 'express';
import { toExpress } from './adapt.js';

export * from '@cllama/core';
export { toExpress, exchangeOf } from './adapt.js';

/** Verifies the agent's `<agent-id>:<secret>` token. See core `identity()`. */
export function identity(options: core.IdentityOptions): RequestHandler {
  return toExpress(core.identity(options));
}

/** Resolves `provider/model` to a registered upstream. See core `route()`. */
export function route(options: core.RouteOptions): RequestHandler {
  return toExpress(core.route(options));
}

/** Strips inbound credentials and injects the provider key. See core `credentials()`. */
export function credentials(options?: core.CredentialsOptions): RequestHandler {
  return toExpress(core.credentials(options));
}

/** Taps token usage from JSON and SSE responses and prices it. See core `usage()`. */
export function usage(options?: core.UsageOptions): RequestHandler {
  return toExpress(core.usage(options));
}

/** Sends the request upstream and streams the answer back. See core `forward()`. */
export function forward(options?: core.ForwardOptions): RequestHandler {
  return toExpress(core.forward(options));
}

/** Writes one audit record per request. Mount it first. See core `audit()`. */
export function audit(options?: core.AuditOptions): RequestHandler {
  return toExpress(core.audit(options));
}

/** Answers `GET /v1/models` with the models the agent may use. See core `models()`. */
export function models(options: core.ModelsOptions): RequestHandler {
  return toExpress(core.models(options));
}

/**
 * The whole governed passthrough as one middleware: audit, identity, route, credentials, your
 * stages, usage, forward.
 *
 * @example
 * app.use('/llm', cllama.gateway({
 *   identity: { resolve: { contextDir: '/claw/context' } },
 *   route: { registry: cllama.createRegistry() },
 * }));
 */
export function gateway(options: core.GatewayOptions): RequestHandler {
  return toExpress(core.gateway(options));
}

/** Any stages, composed and checked for order when this is called, as one middleware. */
export function pipeline(...stages: core.Stage[]): RequestHandler {
  return toExpress(core.compose(stages));
}
