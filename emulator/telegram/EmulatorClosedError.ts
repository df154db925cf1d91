/** A wait was cut short because the emulator was closed; `awaited` says which. */
export class EmulatorClosedError extends Error {
  readonly awaited: string;

  constructor(awaited: string) {
    super(`Telegram emulator closed while waiting for ${awaited}`);
    this.name = 'EmulatorClosedError';
    this.awaited = awaited;
  }
}
