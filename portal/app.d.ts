import type { Actor } from '../shared/auth/actor.ts';
import type { Session } from '../shared/auth/session.ts';
import type { AppContext, FilesContext } from '../shared/context.ts';
import type { Locale } from '../shared/i18n/index.ts';
import type { Logger } from '../shared/log.ts';

declare global {
  namespace App {
    interface Locals {
      requestId: string;
      log: Logger;
      app: AppContext;
      /** The use-case context of this request (carries the request id into the audit trail). */
      ctx: FilesContext;
      locale: Locale;
      actor: Actor | null;
      session: Session | null;
      /** The actor manages users (shared/users/user-admin.ts), read with the session. */
      administersUsers: boolean;
      /** The request carried a session cookie that is no longer valid (timed out, signed out). */
      sessionEnded?: boolean;
    }
    interface Error {
      message: string;
      requestId?: string;
    }
  }
}

export {};
