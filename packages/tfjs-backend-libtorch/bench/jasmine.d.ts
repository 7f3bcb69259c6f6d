// The few members of the `jasmine` npm runner that tfjs-core-suite.ts uses (it ships no types).
declare module 'jasmine' {
  interface Spec { getFullName(): string }
  interface SpecResult {
    fullName: string;
    status: 'passed' | 'failed' | 'pending' | 'excluded';
    failedExpectations: { message: string }[];
  }
  interface Env {
    configure(c: { random?: boolean; specFilter?: (spec: Spec) => boolean }): void;
    addReporter(r: { specStarted?: (r: SpecResult) => void; specDone?: (r: SpecResult) => void }): void;
  }
  export default class Jasmine {
    constructor(opts: object);
    exitOnCompletion: boolean;
    env: Env;
    clearReporters(): void;
    execute(): Promise<unknown>;
  }
}
