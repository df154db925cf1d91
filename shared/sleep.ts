/** Waits `ms`, or rejects as soon as `signal` aborts (the worker is shutting down). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted', { cause: signal.reason }));
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(new Error('aborted while waiting for a send slot', { cause: signal?.reason })); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
