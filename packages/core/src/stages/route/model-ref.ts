import { ConfigurationError } from '../../errors.js';

/** A model reference split into the registry name and the model the upstream receives. */
export interface ModelRef {
  readonly provider: string;
  readonly model: string;
}

/**
 * Splits `provider/model` on the FIRST `/`: the provider is lower-cased, the rest kept verbatim, so
 * `openrouter/anthropic/claude-sonnet-4` → `openrouter` + `anthropic/claude-sonnet-4`. Returns
 * `undefined` when there is no `/` or either side is empty.
 */
export function splitModelRef(ref: string): ModelRef | undefined {
  const text = ref.trim();
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) return undefined;
  return { provider: text.slice(0, slash).toLowerCase(), model: text.slice(slash + 1) };
}

/** `provider/model` with the provider lower-cased; a bare model is returned trimmed. */
export function canonicalRef(ref: string): string {
  const split = splitModelRef(ref);
  return split === undefined ? ref.trim() : `${split.provider}/${split.model}`;
}

/**
 * A model route. `match` is a glob over `/`-separated segments: a literal segment matches itself,
 * `*` matches exactly one non-empty segment, `**` (at most once per pattern) matches one or more
 * segments. Wildcards must be whole segments (`gpt-*` is refused). The first segment is compared
 * lower-cased, like the provider part of a model. `kimi/*` matches `kimi/k2` but not `kimi`,
 * `kimi/a/b` or `kimi-evil/x`.
 *
 * `model` is the upstream model: `{0}` is the whole requested model, `{1}`, `{2}`, … the text each
 * wildcard matched, in order. Without `model` the upstream gets the requested model unchanged.
 */
export interface ModelRoute {
  readonly match: string;
  /** A registry name. */
  readonly provider: string;
  readonly model?: string;
}

/** What a route resolves a model to. */
export interface RoutedModel extends ModelRef {
  readonly route: string;
}

export type RouteMatcher = (model: string) => RoutedModel | undefined;

/**
 * Compiles routes once; the matcher tries them in order and the first match wins.
 *
 * @example
 * const match = compileRoutes([{ match: 'kimi/*', provider: 'openrouter', model: 'moonshotai/{1}' }]);
 * match('kimi/kimi-k2'); // { provider: 'openrouter', model: 'moonshotai/kimi-k2', route: 'kimi/*' }
 * match('kimi-evil/x'); // undefined
 */
export function compileRoutes(routes: readonly ModelRoute[]): RouteMatcher {
  if (!Array.isArray(routes)) throw new ConfigurationError('routes must be an array');
  const compiled = routes.map(compileRoute);
  return (model) => {
    const subject = lowerFirstSegment(model.trim());
    for (const route of compiled) {
      const found = route(subject);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

function compileRoute(route: ModelRoute, index: number): (subject: string) => RoutedModel | undefined {
  const where = `routes[${index}]`;
  if (typeof route !== 'object' || route === null) throw new ConfigurationError(`${where} must be an object`);
  const { match, provider, model } = route;
  if (typeof match !== 'string' || match.trim() === '') throw new ConfigurationError(`${where}.match must be a non-empty string`);
  if (typeof provider !== 'string' || provider.trim() === '') throw new ConfigurationError(`${where}.provider must be a non-empty string`);
  const segments = lowerFirstSegment(match.trim()).split('/');
  let wildcards = 0;
  let doubles = 0;
  const parts = segments.map((segment) => {
    if (segment === '') throw new ConfigurationError(`${where}.match "${match}" has an empty segment`);
    if (segment === '*' || segment === '**') {
      wildcards += 1;
      if (segment === '**') doubles += 1;
      return segment === '*' ? '([^/]+)' : '([^/]+(?:/[^/]+)*)';
    }
    if (segment.includes('*')) throw new ConfigurationError(`${where}.match "${match}": wildcards must be whole segments`);
    return escapeRegExp(segment);
  });
  if (doubles > 1) throw new ConfigurationError(`${where}.match "${match}": "**" may appear only once`);
  const pattern = new RegExp(`^${parts.join('/')}$`);
  const template = parseTemplate(model ?? '{0}', wildcards, where);
  const target = provider.trim().toLowerCase();
  return (subject) => {
    const m = pattern.exec(subject);
    if (m === null) return undefined;
    const upstream = template.map((piece) => (typeof piece === 'number' ? m[piece]! : piece)).join('');
    return { provider: target, model: upstream, route: match };
  };
}

/** Splits a template into literal text and capture indexes; `{n}` must name an existing wildcard. */
function parseTemplate(template: string, wildcards: number, where: string): (string | number)[] {
  if (typeof template !== 'string' || template.trim() === '') throw new ConfigurationError(`${where}.model must be a non-empty string`);
  const pieces: (string | number)[] = [];
  const re = /\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : NaN;
    if (!(n <= wildcards)) throw new ConfigurationError(`${where}.model: "{${m[1]}}" does not name a wildcard (0-${wildcards})`);
    pieces.push(template.slice(last, m.index), n);
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  if (/[{}]/.test(tail) || pieces.some((p) => typeof p === 'string' && /[{}]/.test(p))) {
    throw new ConfigurationError(`${where}.model: unbalanced brace`);
  }
  pieces.push(tail);
  return pieces.filter((p) => p !== '');
}

function lowerFirstSegment(text: string): string {
  const slash = text.indexOf('/');
  return slash === -1 ? text.toLowerCase() : text.slice(0, slash).toLowerCase() + text.slice(slash);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
