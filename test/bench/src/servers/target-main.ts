// Child-process entry for one target: `node target-main.js <target-id> <BuildContext JSON>`.
// Each target gets its own process so the load generator never shares its event loop, and so CPU
// and RSS can be read for that target alone.
import type { Server } from 'node:http';
import { announceReady, serveControl } from '../proc/control.js';
import { targetById } from '../targets.js';
import type { BuildContext } from '../types.js';

async function main(): Promise<void> {
  const [id, contextJson] = process.argv.slice(2);
  if (id === undefined || contextJson === undefined) throw new Error('usage: target-main <target-id> <context-json>');
  const target = targetById(id);
  if (target.launch.kind !== 'child') throw new Error(`target "${id}" is not built in a child process`);
  const ctx = JSON.parse(contextJson) as BuildContext;
  const server: Server = await target.launch.build(ctx);
  // Same keep-alive as the upstream: the runner's clients may sit idle between phases.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('target has no port');
  serveControl(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  announceReady(address.port);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
