import type { SseEvent } from '../sse/event.js';
import type { StreamReader, UsageReading } from './types.js';
import { FinishReasons } from './usage-fields.js';

/**
 * What every format's stream reader keeps about a stream, and the `StreamReader` getters over it.
 * Subclasses fill the fields from their own events in `readEvent` and build their own `usage()`;
 * the formats differ in what they read, not in what they keep.
 */
export abstract class StreamReaderBase implements StreamReader {
  /** Characters of generated content seen so far. */
  protected chars = 0;
  /** The first model the stream named. */
  protected model: string | undefined;
  /** The latest in-band error, described in one line. */
  protected inBandError: string | undefined;
  /** Formats with one reason per response (Anthropic, Responses) keep it at index 0. */
  protected readonly reasons = new FinishReasons();

  abstract readEvent(event: SseEvent): void;

  abstract usage(): UsageReading | undefined;

  get outputChars(): number {
    return this.chars;
  }

  get error(): string | undefined {
    return this.inBandError;
  }

  get responseModel(): string | undefined {
    return this.model;
  }

  get finishReasons(): readonly string[] {
    return this.reasons.list();
  }
}
