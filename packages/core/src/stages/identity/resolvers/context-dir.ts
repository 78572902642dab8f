import { readFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { ConfigurationError } from '../../../errors.js';
import { type Logger, silentLogger } from '../../../logger.js';
import { isValidAgentId } from '../agent-id.js';
import { parseAgentMetadata } from '../metadata.js';
import type { AgentRecord, AgentResolver } from '../types.js';

export interface ContextDirResolverOptions {
  /** The cllama context root; each agent has `<root>/<agent-id>/metadata.json`. */
  readonly root: string;
  /** Where unreadable metadata is reported. Default: silent. */
  readonly logger?: Logger;
}

/** Errors that mean "this agent has no context here", as opposed to "the disk is broken". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Resolves agents from a cllama context directory (`CLAW_CONTEXT_ROOT`): reads
 * `<root>/<agent-id>/metadata.json` on every call (the identity stage caches), so edits on disk take
 * effect at once. A missing directory or file, or JSON that does not parse or has mistyped fields,
 * is an unknown agent; the last two are logged as warnings naming the file (never the token). Other
 * I/O errors (permissions, EIO) are thrown, so the identity stage answers 503 instead of 401.
 *
 * @example
 * const resolve = contextDirResolver({ root: process.env.CLAW_CONTEXT_ROOT ?? '/claw/context' });
 * const record = await resolve('tiverton'); // AgentRecord | undefined
 */
export function contextDirResolver(options: ContextDirResolverOptions): AgentResolver {
  const { root, logger = silentLogger } = options ?? {};
  if (typeof root !== 'string' || root.trim() === '') {
    throw new ConfigurationError('contextDirResolver: `root` must be a non-empty directory path');
  }
  const base = resolvePath(root);

  return async function resolveFromContextDir(agentId: string): Promise<AgentRecord | undefined> {
    // The identity stage validated already; checked again because this resolver is exported on its own.
    if (!isValidAgentId(agentId)) return undefined;
    const file = join(base, agentId, 'metadata.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (ABSENT.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw error;
    }
    try {
      return parseAgentMetadata(agentId, JSON.parse(text));
    } catch (error) {
      // JSON.parse messages quote part of the input, which may be the token: log only the file and
      // the kind of problem.
      const reason = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
      logger.warn('agent metadata unreadable; treating agent as unknown', { file, agentId, reason });
      return undefined;
    }
  };
}
