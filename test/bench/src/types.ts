import type { Server } from 'node:http';

/** Where a target's child process finds the fake upstream and its scratch space. */
export interface BuildContext {
  /** `http://127.0.0.1:<port>` */
  readonly upstreamOrigin: string;
  /** Scratch directory for audit files; removed after the run. */
  readonly workDir: string;
  /** Agents in the static identity map (1 for the rounds, 10 000 for the per-agent state test). */
  readonly agentCount: number;
}

/** How the load client authenticates to a target. */
export type AuthKind = 'provider-key' | 'agent-token' | 'portkey';

/** How a target is started. */
export type Launch =
  /** No proxy: the client talks to the fake upstream itself. */
  | { readonly kind: 'upstream' }
  /** A server built by `build` inside `dist/servers/target-main.js`, one process per target. */
  | { readonly kind: 'child'; readonly build: (ctx: BuildContext) => Server | Promise<Server> }
  /** A third-party server started as a command (Portkey). */
  | { readonly kind: 'command'; readonly argv: (port: number) => readonly string[] };

export interface TargetSpec {
  readonly id: string;
  readonly label: string;
  /** Framework, for the ratio against the bare passthrough in the same one. */
  readonly framework: 'none' | 'node' | 'express' | 'koa' | 'hono';
  /** Id of the bare passthrough this target's throughput and latency are compared with. */
  readonly baseline: string;
  /** Path prefix in front of `/v1/chat/completions`. */
  readonly mount: string;
  readonly auth: AuthKind;
  /** False when the target cannot stream here (the reason goes in `note`). */
  readonly streams: boolean;
  /** True for the cllama pipeline: these are checked against the targets. */
  readonly pipeline?: boolean;
  readonly note?: string;
  readonly launch: Launch;
}
