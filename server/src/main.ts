import { ConfigError, loadConfig, type Config } from './env.ts';
import { createLogger } from './log.ts';
import { createTandem } from './app.ts';
import { EmbeddedDbError, startEmbeddedDb, type EmbeddedDb } from './db/embedded.ts';

/** Starts Tandem: the embedded database when MONGODB_URI is unset, then the server. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);

  let embedded: EmbeddedDb | null = null;
  if (!config.mongodbUri) {
    try {
      embedded = await startEmbeddedDb({
        dataDir: config.dataDir,
        priority: config.embeddedDbPriority,
        log: (m) => log.info(m),
      });
    } catch (err) {
      if (err instanceof EmbeddedDbError) {
        console.error(err.message);
        process.exit(1);
      }
      throw err;
    }
    config = { ...config, mongodbUri: embedded.uri };
    log.info({ dataDir: config.dataDir }, 'embedded database started');
  }

  const tandem = await createTandem({ config, log, dbName: embedded ? 'tandem' : undefined });
  const url = await tandem.listen();
  log.info({ url }, 'Tandem is listening');
  console.warn(`\n  Tandem is running at ${config.publicUrl ?? url}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => process.exit(1), 20_000);
    hardStop.unref();
    try {
      await tandem.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('Tandem failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
