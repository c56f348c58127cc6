import type { Db } from './index.ts';

/** The health check's probe: the database answers, and how many migrations it has applied. Throws when it cannot be read. */
export async function checkDatabase(db: Db): Promise<{ migrationsApplied: number }> {
  const row = await db.get<{ applied: number }>('SELECT COUNT(*) AS applied FROM schema_migrations');
  return { migrationsApplied: row?.applied ?? 0 };
}
