// Runner side of the child processes: start, wait until listening, measure, stop.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlReply, CpuReply, MemReply, ReadyMessage } from './control.js';

export interface RunningProcess {
  readonly origin: string;
  readonly pid: number;
  /** CPU time the process used so far (µs). */
  cpu(): Promise<CpuReply>;
  /** Memory now; `gc` forces a full collection first where the process allows it. */
  mem(gc: boolean): Promise<MemReply>;
  stop(): Promise<void>;
}

/** Forks one of our own entry points and waits for its `{ ready, port }` message. */
export async function startForked(entry: string, args: readonly string[], execArgv: readonly string[] = []): Promise<RunningProcess> {
  const proc = fork(entry, [...args], { execArgv: ['--expose-gc', ...execArgv], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${entry} ${args[0] ?? ''} exited with ${String(code)} before listening`)));
    proc.once('message', (message: ReadyMessage) => resolve(message.port));
  });
  let nextId = 0;
  const call = <T>(op: 'cpu' | 'mem' | 'exit', gc = false): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = ++nextId;
      const onMessage = (reply: ControlReply): void => {
        if (reply.id !== id) return;
        proc.off('message', onMessage);
        resolve(reply as T);
      };
      proc.on('message', onMessage);
      proc.send({ id, op, gc });
    });
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: proc.pid ?? -1,
    cpu: () => call<CpuReply>('cpu'),
    mem: (gc) => call<MemReply>('mem', gc),
    stop: async () => {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      await call('exit');
      await Promise.race([exited, sleep(5000).then(() => void proc.kill('SIGKILL'))]);
    },
  };
}

/** Starts a third-party server (`node <argv>`) on a free port; CPU and RSS come from /proc. */
export async function startCommand(argv: (port: number) => readonly string[]): Promise<RunningProcess> {
  const port = await freePort();
  const proc: ChildProcess = spawn(process.execPath, [...argv(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  await waitListening(origin, proc);
  const pid = proc.pid ?? -1;
  return {
    origin,
    pid,
    cpu: async () => procCpu(pid),
    mem: async () => ({ rss: procRss(pid), heapUsed: Number.NaN, heapTotal: Number.NaN, external: Number.NaN }),
    stop: async () => {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(5000).then(() => void proc.kill('SIGKILL'))]);
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function waitListening(origin: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`command exited with ${proc.exitCode} before listening`);
    try {
      await fetch(origin, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await sleep(100);
    }
  }
  proc.kill('SIGKILL');
  throw new Error(`nothing listened on ${origin} within 20 s`);
}

/** utime + stime from /proc/<pid>/stat, in µs. Linux ticks are 10 ms: fine over a multi-second run. */
function procCpu(pid: number): CpuReply {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tickUs = 10_000;
  return { userUs: Number(fields[11]) * tickUs, systemUs: Number(fields[12]) * tickUs };
}

function procRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) * 1024;
}
