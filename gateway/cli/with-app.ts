import { openApp } from '../node/open-app.ts';

export type App = Awaited<ReturnType<typeof openApp>>;

/** Opens the installation (database, keys, files) for one command and closes it afterwards. */
export async function withApp<T>(work: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp();
  try {
    return await work(app);
  } finally {
    app.db.close();
  }
}
