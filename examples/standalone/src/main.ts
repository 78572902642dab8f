// `npm start`: the standalone, cllama-compatible gateway. Audit records go to stdout as JSON lines;
// everything meant for the operator goes to stderr.
import { jsonLogger } from '@cllama/express';
import { readConfig, StartupError } from './config.js';
import { demoCurl } from './demo.js';
import { startGateway } from './server.js';

const logger = jsonLogger();

try {
  const config = readConfig(process.env);
  const gateway = await startGateway(config, { logger });
  const say = (line: string): boolean => process.stderr.write(`${line}\n`);
  say(`cllama gateway listening on ${gateway.apiUrl} (dashboard ${gateway.uiUrl})`);
  if (gateway.demo) {
    say('');
    say('No agents configured (CLAW_CONTEXT_ROOT), so this is the demo: agent "demo" and the built-in');
    say('mock provider (models mock/echo, mock/echo-mini). Try:');
    say('');
    say(`  ${demoCurl(gateway.apiUrl, gateway.demo.token)}`);
    say('');
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    void gateway.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof StartupError || (error as Error).name === 'ConfigurationError') {
    process.stderr.write(`cllama: ${(error as Error).message}\n`);
    process.exit(2);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`cllama: ${(error as Error).message}; set LISTEN_ADDR / UI_ADDR to free ports\n`);
    process.exit(2);
  }
  throw error;
}
