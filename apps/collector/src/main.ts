import pino from 'pino';
import { TradewatchError } from '@tradewatch/models';
import { loadConfig } from './app/config';
import { startCollector } from './app/server';

/** The collector service: configuration, start-up and graceful shutdown. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof TradewatchError && error.code === 'config_invalid') {
      process.stderr.write(`collector: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = pino({ name: 'collector', level: config.logLevel });
  // Handlers go in before start-up, so a signal that arrives while starting is not fatal: the
  // service finishes starting (schema, sockets) and then shuts down in order.
  const started = startCollector(config, logger).catch((error: Error) => {
    logger.fatal({ err: error }, `start-up failed: ${error.message}`);
    process.exit(1);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: stopping collectors and draining');
    // A second signal while draining means "now".
    process.once(signal, () => process.exit(1));
    started
      .then((running) => running.stop())
      .then((drained) => {
        logger.info({ drained }, 'stopped');
        process.exit(drained ? 0 : 1);
      })
      .catch((error: Error) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await started;
}

void main();
