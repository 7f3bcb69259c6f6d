// A small harness for hostile HTTP cases: raw bytes over a TCP socket (so malformed requests reach the server
// as sent), with a deadline, and the answer's status line parsed. Status 0 means the server closed the
// connection without answering.
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** the server closed the connection (with or without an answer) before the deadline */
  closed: boolean;
  ms: number;
}

/**
 * Sends `chunks` (each written after `gapMs`) to 127.0.0.1:port and collects the answer until the server closes
 * the connection or `deadlineMs` passes (then the socket is destroyed and `closed` is false).
 */
export function raw(port: number, chunks: (string | Buffer)[], opts: { gapMs?: number; deadlineMs?: number } = {}): Promise<RawAnswer> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(got).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: m ? Number(m[1]) : 0, headers: split >= 0 ? text.slice(0, split) : text, body: split >= 0 ? text.slice(split + 4) : '', closed, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), opts.deadlineMs ?? 5000);
    sock.on('data', (d) => got.push(d));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done || sock.destroyed) return;
        sock.write(c);
        if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
    });
  });
}

/** A complete HTTP/1.1 request (Connection: close) with a Content-Length matching the body unless given. */
export function request(method: string, path: string, headers: Record<string, string>, body: string | Buffer = ''): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const h = { host: '127.0.0.1', connection: 'close', ...(b.length || method === 'POST' ? { 'content-length': String(b.length) } : {}), ...headers };
  const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b]);
}

/** A multipart/form-data body from parts (name, content type, bytes) and a boundary. */
export function multipartBody(boundary: string, parts: { name: string; type?: string; filename?: string; data: Buffer | string }[], terminate = true): Buffer {
  const out: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`));
    out.push(typeof p.data === 'string' ? Buffer.from(p.data) : p.data, Buffer.from('\r\n'));
  }
  if (terminate) out.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(out);
}
