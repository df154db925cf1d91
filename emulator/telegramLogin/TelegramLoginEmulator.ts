import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, type JWK, SignJWT } from 'jose';

/** Options of {@link TelegramLoginEmulator.start}; every one has a default. */
export interface TelegramLoginEmulatorOptions {
  /** The Web Login client (@BotFather › Bot Settings › Web Login). @default '1234567' / 'emu-login-secret' */
  clientId?: string;
  clientSecret?: string;
  /** Allowed redirect URLs; empty allows any (a test that does not care). @default [] */
  redirectUris?: string[];
  /**
   * The host the provider listens on and names itself by. `localhost` by default, so that a
   * dashboard on 127.0.0.1 is another *site*: the way back from the provider is then a
   * cross-site navigation, as from oauth.telegram.org, and SameSite rules apply as they would.
   * @default 'localhost'
   */
  host?: string;
  /** ms clock for iat/exp and code expiry. @default Date.now */
  clock?: () => number;
}

/** Who confirms the next sign-in in "Telegram", and how the ID token comes out (for the refusal tests). */
export interface LoginConsent {
  id: number;
  name?: string;
  /** Sign the ID token with a key the JWKS does not publish. */
  unknownKey?: boolean;
  /** Claims to override (iss, aud, exp, nonce…) or remove (`undefined`). */
  claims?: Record<string, unknown>;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  consent: LoginConsent;
  expiresAt: number;
}

/**
 * "Log In With Telegram" (OpenID Connect) as ../shared/reference/telegram-stars-login-webhooks.md
 * §4 describes it: discovery, `/auth` (the user's confirmation is scripted with
 * {@link consentNext}; none means the user declined: `error=access_denied`), `/token` (Basic
 * auth, authorization code once, PKCE S256 checked), `/.well-known/jwks.json`. The ID token is
 * RS256 with kid `oidc-1` and carries `sub` (opaque) and `id` (the Telegram user id); the JWKS
 * also publishes ES256, EdDSA and the ES256K (secp256k1, kid `oidc-es256k-1`) key that breaks
 * go-jose-based clients, so a client that cannot skip it fails here as it would there.
 */
export class TelegramLoginEmulator {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Every /token request's outcome, for assertions. */
  readonly tokenRequests: { status: number; error?: string }[] = [];

  readonly #server: Server;
  readonly #redirectUris: string[];
  readonly #clock: () => number;
  readonly #codes = new Map<string, IssuedCode>();
  readonly #signingKey: KeyObject;
  readonly #unknownKey: KeyObject;
  readonly #jwks: JWK[];
  #issuer = '';
  #consent: LoginConsent | undefined;

  private constructor(server: Server, o: Required<Omit<TelegramLoginEmulatorOptions, 'host'>>, keys: { signing: KeyObject; unknown: KeyObject; jwks: JWK[] }) {
    this.#server = server;
    this.clientId = o.clientId;
    this.clientSecret = o.clientSecret;
    this.#redirectUris = o.redirectUris;
    this.#clock = o.clock;
    this.#signingKey = keys.signing;
    this.#unknownKey = keys.unknown;
    this.#jwks = keys.jwks;
  }

