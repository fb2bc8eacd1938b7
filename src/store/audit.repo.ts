import type { Kysely, Transaction } from 'kysely'
import type { AuditTarget, Database } from './schema.ts'

type Db = Kysely<Database> | Transaction<Database>

export interface AuditEntry {
  actor: { id: number; username: string }
  action: string
  target: { type: AuditTarget; id: number | null; label: string }
  detail?: string
}

export interface AuditRow {
  id: number
  actor: string
  action: string
  targetType: AuditTarget
  targetId: number | null
  target: string
  detail: string
  createdAt: Date
}

/** Written in the same transaction as the action it records: no action without its row, no row without it. */
export async function insertAudit(db: Db, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: e.actor.id,
      actor: e.actor.username,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id,
      target: e.target.label,
      detail: e.detail ?? '',
    })
    .execute()
}

/** Newest first, `limit` rows older than the row id `before` (keyset paging). */
export function listAudit(db: Db, limit: number, before?: number): Promise<AuditRow[]> {
  let q = db
    .selectFrom('audit_log')
    .select([
      'id',
      'actor',
      'action',
      'target_type as targetType',
      'target_id as targetId',
      'target',
      'detail',
      'created_at as createdAt',
    ])
  if (before !== undefined) q = q.where('id', '<', before)
  return q.orderBy('id', 'desc').limit(limit).execute()
}
