// argon2id: the native binding on Node, WebAssembly on workerd (`#runtime/password-hash` in
// package.json), with the same parameters and interchangeable PHC strings.
import { hashPassword, verifyPasswordHash as verifyPassword } from '#runtime/password-hash';

export { hashPassword, verifyPassword };

export const minPasswordLength = 12;

/** Spent on unknown e-mail addresses so their answer takes as long as a wrong password. */
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummy ??= hashPassword('lotbridge-timing-equaliser');
  await verifyPassword(await dummy, password);
}
