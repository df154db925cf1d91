import postgres from 'postgres';
import { resolveDatabaseTls } from './databaseTls.js';

/** Options for {@link createSql}. */
export interface SqlOptions {
  /** Pool size. Default 10. The webhook function uses 1-5: each warm instance keeps its own. */
  max?: number;
  /**
   * Use named prepared statements. Default `true`. Must be `false` behind a transaction-mode
   * pooler (Supabase's port 6543, PgBouncer in transaction mode): a prepared statement lives in
   * one server connection, and the pooler hands the next query to another one.
   */
  prepare?: boolean;
  /** Shown in `pg_stat_activity`, so an operator can tell the webhook from the worker. */
  applicationName?: string;
  /** Seconds an idle connection stays open. Default 0 (forever). */
  idleTimeout?: number;
  /** Seconds to wait for a connection. Default 10. */
  connectTimeout?: number;
  /**
   * Ask the server for its array types on connect. Default `true`. Needed only to send or read
   * arrays of custom types; the webhook turns it off to save a round trip on its cold start.
   */
  fetchTypes?: boolean;
  /**
   * PEM of the CA that signed the server's certificate (`DATABASE_CA_CERT`; Supabase's is in
   * its dashboard under Database → SSL Configuration). With it the certificate is verified.
   * TLS itself is decided by {@link resolveDatabaseTls}: always, except to loopback or when the
   * URL says `sslmode=disable`.
   */
  caCert?: string;
}

/**
 * Creates a postgres.js client. `bigint` columns (Telegram ids, job ids) are parsed as
 * numbers: Telegram documents its ids as fitting in 52 bits, so a JS number holds them exactly.
 */
export function createSql(url: string, options: SqlOptions = {}) {
  const tls = resolveDatabaseTls(url, { caCert: options.caCert });
  return postgres(tls.url, {
    ssl: tls.ssl,
    max: options.max ?? 10,
    prepare: options.prepare ?? true,
    idle_timeout: options.idleTimeout ?? 0,
    connect_timeout: options.connectTimeout ?? 10,
    fetch_types: options.fetchTypes ?? true,
    connection: { application_name: options.applicationName ?? 'growthbot' },
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint | string) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/** The postgres.js client type used across the project. */
export type Sql = ReturnType<typeof createSql>;
