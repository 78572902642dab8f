// The small IPC protocol between the benchmark runner and its child processes. Measuring inside the
// child (process.cpuUsage, memoryUsage after a forced GC) is what makes per-process CPU and RSS
// figures honest: the load generator's own work never lands in them.

export type ControlRequest =
  | { readonly id: number; readonly op: 'cpu' }
  | { readonly id: number; readonly op: 'mem'; readonly gc: boolean }
  | { readonly id: number; readonly op: 'exit' };

export interface CpuReply {
  readonly userUs: number;
  readonly systemUs: number;
}

export interface MemReply {
  readonly rss: number;
  readonly heapUsed: number;
  /** Heap the V8 has committed: pages it keeps after a GC still count in RSS. */
  readonly heapTotal: number;
  readonly external: number;
}

export type ControlReply = { readonly id: number } & (CpuReply | MemReply | { readonly ok: true });

export interface ReadyMessage {
  readonly ready: true;
  readonly port: number;
}

type GcFunction = () => void;

/** Collects twice: the second pass frees what finalizers of the first released. */
function collect(): void {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (gc === undefined) return;
  gc();
  gc();
}

/** Child side: answers the runner's measurement requests. Call once, after the server listens. */
export function serveControl(onExit: () => Promise<void>): void {
  process.on('message', (message: ControlRequest) => {
    const reply = (body: CpuReply | MemReply | { ok: true }): void => {
      process.send?.({ id: message.id, ...body });
    };
    if (message.op === 'cpu') {
      const { user, system } = process.cpuUsage();
      reply({ userUs: user, systemUs: system });
    } else if (message.op === 'mem') {
      if (message.gc) collect();
      const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
      reply({ rss, heapUsed, heapTotal, external });
    } else {
      // process.exit (not a signal) so that --cpu-prof writes its profile.
      void onExit().finally(() => {
        reply({ ok: true });
        setTimeout(() => process.exit(0), 20);
      });
    }
  });
  // The runner died: do not linger as an orphan holding a port.
  process.on('disconnect', () => process.exit(0));
}

/** Child side: tells the runner where it listens. */
export function announceReady(port: number): void {
  const message: ReadyMessage = { ready: true, port };
  process.send?.(message);
}
