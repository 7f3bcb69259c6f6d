// Attacks mixed into the soak of bench/serve-load.ts, each with the status the service must answer (0 = closes
// without an answer). Slow connections are left running and counted; the rest are awaited each round.
import sharp from 'sharp';
import { multipartBody, raw, request, type RawAnswer } from '../../packages/memae/test/hostile/http-harness.js';

export interface AttackTally {
  sent: number;
  /** 'name: got X, want Y' for every answer that was not the expected one */
  unexpected: string[];
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
  const attacks: [string, () => Promise<RawAnswer>, number][] = [
    ['deep JSON', () => raw(port, [json(`{"instances":${'['.repeat(100_000)}0${']'.repeat(100_000)}}`)], opts), 400],
    ['SVG as PNG', () => raw(port, [json('<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/png')], opts), 415],
    ['1e38 pixels', () => raw(port, [json(`{"instances":[[${Array(784).fill('1e38').join(',')}]]}`)], opts), 400],
    ['UTF-16 JSON', () => raw(port, [json(Buffer.from('{"instances":[[0]]}', 'utf16le'))], opts), 400],
    ['2000 instances', () => raw(port, [json(`{"instances":[${Array(2000).fill('[0]').join(',')}]}`)], opts), 413],
    ['7 MiB one-field CSV', () => raw(port, [json('1'.repeat(7 * 2 ** 20), 'text/csv')], opts), 415],
    ['multipart 10 MiB', () => raw(port, [json(multipartBody(B, Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, filename: 'x.png', type: 'image/png', data: big }))), `multipart/form-data; boundary=${B}`)], opts), 413],
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
      if (!r.closed || (r.status !== 408 && r.status !== 0)) tally.unexpected.push(`slow client: got ${r.status}, closed ${r.closed}`);
    });
  }
  await Promise.all(attacks.map(async ([name, send, want]) => {
    tally.sent++;
    const r = await send();
    if (r.status !== want) tally.unexpected.push(`${name}: got ${r.status}, want ${want} (${r.closed ? 'closed by the server' : 'no answer in 20 s'} after ${r.ms.toFixed(0)} ms)`);
  }));
  await new Promise((r) => setTimeout(r, 100));
}
