// The backend's modules form layers without an import cycle (backend -> kernels -> define -> fallback -> backend was one).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

/** one import cycle among the bundle's inputs, or null */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f];
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      const c = visit(g);
      if (c) return c;
    }
    stack.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of graph.keys()) {
    const c = visit(f);
    if (c) return c;
  }
  return null;
}

/** relative imports of every module under src/, type-only ones included (a type cycle is still a layering cycle) */
function importGraph(src: string): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  return new Map(files.map((f) => {
    const text = readFileSync(join(src, f), 'utf8');
    const deps = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)\.js'/g)].map((m) => relative(src, resolve(dirname(join(src, f)), m[1] + '.ts')));
    return [f, deps];
  }));
}

test('tfjs-backend-libtorch/src has no import cycle', () => {
  const graph = importGraph(join(import.meta.dirname, '..', 'src'));
  assert.ok(graph.size > 10 && (graph.get('register.ts') ?? []).includes('backend.ts'), `graph: ${[...graph.keys()].join(', ')}`);
  assert.equal(findCycle(graph)?.join(' -> ') ?? null, null);
});

test('the cycle check finds a cycle', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
});
