/**
 * The logger the emulator writes to: the subset of pino's API it uses, so a pino logger
 * (or a child of the test's logger) can be passed as is. Silent when none is given.
 */
export interface EmulatorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Discards everything; the default. */
export const silentLogger: EmulatorLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
