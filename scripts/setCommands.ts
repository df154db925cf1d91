import { Api } from 'grammy';
import * as z from 'zod';
import { parseBotSettings } from '../shared/bot/parseBotSettings.js';
import { setBotCommands } from '../shared/bot/setBotCommands.js';
import { ConfigError } from '../shared/config/parseEnv.js';
import { allModules } from '../shared/modules/index.js';
import { createLogger } from '../shared/logger.js';

// `npm run set-commands`: sets the bot's command menu in English (the default) and Russian, and
// each admin's (ADMIN_TELEGRAM_IDS) with the admin commands, in their chat only. Run it after
// deploying a change to the commands, their descriptions or the admins.
const log = createLogger({ name: 'set-commands' });
const env = z.object({
  TELEGRAM_BOT_TOKEN: z.string().min(1, 'TELEGRAM_BOT_TOKEN is required (from @BotFather)'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
}).safeParse(process.env);
if (!env.success) {
  log.fatal(env.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; '));
  process.exit(1);
}
let adminIds: readonly number[];
try {
  adminIds = parseBotSettings(process.env).adminTelegramIds;
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  log.fatal(err.message);
  process.exit(1);
}
try {
  const { adminsSkipped } = await setBotCommands(new Api(env.data.TELEGRAM_BOT_TOKEN, { apiRoot: env.data.TELEGRAM_API_ROOT }), allModules, { adminIds, log });
  log.info({ admins: adminIds.length - adminsSkipped.length, admins_skipped: adminsSkipped }, 'command menu set (en default, ru; admin commands in the admins\' chats)');
} catch (err) {
  log.fatal({ err }, 'could not set the command menu');
  process.exitCode = 1;
}
