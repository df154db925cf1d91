import type { TelegramApiError } from './TelegramApiError.js';

/** A call as seen by an error injection predicate. */
export interface CallMatch {
  /** Method name as the client wrote it in the URL. */
  method: string;
  params: Record<string, unknown>;
}

/** Options of {@link ErrorInjector.failNext}. */
export interface FailNextOptions {
  /** Only calls whose `chat_id` equals this. */
  chatId?: number | string;
  /** How many matching calls fail. @default 1 */
  times?: number;
}

/** A registered injection; `remove()` stops it early, `remaining` counts the failures left. */
export interface InjectedError {
  readonly remaining: number;
  remove(): void;
}

interface Rule {
  predicate: (call: CallMatch) => boolean;
  error: TelegramApiError | (() => TelegramApiError);
  remaining: number;
}

/**
 * Makes chosen calls fail with chosen errors, checked before the method runs, in the order
 * rules were added.
 */
export class ErrorInjector {
  readonly #rules: Rule[] = [];

  /** Fails the next `times` calls of `method` (case-insensitive), optionally only for one chat. */
  failNext(method: string, error: TelegramApiError, options: FailNextOptions = {}): InjectedError {
    const name = method.toLowerCase();
    return this.inject(
      (call) => call.method.toLowerCase() === name &&
        (options.chatId === undefined || String(call.params.chat_id) === String(options.chatId)),
      error,
      options.times ?? 1,
    );
  }

  /** Fails calls matching `predicate`, `times` times (default: until removed). */
  inject(predicate: (call: CallMatch) => boolean, error: TelegramApiError | (() => TelegramApiError),
    times = Number.POSITIVE_INFINITY): InjectedError {
    const rule: Rule = { predicate, error, remaining: times };
    this.#rules.push(rule);
    const rules = this.#rules;
    return {
      get remaining() {
        return rule.remaining;
      },
      remove() {
        rule.remaining = 0;
        const index = rules.indexOf(rule);
        if (index !== -1) rules.splice(index, 1);
      },
    };
  }

  /** The error for this call, if a rule matches (consuming one of its failures). */
  match(call: CallMatch): TelegramApiError | undefined {
    const rule = this.#rules.find((candidate) => candidate.remaining > 0 && candidate.predicate(call));
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    return typeof rule.error === 'function' ? rule.error() : rule.error;
  }

  clear(): void {
    this.#rules.length = 0;
  }
}
