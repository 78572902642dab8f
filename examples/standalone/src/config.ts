import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A listen address as cllama writes it: `:8080`, `127.0.0.1:8080`, `[::1]:8080`. */
export interface ListenAddress {
  readonly host: string | undefined;
  readonly port: number;
}

/** Everything the standalone gateway reads from its environment, validated once at start. */
export interface StandaloneConfig {
  readonly listen: ListenAddress;
  readonly ui: ListenAddress;
  readonly contextRoot: string | undefined;
  readonly providersFile: string | undefined;
  readonly pod: string | undefined;
  readonly uiToken: string | undefined;
  readonly firstByteTimeoutMs: number | undefined;
  readonly idleTimeoutMs: number | undefined;
  readonly auditFile: string | undefined;
  /** True when no agents are configured: serve the built-in demo agent and mock provider. */
  readonly demo: boolean;
}

export class StartupError extends Error {}

export function parseListenAddress(value: string, name: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new StartupError(`${name}="${value}" is not a listen address like ":8080" or "127.0.0.1:8080"`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new StartupError(`${name}="${raw}" must be a positive integer (milliseconds)`);
  return value;
}

const isDir = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/**
 * Reads cllama's environment. An explicitly set `CLAW_CONTEXT_ROOT` or `CLAW_AUTH_DIR` that does not
 * exist is an error (a typo should not silently start a demo); the defaults `/claw/context` and
 * `/claw/auth` are used only when present.
 */
export function readConfig(env: NodeJS.ProcessEnv): StandaloneConfig {
  const contextRoot = env['CLAW_CONTEXT_ROOT'] || undefined;
  if (contextRoot !== undefined && !isDir(contextRoot)) {
    throw new StartupError(`CLAW_CONTEXT_ROOT="${contextRoot}" is not a directory`);
  }
  const authDir = env['CLAW_AUTH_DIR'] || undefined;
  if (authDir !== undefined && !isDir(authDir)) throw new StartupError(`CLAW_AUTH_DIR="${authDir}" is not a directory`);
  const root = contextRoot ?? (isDir('/claw/context') ? '/claw/context' : undefined);
  const auth = authDir ?? '/claw/auth';
  const file = existsSync(join(auth, 'providers.json')) ? join(auth, 'providers.json') : undefined;
  const demo = root === undefined;
  // The demo's agent token is printed on the terminal: keep the demo on loopback unless told otherwise.
  const listenDefault = demo ? '127.0.0.1:8080' : ':8080';
  const uiDefault = demo ? '127.0.0.1:8081' : ':8081';
  return {
    listen: parseListenAddress(env['LISTEN_ADDR'] || listenDefault, 'LISTEN_ADDR'),
    ui: parseListenAddress(env['UI_ADDR'] || uiDefault, 'UI_ADDR'),
    contextRoot: root,
    providersFile: file,
    pod: env['CLAW_POD'] || undefined,
    uiToken: env['CLLAMA_UI_TOKEN'] || undefined,
    firstByteTimeoutMs: positiveInt(env, 'CLLAMA_STREAM_FIRST_BYTE_TIMEOUT_MS'),
    idleTimeoutMs: positiveInt(env, 'CLLAMA_STREAM_IDLE_TIMEOUT_MS'),
    auditFile: env['CLLAMA_AUDIT_FILE'] || undefined,
    demo,
  };
}
