/** A mistake of the user (bad file, bad option, bad input): shown as one clear line, never a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
