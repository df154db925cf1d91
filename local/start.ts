import { ConfigError } from '../shared/config/parseEnv.js';
import { createLogger } from '../shared/logger.js';
import { parseLocalConfig } from './localConfig.js';
import { PortInUseError } from './PortInUseError.js';
import { startApp } from './startApp.js';
import { WebhookIsSetError } from './WebhookIsSetError.js';

// `npm start`: the whole product in one process. See local/startApp.ts.
let config;
try {
  config = parseLocalConfig(process.env, process.argv.slice(2));
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const log = createLogger({ level: config.logLevel, name: 'local' });
let app;
try {
  app = await startApp(config, log);
} catch (err) {
  if (err instanceof PortInUseError) process.stderr.write(`npm start: ${err.message}\n`); // one line, no stack: nothing is broken
  else if (err instanceof WebhookIsSetError) log.fatal(err.message);
  else log.fatal({ err }, 'npm start could not start');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    app.stop().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'unclean stop');
      process.exit(1);
    });
  });
}
