/** A registered injection; `remove()` stops it early, `remaining` counts the failures left. */
export interface InjectedFault {
  readonly remaining: number;
  remove(): void;
}

interface Rule<Match, Fault> {
  predicate: (call: Match) => boolean;
  fault: Fault | (() => Fault);
  remaining: number;
  afterEffect: boolean;
}

/** A fault chosen for one call, and whether the call's effect happens before it is answered. */
export interface MatchedFault<Fault> {
  fault: Fault;
  /** The operation runs (a post is published, a file stored) and then the fault is answered instead of the result. */
  afterEffect: boolean;
}

/**
 * Makes chosen calls fail with chosen faults, checked in the order rules were added (the
 * Graph and Dropbox emulators use it; the Telegram emulator has its own, older one).
 * A fault with `afterEffect` models the ambiguous failures that make exactly-once hard: the
 * request did its work but the answer never arrived intact.
 */
export class FaultInjector<Match, Fault> {
  readonly #rules: Array<Rule<Match, Fault>> = [];

  /** Fails calls matching `predicate`, `times` times (default: until removed). */
  inject(predicate: (call: Match) => boolean, fault: Fault | (() => Fault),
    options: { times?: number; afterEffect?: boolean } = {}): InjectedFault {
    const rule: Rule<Match, Fault> = { predicate, fault, remaining: options.times ?? Number.POSITIVE_INFINITY,
      afterEffect: options.afterEffect === true };
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

  /** The fault for this call, if a rule matches (consuming one of its failures). */
  match(call: Match): MatchedFault<Fault> | undefined {
    const rule = this.#rules.find((candidate) => candidate.remaining > 0 && candidate.predicate(call));
    if (rule === undefined) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    const fault = typeof rule.fault === 'function' ? (rule.fault as () => Fault)() : rule.fault;
    return { fault, afterEffect: rule.afterEffect };
  }

  clear(): void {
    this.#rules.length = 0;
  }
}
