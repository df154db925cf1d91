import * as z from 'zod';
import { parseEnv } from '../config/parseEnv.js';
import type { SignInLimit } from './signInAttempts.js';

/** The admin dashboard's configuration (`api/admin.ts` and `npm start` parse it once). */
export interface DashboardConfig {
  /** TELEGRAM_BOT_TOKEN: the Login Widget's signatures are checked with SHA-256 of it. Unset: the widget is refused. */
  botToken?: string;
  /** TELEGRAM_BOT_USERNAME (without @): the Login Widget's button names the bot. Unset: no widget button. */
  botUsername?: string;
  /** ADMIN_TELEGRAM_IDS: full access (as are users with `users.is_admin`). */
  adminIds: readonly number[];
  /** DASHBOARD_VIEWER_TELEGRAM_IDS: may look at everything and change nothing. */
  viewerIds: readonly number[];
  /**
   * "Log In With Telegram" (OpenID Connect): TELEGRAM_LOGIN_CLIENT_ID and _SECRET from @BotFather's
   * Web Login; TELEGRAM_LOGIN_ISSUER default `https://oauth.telegram.org` (tests point it at the emulator).
   * Unset client id: the button is not shown and the routes refuse.
   */
  oidc?: { issuer: string; clientId: string; clientSecret: string };
  /**
   * DASHBOARD_ORIGIN (`https://bot.example.com`): the origin state-changing requests must come
   * from, and the base of the OpenID redirect URL. Unset: the request's own Host (and
   * x-forwarded-proto), which is right behind Vercel and on localhost.
   */
  origin?: string;
  /** DASHBOARD_SESSION_MINUTES: how long a sign-in lasts. Default 120. */
  sessionMinutes: number;
  /** DASHBOARD_LOGIN_MAX_AGE_SECONDS: the oldest Login Widget `auth_date` accepted. Default 86,400 (a day). */
  loginMaxAgeSeconds: number;
  /**
   * DASHBOARD_SIGN_IN_ATTEMPTS per DASHBOARD_SIGN_IN_WINDOW_MINUTES: the sign-in attempts one
   * client address may make (a sliding window; a sign-in that succeeds does not count). Past it
   * the sign-in routes answer 429 with Retry-After and do nothing else. Default 10 per 10 minutes:
   * a person who mistypes or retries a few times never meets it, a script is down to one try a minute.
   */
  signInLimit: SignInLimit;
}

const ids = (name: string) => z.string()
  .regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, `${name} must be Telegram user ids separated by commas`).default('')
  .transform((s) => s.split(',').map((id) => id.trim()).filter(Boolean).map(Number));

const DashboardEnv = z.object({
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'TELEGRAM_BOT_TOKEN does not look like a bot token').optional(),
  TELEGRAM_BOT_USERNAME: z.string().regex(/^@?[A-Za-z0-9_]{5,32}$/, 'TELEGRAM_BOT_USERNAME must be the bot\'s @username').optional(),
  ADMIN_TELEGRAM_IDS: ids('ADMIN_TELEGRAM_IDS'),
  DASHBOARD_VIEWER_TELEGRAM_IDS: ids('DASHBOARD_VIEWER_TELEGRAM_IDS'),
  TELEGRAM_LOGIN_CLIENT_ID: z.string().min(1).optional(),
  TELEGRAM_LOGIN_CLIENT_SECRET: z.string().min(1).optional(),
  TELEGRAM_LOGIN_ISSUER: z.url('TELEGRAM_LOGIN_ISSUER must be a URL').default('https://oauth.telegram.org'),
  DASHBOARD_ORIGIN: z.url('DASHBOARD_ORIGIN must be a URL such as https://bot.example.com').optional(),
  DASHBOARD_SESSION_MINUTES: z.coerce.number().int().min(1).max(24 * 60, 'DASHBOARD_SESSION_MINUTES: at most a day').default(120),
  DASHBOARD_LOGIN_MAX_AGE_SECONDS: z.coerce.number().int().min(10).max(86_400, 'DASHBOARD_LOGIN_MAX_AGE_SECONDS: at most a day').default(86_400),
  DASHBOARD_SIGN_IN_ATTEMPTS: z.coerce.number().int().min(1, 'DASHBOARD_SIGN_IN_ATTEMPTS: at least 1').max(1000).default(10),
  // At most a day: the cleanup task deletes an address's row once it has been idle for a day.
  DASHBOARD_SIGN_IN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60, 'DASHBOARD_SIGN_IN_WINDOW_MINUTES: at most a day').default(10),
}).refine((e) => !e.TELEGRAM_LOGIN_CLIENT_ID === !e.TELEGRAM_LOGIN_CLIENT_SECRET, {
  message: 'TELEGRAM_LOGIN_CLIENT_ID and TELEGRAM_LOGIN_CLIENT_SECRET go together', path: ['TELEGRAM_LOGIN_CLIENT_SECRET'],
});

/** Parses the dashboard's environment, failing with every bad variable named (ConfigError). */
export function parseDashboardConfig(env: Record<string, string | undefined>): DashboardConfig {
  const e = parseEnv(DashboardEnv, env);
  return {
    botToken: e.TELEGRAM_BOT_TOKEN,
    botUsername: e.TELEGRAM_BOT_USERNAME?.replace(/^@/, ''),
    adminIds: e.ADMIN_TELEGRAM_IDS,
    viewerIds: e.DASHBOARD_VIEWER_TELEGRAM_IDS,
    oidc: e.TELEGRAM_LOGIN_CLIENT_ID && e.TELEGRAM_LOGIN_CLIENT_SECRET
      ? { issuer: e.TELEGRAM_LOGIN_ISSUER.replace(/\/+$/, ''), clientId: e.TELEGRAM_LOGIN_CLIENT_ID, clientSecret: e.TELEGRAM_LOGIN_CLIENT_SECRET }
      : undefined,
    origin: e.DASHBOARD_ORIGIN && new URL(e.DASHBOARD_ORIGIN).origin,
    sessionMinutes: e.DASHBOARD_SESSION_MINUTES,
    loginMaxAgeSeconds: e.DASHBOARD_LOGIN_MAX_AGE_SECONDS,
    signInLimit: { attempts: e.DASHBOARD_SIGN_IN_ATTEMPTS, windowMinutes: e.DASHBOARD_SIGN_IN_WINDOW_MINUTES },
  };
}
