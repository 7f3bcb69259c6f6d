// An image model's code index in the browser's IndexedDB, beside the tfjs entry of the same name (whose metadata
// must be small JSON): database "memae-code-index", one Float32Array per model name.
import { UserError } from '../errors/user-error.js';

const DB = 'memae-code-index', STORE = 'codes';

function open(): Promise<IDBDatabase> {
  const idb = globalThis.indexedDB;
  if (!idb) return Promise.reject(new UserError('IndexedDB is not available here'));
  return new Promise((resolve, reject) => {
    const req = idb.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new UserError(`IndexedDB: ${req.error?.message ?? 'cannot open'}`));
  });
}

function run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then((db) => new Promise<T>((resolve, reject) => {
    const req = f(db.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => { db.close(); resolve(req.result as T); };
    req.onerror = () => { db.close(); reject(new UserError(`IndexedDB: ${req.error?.message ?? 'request failed'}`)); };
  }));
}

export const storeCodes = (name: string, codes: Float32Array): Promise<void> => run<unknown>('readwrite', (s) => s.put(codes, name)).then(() => undefined);

/** The stored codes' bytes (undefined when none are stored under `name`). */
export async function loadStoredCodes(name: string): Promise<Uint8Array | undefined> {
  const c = await run<Float32Array | undefined>('readonly', (s) => s.get(name));
  return c instanceof Float32Array ? new Uint8Array(c.buffer, c.byteOffset, c.byteLength) : undefined;
}
