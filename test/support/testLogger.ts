import { createLogger } from '../../shared/logger.js';

/** Quiet unless TEST_LOG_LEVEL asks otherwise (e.g. TEST_LOG_LEVEL=debug npm run test:only). */
export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
