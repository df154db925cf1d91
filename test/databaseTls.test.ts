import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { type Socket, createServer } from 'node:net';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { isLocalHost, resolveDatabaseTls } from '../shared/db/databaseTls.js';
import { parseIngressConfig } from '../shared/ingress/ingressConfig.js';
import { parseWorkerConfig } from '../worker/workerConfig.js';

const SUPABASE_POOLER = 'postgres://postgres.abcdefghijklmnop:secret@aws-0-eu-central-1.pooler.supabase.com:5432/postgres';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('TLS to the database', () => {
  test('a Supabase URL as the dashboard gives it gets TLS; with its CA the certificate is verified', () => {
    assert.equal(resolveDatabaseTls(SUPABASE_POOLER).mode, 'encrypted');
    assert.equal(resolveDatabaseTls(SUPABASE_POOLER).ssl, 'require');
    const verified = resolveDatabaseTls(SUPABASE_POOLER, { caCert: PEM });
    assert.equal(verified.mode, 'verified');
    assert.deepEqual(verified.ssl, { ca: PEM, rejectUnauthorized: true, servername: 'aws-0-eu-central-1.pooler.supabase.com' });
  });

  test('sslmode=prefer or allow, which fall back to plain text, still get TLS; verify-full uses the system CAs', () => {
    assert.equal(resolveDatabaseTls(`${SUPABASE_POOLER}?sslmode=prefer`).mode, 'encrypted');
    assert.equal(resolveDatabaseTls(`${SUPABASE_POOLER}?sslmode=allow`).mode, 'encrypted');
    const full = resolveDatabaseTls(`${SUPABASE_POOLER}?sslmode=verify-full`);
    assert.deepEqual(full.ssl, { rejectUnauthorized: true, servername: 'aws-0-eu-central-1.pooler.supabase.com' });
    assert.equal(resolveDatabaseTls(`${SUPABASE_POOLER}?sslrootcert=system`).mode, 'verified');
  });

  test('plain text only to loopback, or when the URL says sslmode=disable; the setting never reaches the server', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'db.localhost']) {
      assert.equal(resolveDatabaseTls(`postgres://u:p@${host}:5432/db`).mode, 'plain', host);
    }
    for (const host of ['db.example.com', '10.0.0.5', 'postgres.railway.internal', '[2a05:d014::1]']) {
      assert.notEqual(resolveDatabaseTls(`postgres://u:p@${host}:5432/db`).mode, 'plain', host);
    }
    const override = resolveDatabaseTls('postgres://u:p@postgres.railway.internal:5432/db?sslmode=disable&application_name=x');
    assert.equal(override.mode, 'plain');
    assert.equal(override.url, 'postgres://u:p@postgres.railway.internal:5432/db?application_name=x');
    assert.equal(resolveDatabaseTls('postgres://u:p@localhost/db?sslmode=require').mode, 'encrypted');
    assert.ok(isLocalHost('::ffff:127.0.0.1'));
  });

  test('DATABASE_CA_CERT is read by the webhook and the worker, and must be a PEM certificate', () => {
    const ingress = parseIngressConfig({ DATABASE_URL: SUPABASE_POOLER, TELEGRAM_WEBHOOK_SECRET: 's', DATABASE_CA_CERT: PEM });
    assert.equal(ingress.databaseCaCert, PEM);
    assert.throws(() => parseIngressConfig({ DATABASE_URL: SUPABASE_POOLER, TELEGRAM_WEBHOOK_SECRET: 's', DATABASE_CA_CERT: 'nope' }), /DATABASE_CA_CERT/);
    const worker = parseWorkerConfig({ DATABASE_URL: SUPABASE_POOLER, TELEGRAM_BOT_TOKEN: '1:x', DATABASE_CA_CERT: PEM, BOT_FEATURES: 'growth' });
    assert.equal(worker.databaseCaCert, PEM);
    assert.throws(() => parseWorkerConfig({ DATABASE_URL: SUPABASE_POOLER, TELEGRAM_BOT_TOKEN: '1:x', DATABASE_CA_CERT: 'nope' }), /DATABASE_CA_CERT/);
  });

  test('createSql asks a host that is not loopback for TLS before it sends the user or the password', async (t) => {
    // This machine's own name resolves to it, but is not a loopback name: to createSql it is a
    // remote host, as Supabase's is. A listener records what the client sends first.
    const name = hostname();
    const address = await lookup(name).catch(() => undefined);
    if (!address) return t.skip(`this machine's name (${name}) does not resolve`);
    const received: Buffer[] = [];
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => {
        received.push(chunk);
        socket.write('N'); // "no TLS here", as a server without it answers an SSLRequest
      });
    });
    await new Promise<void>((resolve) => server.listen(0, address.address, resolve));
    const { port } = server.address() as { port: number };
    const sql = createSql(`postgres://tls_probe_user:tls-probe-password@${name}:${port}/db`, { max: 1, connectTimeout: 5 });
    try {
      await assert.rejects(sql`select 1`);
    } finally {
      await sql.end({ timeout: 1 });
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
    const bytes = Buffer.concat(received);
    // SSLRequest: length 8, code 80877103 (PostgreSQL protocol, "SSLRequest").
    assert.ok(bytes.length >= 8, 'the client sent nothing');
    assert.equal(bytes.readInt32BE(0), 8);
    assert.equal(bytes.readInt32BE(4), 80877103);
    assert.ok(!bytes.includes('tls_probe_user') && !bytes.includes('tls-probe-password'), 'credentials went out in plain text');
  });
});
