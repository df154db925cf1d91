import { createLogger } from '../shared/logger.js';

/**
 * The project's logger, silenced: the queue benchmarks measure the queue, and each reference
 * runs with its logging off too (graphile-worker would otherwise print a line per job).
 */
export const silentLogger = createLogger({ level: 'silent' });
