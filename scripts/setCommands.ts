import { Api } from 'grammy';
import * as z from 'zod';
import { setBotCommands } from '../shared/bot/setBotCommands.js';
import { allModules } from '../shared/modules/index.js';
import { createLogger } from '../shared/logger.js';

// `npm run set-commands`: sets the bot's command menu in English (the default) and Russian.
// Run it after deploying a change to the commands or their descriptions.
const log = createLogger({ name: 'set-commands' });
const env = z.object({
  TELEGRAM_BOT_TOKEN: z.string().min(1, 'TELEGRAM_BOT_TOKEN is required (from @BotFather)'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
}).safeParse(process.env);
if (!env.success) {
  log.fatal(env.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '));
  process.exit(1);
}
try {
  await setBotCommands(new Api(env.data.TELEGRAM_BOT_TOKEN, { apiRoot: env.data.TELEGRAM_API_ROOT }), allModules);
  log.info('command menu set (en default, ru)');
} catch (err) {
  log.fatal({ err }, 'could not set the command menu');
  process.exitCode = 1;
}
