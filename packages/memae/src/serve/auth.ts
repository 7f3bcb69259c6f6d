// Bearer-token authentication of the service: every route but /healthz needs `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Open routes (liveness probes must work without the token). */
const OPEN = new Set(['/healthz']);

export function requireBearer(app: FastifyInstance, token: string): void {
  if (token.length < 16) throw new Error('the service token must have at least 16 characters');
  const want = digest(token);
  app.addHook('onRequest', async (req, reply) => {
    if (OPEN.has(req.url.split('?')[0])) return;
    const h = req.headers.authorization ?? '';
    const m = /^Bearer +(\S+) *$/i.exec(h);
    // compare digests in constant time (equal lengths), so the answer time does not reveal the token
    if (!m || !timingSafeEqual(digest(m[1]), want)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="memae"').send({ error: m ? 'wrong bearer token' : 'this service needs Authorization: Bearer <token>' });
    }
  });
}
