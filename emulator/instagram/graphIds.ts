/**
 * Graph ids as Meta hands them out: decimal strings, here always above 2^53 and odd, so a
 * client that parses one as a JavaScript number gets a different id back
 * (`String(Number(id)) !== id`) and fails loudly in tests instead of quietly in production.
 */
export class GraphIdSequence {
  #next: bigint;

  /** @param start the first id; made odd if it is not. */
  constructor(start: bigint) {
    this.#next = start % 2n === 0n ? start + 1n : start;
  }

  next(): string {
    const id = this.#next;
    // Steps of 2 keep every id odd, and odd integers between 2^53 and 2^54 are not doubles.
    this.#next += 2n;
    return id.toString();
  }
}
