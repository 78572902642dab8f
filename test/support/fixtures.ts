import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures: provider response bodies and SSE streams in today's wire shapes. */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const DIR = FIXTURE_DIR;

/** A provider wire fixture from test/fixtures, as bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(DIR + name);
}

export function fixtureText(name: string): string {
  return fixture(name).toString('utf8');
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** Splits an SSE fixture into its events (each with its terminating blank line), keeping the bytes. */
export function sseEvents(text: string): string[] {
  const separator = text.includes('\r\n') ? '\r\n\r\n' : '\n\n';
  return text
    .split(separator)
    .filter((block) => block.length > 0)
    .map((block) => block + separator);
}
