/** A mistake of the user (bad file, bad option, bad input): shown as one clear line, never a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A value from the user's data, for an error message: in double quotes with control characters escaped, and cut
 *  to `max` characters (a 10 MB field must not become a 10 MB error line). */
export function quoted(v: unknown, max = 60): string {
  const s = String(v);
  const cut = s.length > max ? s.slice(0, max) : s;
  return `${JSON.stringify(cut)}${s.length > max ? `... (${s.length} characters)` : ''}`;
}

/** An error message as the one line a user sees: line breaks as spaces, at most `max` characters. */
export function oneLine(message: string, max = 1000): string {
  const s = message.replace(/\s*[\r\n]+\s*/g, ' ');
  return s.length > max ? `${s.slice(0, max)}... (message cut at ${max} of ${s.length} characters)` : s;
}
