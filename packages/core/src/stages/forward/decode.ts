import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/**
 * Decodes a captured response body for the proxy's own reading. We ask upstreams for `identity`,
 * but a provider may compress anyway; the client still gets the bytes exactly as sent.
 */
export function decodeBody(bytes: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.toLowerCase()) {
    case undefined:
    case 'identity':
      return bytes;
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes);
    case 'deflate':
      return inflateSync(bytes);
    case 'br':
      return brotliDecompressSync(bytes);
    default:
      return bytes;
  }
}
