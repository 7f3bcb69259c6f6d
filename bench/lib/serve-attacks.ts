// Attacks mixed into the soak of bench/serve-load.ts, each with the status the service must answer (0 = closes
// without an answer). Slow connections are left running and counted; the rest are awaited each round.
import sharp from 'sharp';
import { multipartBody, raw, request, type RawAnswer } from '../../packages/memae/test/hostile/http-harness.js';

/** Outcomes of one attack kind. */
export interface KindTally {
  sent: number;
  /** answered with the expected status */
  expected: number;
  /** answered with another status */
  otherStatus: number;
  /** the server closed the connection without a status line (expected only where the status wanted is 0) */
  closedNoAnswer: number;
  /** nothing before the client's deadline (the server neither answered nor closed) */
  noAnswerByDeadline: number;
  /** slowest answer or close, ms */
  maxMs: number;
}

export interface AttackTally {
  sent: number;
  /** 'name: got X, want Y' for every answer that was not the expected one (first few kept) */
  unexpected: string[];
  /** per attack kind */
  kinds: Record<string, KindTally>;
}

/** when this module loaded (performance.now()): attack times in the report are seconds since then */
const T0 = performance.now();

function record(tally: AttackTally, name: string, r: RawAnswer, want: number | number[]): void {
  const k = (tally.kinds[name] ??= { sent: 0, expected: 0, otherStatus: 0, closedNoAnswer: 0, noAnswerByDeadline: 0, maxMs: 0 });
  k.sent++;
  k.maxMs = Math.max(k.maxMs, Math.round(r.ms));
  const wants = Array.isArray(want) ? want : [want];
  if (r.status !== 0 && wants.includes(r.status)) return void k.expected++;
  if (r.status === 0 && r.closed && wants.includes(0)) return void k.expected++;
  if (r.status !== 0) k.otherStatus++;
  else if (r.closed) k.closedNoAnswer++;
  else k.noAnswerByDeadline++;
  if (tally.unexpected.length < 50) {
    const sentAt = ((performance.now() - r.ms - T0) / 1000).toFixed(1);
    tally.unexpected.push(`${name} sent at ${sentAt} s: got ${r.status}, want ${wants.join('|')} (${r.status ? 'answered' : r.closed ? 'closed by the server' : 'no answer by the deadline'} after ${r.ms.toFixed(0)} ms)`);
  }
}

const PATH = '/v1/models/fmnist/score';
let slowOpen = 0;
let bomb: Buffer | undefined;

const json = (body: string | Buffer, type = 'application/json') => request('POST', PATH, { 'content-type': type }, body);

export async function attackRound(port: number, tally: AttackTally): Promise<void> {
  // a PNG of 5000x5000 pixels (25 Mpx, over the 16.7 Mpx cap) that compresses to a few KiB
  bomb ??= await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
  const B = 'soak-boundary';
  const big = Buffer.alloc(512 * 1024, 1);
  const opts = { deadlineMs: 20_000 };
  const attacks: [string, () => Promise<RawAnswer>, number | number[]][] = [
    ['deep JSON', () => raw(port, [json(`{"instances":${'['.repeat(100_000)}0${']'.repeat(100_000)}}`)], opts), 400],
    ['SVG as PNG', () => raw(port, [json('<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/png')], opts), 415],
    ['1e38 pixels', () => raw(port, [json(`{"instances":[[${Array(784).fill('1e38').join(',')}]]}`)], opts), 400],
    ['UTF-16 JSON', () => raw(port, [json(Buffer.from('{"instances":[[0]]}', 'utf16le'))], opts), 400],
    ['2000 instances', () => raw(port, [json(`{"instances":[${Array(2000).fill('[0]').join(',')}]}`)], opts), 413],
    ['7 MiB one-field CSV', () => raw(port, [json('1'.repeat(7 * 2 ** 20), 'text/csv')], opts), 415],
    // 413 from Content-Length before the body is read; the server then closes while the client may still be
    // sending, and the unread bytes make the kernel reset the connection, which can drop the 413 (closed, no answer)
    ['multipart 10 MiB', () => raw(port, [json(multipartBody(B, Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, filename: 'x.png', type: 'image/png', data: big }))), `multipart/form-data; boundary=${B}`)], opts), [413, 0]],
    ['multipart unterminated', () => raw(port, [json(multipartBody(B, [{ name: 'a', filename: 'a.png', type: 'image/png', data: 'x' }], false), `multipart/form-data; boundary=${B}`)], opts), 400],
    ['PNG bomb', () => raw(port, [json(bomb!, 'image/png')], opts), 400],
  ];
  // slow clients: a byte every 500 ms; the server must cut them at its request timeout
  while (slowOpen < 100) {
    slowOpen++;
    tally.sent++;
    const head = `POST ${PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: text/csv\r\ncontent-length: 100000\r\n\r\n`;
    void raw(port, [head, ...'1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,0'.split('')], { gapMs: 500, deadlineMs: 30_000 }).then((r) => {
      slowOpen--;
      record(tally, 'slow client', r, [408, 0]);
    });
  }
  await Promise.all(attacks.map(async ([name, send, want]) => {
    tally.sent++;
    record(tally, name, await send(), want);
  }));
  await new Promise((r) => setTimeout(r, 100));
}
