// Cheap checks on raw request bodies before any parser or decoder sees them: declared charset, UTF-8 validity,
// JSON nesting depth and sample count, CSV row count and row length, image magic bytes, multipart boundary.
// Each one is linear in the body and throws a RequestError with the status the client should see.
import { RequestError } from './decode.js';

/** The media type and its parameters of a Content-Type header, lower-cased names. */
export function parseContentType(header: string | undefined): { type: string; params: Record<string, string> } {
  const [type, ...rest] = (header ?? '').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Text bodies (JSON, CSV) must be UTF-8: a declared other charset is a 415, UTF-16 or invalid bytes a 400. */
export function utf8Text(body: Buffer, contentType: string | undefined): string {
  const charset = parseContentType(contentType).params.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    throw new RequestError(415, `charset '${charset.slice(0, 32)}' not accepted: send UTF-8`);
  }
  // a UTF-16 body starts with its byte-order mark or has a zero byte next to each ASCII character
  if ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff) || body.subarray(0, 4).includes(0)) {
    throw new RequestError(400, 'the body looks like UTF-16: send UTF-8');
  }
  try {
    return utf8.decode(body);
  } catch {
    throw new RequestError(400, 'the body is not valid UTF-8');
  }
}

/** Refuses JSON nested deeper than `maxDepth` arrays/objects (a scan that skips strings; JSON.parse validates the rest). */
export function checkJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) throw new RequestError(400, `JSON nested deeper than ${maxDepth} levels`);
    } else if (c === 93 || c === 125) depth--;
  }
}

/** JSON sample counts checked right after parsing, before the schema walks every value. */
export function checkJsonCount(body: unknown, maxRows: number): void {
  if (typeof body !== 'object' || body === null) return;
  const b = body as { instances?: unknown; tensor?: { shape?: unknown } };
  if (Array.isArray(b.instances) && b.instances.length > maxRows) {
    throw new RequestError(413, `${b.instances.length} instances, at most ${maxRows} per request`);
  }
  const shape = b.tensor?.shape;
  if (Array.isArray(shape) && typeof shape[0] === 'number' && shape[0] > maxRows) {
    throw new RequestError(413, `tensor.shape[0] = ${shape[0]} samples, at most ${maxRows} per request`);
  }
}

/**
 * Bounds CSV parsing before it starts: at most `maxRows` data rows (plus a header) and no row longer than
 * `maxLineChars` (one 7 MiB field would otherwise keep the parser busy for seconds).
 */
export function checkCsvShape(text: string, maxRows: number, maxLineChars: number): void {
  let rows = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > maxLineChars) throw new RequestError(413, `CSV line ${rows + 1} has ${end - start} characters, at most ${maxLineChars}`);
    if (end - start > 1 || (end - start === 1 && text[start] !== '\r')) rows++;
    if (rows > maxRows + 1) throw new RequestError(413, `more than ${maxRows} CSV rows, at most ${maxRows} per request`);
    start = end + 1;
  }
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array) => b.length >= 8 && PNG.every((v, i) => b[i] === v);
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The image's real format from its first bytes, checked against what the client declared. */
export function checkImageMagic(body: Uint8Array, declared: string, where: string): 'png' | 'jpeg' {
  const real = isPng(body) ? 'png' : isJpeg(body) ? 'jpeg' : undefined;
  if (!real) throw new RequestError(415, `${where} is neither a PNG nor a JPEG (by its first bytes)`);
  if ((declared === 'image/png' && real !== 'png') || (declared === 'image/jpeg' && real !== 'jpeg')) {
    throw new RequestError(415, `${where} is declared ${declared} but is a ${real.toUpperCase()}`);
  }
  return real;
}

/** A multipart body needs a boundary parameter (1-70 characters, RFC 2046). */
export function checkBoundary(contentType: string | undefined): void {
  const b = parseContentType(contentType).params.boundary;
  if (!b) throw new RequestError(400, 'multipart/form-data without a boundary parameter');
  if (b.length > 70) throw new RequestError(400, `multipart boundary of ${b.length} characters, at most 70`);
}