  /** Starts the provider on a free port. */
  static async start(options: TelegramLoginEmulatorOptions = {}): Promise<TelegramLoginEmulator> {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const unknown = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const ed = generateKeyPairSync('ed25519');
    const jwks: JWK[] = [
      { ...await exportJWK(rsa.publicKey), kid: 'oidc-1', alg: 'RS256', use: 'sig' },
      { ...k1.publicKey.export({ format: 'jwk' }) as JWK, kid: 'oidc-es256k-1', alg: 'ES256K', use: 'sig' },
      { ...await exportJWK(ec.publicKey), kid: 'oidc-es256-1', alg: 'ES256', use: 'sig' },
      { ...await exportJWK(ed.publicKey), kid: 'oidc-eddsa-1', alg: 'EdDSA', use: 'sig' },
    ];
    let emulator: TelegramLoginEmulator | undefined;
    const server = createServer((req, res) => void emulator!.#handle(req, res));
    emulator = new TelegramLoginEmulator(server, {
      clientId: options.clientId ?? '1234567', clientSecret: options.clientSecret ?? 'emu-login-secret',
      redirectUris: options.redirectUris ?? [], clock: options.clock ?? Date.now,
    }, { signing: rsa.privateKey, unknown: unknown.privateKey, jwks });
    const host = options.host ?? 'localhost';
    await new Promise<void>((resolve) => server.listen(0, host === 'localhost' ? '127.0.0.1' : host, resolve));
    emulator.#issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
    return emulator;
  }

  /** The issuer (TELEGRAM_LOGIN_ISSUER): `http://localhost:<port>`. */
  get issuer(): string {
    return this.#issuer;
  }

  /** The next /auth is confirmed by this user (once). Without it, the user declines. */
  consentNext(consent: LoginConsent): void {
    this.#consent = consent;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#issuer);
    const json = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: this.#issuer, authorization_endpoint: `${this.#issuer}/auth`, token_endpoint: `${this.#issuer}/token`,
        jwks_uri: `${this.#issuer}/.well-known/jwks.json`, response_types_supported: ['code'], subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256', 'ES256', 'ES256K', 'EdDSA'], scopes_supported: ['openid', 'profile', 'phone', 'telegram:bot_access'],
        code_challenge_methods_supported: ['S256'], token_endpoint_auth_methods_supported: ['client_secret_basic'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') return json(200, { keys: this.#jwks });
    if (req.method === 'GET' && url.pathname === '/auth') return this.#authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === '/token') return json(...await this.#token(req));
    json(404, { error: 'not_found' });
  }

  #authorize(q: URLSearchParams, res: ServerResponse): void {
    const redirectUri = q.get('redirect_uri') ?? '';
    // Errors before the redirect URL is trusted are shown to the user, never sent back.
    const page = (text: string) => void res.writeHead(400, { 'content-type': 'text/plain' }).end(text);
    if (q.get('client_id') !== this.clientId) return page('invalid client_id');
    if (!/^https?:\/\//.test(redirectUri) || (this.#redirectUris.length > 0 && !this.#redirectUris.includes(redirectUri))) return page('redirect_uri is not allowed');
    const back = new URL(redirectUri);
    if (q.get('state')) back.searchParams.set('state', q.get('state')!);
    const fail = (error: string) => {
      back.searchParams.set('error', error);
      res.writeHead(302, { location: back.toString() }).end();
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type');
    if (!(q.get('scope') ?? '').split(' ').includes('openid')) return fail('invalid_scope');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return fail('invalid_request');
    const consent = this.#consent;
    this.#consent = undefined;
    if (!consent) return fail('access_denied');
    const code = randomBytes(16).toString('base64url');
    this.#codes.set(code, {
      clientId: this.clientId, redirectUri, challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? undefined, consent, expiresAt: this.#clock() + 60_000,
    });
    back.searchParams.set('code', code);
    res.writeHead(302, { location: back.toString() }).end();
  }

  async #token(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const outcome = (status: number, body: Record<string, unknown>): [number, unknown] => {
      this.tokenRequests.push({ status, error: typeof body.error === 'string' ? body.error : undefined });
      return [status, body];
    };
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent) : [];
    if (id !== this.clientId || secret !== this.clientSecret) return outcome(401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code') return outcome(400, { error: 'unsupported_grant_type' });
    const code = this.#codes.get(form.get('code') ?? '');
    this.#codes.delete(form.get('code') ?? ''); // once, even when the rest is wrong
    if (!code || code.expiresAt < this.#clock() || code.redirectUri !== form.get('redirect_uri')) return outcome(400, { error: 'invalid_grant' });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return outcome(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    const now = Math.floor(this.#clock() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.#issuer, aud: code.clientId, sub: createHash('sha256').update(`sub:${code.consent.id}`).digest('hex').slice(0, 24),
      id: code.consent.id, name: code.consent.name ?? 'Emulated User', iat: now, exp: now + 3600, ...(code.nonce ? { nonce: code.nonce } : {}),
      ...code.consent.claims,
    };
    for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
    const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'oidc-1', typ: 'JWT' })
      .sign(code.consent.unknownKey ? this.#unknownKey : this.#signingKey);
    return outcome(200, { access_token: randomBytes(16).toString('base64url'), token_type: 'Bearer', expires_in: 3600, id_token: idToken, scope: 'openid profile' });
  }
}
