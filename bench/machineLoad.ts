import { loadavg } from 'node:os';

/**
 * The 1-minute load average, for the notes: on a shared 2-core machine another process's work
 * shows up in every latency, and a reader should know how busy the machine was.
 */
export function machineLoad(): string {
  return loadavg()[0]!.toFixed(2);
}
