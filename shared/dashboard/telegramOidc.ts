import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Where an OpenID provider's endpoints are, from its discovery document. */
interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** What a sign-in keeps between the redirect to Telegram and the way back (in an HttpOnly cookie). */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
}

/** Why an OpenID sign-in was refused; the message is safe to show (no token in it). */
export class OidcLoginError extends Error {
  readonly reason: 'state' | 'provider' | 'token' | 'id-token' | 'no-user-id';
  constructor(reason: OidcLoginError['reason'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OidcLoginError';
    this.reason = reason;
  }
}

/** Every call to the provider has a deadline: a hung provider costs a sign-in, not the function. */
const PROVIDER_TIMEOUT_MS = 10_000;
const b64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * "Log In With Telegram" (OpenID Connect, authorization code with PKCE S256) as
 * ../shared/reference/telegram-stars-login-webhooks.md §4 describes it: discovery at
 * `<issuer>/.well-known/openid-configuration`, the code exchanged at the token endpoint with
 * Basic auth, the ID token checked with `jose` against the provider's JWKS (issuer, audience =
 * the client id, expiry, nonce). Telegram's id is the token's `id` claim (`sub` is opaque).
 */
export class TelegramOidc {
  readonly #issuer: string;
  readonly #clientId: string;
  readonly #clientSecret: string;
  #metadata: Promise<ProviderMetadata> | undefined;
  #jwks: JWTVerifyGetKey | undefined;

  constructor(options: { issuer: string; clientId: string; clientSecret: string }) {
    this.#issuer = options.issuer;
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
  }

  /** A fresh state, nonce and PKCE verifier, and the URL to send the browser to. */
  async begin(redirectUri: string): Promise<{ url: string; pending: OidcPending }> {
    const meta = await this.#discover();
    const pending = { state: b64url(randomBytes(16)), nonce: b64url(randomBytes(16)), verifier: b64url(randomBytes(32)) };
    const url = new URL(meta.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: this.#clientId, redirect_uri: redirectUri, scope: 'openid profile',
      state: pending.state, nonce: pending.nonce,
      code_challenge: b64url(createHash('sha256').update(pending.verifier).digest()), code_challenge_method: 'S256',
    }).toString();
    return { url: url.toString(), pending };
  }

  /** The way back: checks `state`, exchanges the code, verifies the ID token; returns the Telegram user id. */
  async finish(query: URLSearchParams, pending: OidcPending | undefined, redirectUri: string): Promise<{ userId: number; name?: string }> {
    if (query.get('error')) throw new OidcLoginError('provider', `Telegram refused the sign-in: ${query.get('error')}`);
    const code = query.get('code');
    if (!pending || !code || query.get('state') !== pending.state) throw new OidcLoginError('state', 'the sign-in expired or did not start here; start again');
    const meta = await this.#discover();
    let res: Response;
    try {
      res = await fetch(meta.token_endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(this.#clientId)}:${encodeURIComponent(this.#clientSecret)}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: pending.verifier, client_id: this.#clientId }),
        signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
      });
    } catch (error) {
      throw new OidcLoginError('token', 'Telegram\'s token endpoint did not answer', { cause: error });
    }
    const body = await res.json().catch(() => ({})) as { id_token?: unknown; error?: unknown };
    if (!res.ok || typeof body.id_token !== 'string') throw new OidcLoginError('token', `the code was not accepted (${res.status} ${typeof body.error === 'string' ? body.error : ''})`.trim());
    let payload;
    try {
      ({ payload } = await jwtVerify(body.id_token, this.#keys(meta), { issuer: this.#issuer, audience: this.#clientId, requiredClaims: ['exp', 'iat'] }));
    } catch (error) {
      throw new OidcLoginError('id-token', 'the ID token did not verify', { cause: error });
    }
    if (payload.nonce !== pending.nonce) throw new OidcLoginError('id-token', 'the ID token was not issued for this sign-in (nonce)');
    const id = typeof payload.id === 'number' ? payload.id : typeof payload.id === 'string' && /^\d+$/.test(payload.id) ? Number(payload.id) : undefined;
    if (id === undefined || !Number.isSafeInteger(id)) throw new OidcLoginError('no-user-id', 'the ID token carries no Telegram user id');
    return { userId: id, name: typeof payload.name === 'string' ? payload.name : undefined };
  }

  #discover(): Promise<ProviderMetadata> {
    this.#metadata ??= (async () => {
      const res = await fetch(`${this.#issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
      const meta = await res.json() as Partial<ProviderMetadata>;
      if (!res.ok || meta.issuer !== this.#issuer || !meta.authorization_endpoint || !meta.token_endpoint || !meta.jwks_uri) {
        throw new OidcLoginError('provider', `the OpenID discovery document at ${this.#issuer} is not usable`);
      }
      return meta as ProviderMetadata;
    })().catch((error: unknown) => {
      this.#metadata = undefined; // tried again at the next sign-in
      throw error instanceof OidcLoginError ? error : new OidcLoginError('provider', 'Telegram\'s OpenID discovery failed', { cause: error });
    });
    return this.#metadata;
  }

  #keys(meta: ProviderMetadata): JWTVerifyGetKey {
    // jose picks the key by the token's kid and alg and imports only that one, so a key type it
    // cannot use elsewhere in the set (Telegram publishes an ES256K key beside RS256, ES256 and
    // EdDSA ones) does not break the set; test/dashboard/oidc.test.ts checks this.
    this.#jwks ??= createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: PROVIDER_TIMEOUT_MS });
    return this.#jwks;
  }
}
