import type { IncomingMessage, ServerResponse } from 'node:http';
import type { createHealthHandler } from '../../worker/createHealthHandler.js';

/** What `/healthz` answered. */
export interface HealthAnswer {
  status: number;
  body: { ok: boolean; state: string; database?: string; claims?: ClaimsBody; [field: string]: unknown };
}

/** The `claims` part of a running worker's answer. */
export interface ClaimsBody {
  healthy: boolean;
  state: 'ok' | 'failing' | 'unanswered';
  consecutive_failures: number;
  failing_for_ms: number;
  last_success_at: string | null;
  last_error?: string;
}

/** Calls a `/healthz` handler directly, as Railway's probe would reach it, and reads its answer. */
export async function probeHealth(handler: ReturnType<typeof createHealthHandler>): Promise<HealthAnswer> {
  let status = 0;
  let text = '';
  const res = {
    writeHead(code: number) { status = code; return res; },
    end(chunk: string) { text = chunk; },
  };
  await handler({ method: 'GET', url: '/healthz' } as IncomingMessage, res as unknown as ServerResponse);
  return { status, body: JSON.parse(text) as HealthAnswer['body'] };
}
