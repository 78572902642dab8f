import { hash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * A credential that refuses to be printed. Provider keys and agent secrets live in `Secret`s so that a
 * stray `console.log(config)`, a `JSON.stringify` of a route, or an error's `cause` chain shows
 * `[redacted]` instead of the key. Only `reveal()` returns the value, and only the credential swap and
 * the identity check call it.
 */
export class Secret {
  readonly #value: string;
  #digest: Buffer | undefined;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** SHA-256 of the value, computed once: constant-time comparisons hash both sides to one length. */
  sha256(): Buffer {
    this.#digest ??= hash('sha256', this.#value, 'buffer');
    return this.#digest;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
