/**
 * The query plans of what a room page, its history pages, search and a catch-up run: each use case is called
 * as the app calls it, on the bench's recording Kysely, and every SELECT it sent is run again under
 * EXPLAIN (ANALYZE, BUFFERS off, COSTS off) with the same parameters. No SQL is copied out of src/.
 */
import type { CompiledQuery } from 'kysely'
import { catchUp } from '../../src/chat/catch-up.ts'
import { history } from '../../src/chat/messages.ts'
import { readableRoom } from '../../src/chat/rooms.ts'
import { search } from '../../src/chat/search.ts'
import { sidebar } from '../../src/chat/sidebar.ts'
import type { Room, User } from '../../src/chat/types.ts'
import { SEARCH_WORD } from './bodies.ts'
import { BENCH_ROOM, VIEWER } from './shape.ts'
import type { World } from './world.ts'

export interface Plan {
  what: string
  sql: string
  plan: string[]
  executionMs: number
}

export const viewerOf = (w: World): User => ({ id: w.viewerId, username: VIEWER, role: 'member' })

/** Each use case the bench explains: a label saying where its SQL lives, and the call. */
function useCases(w: World, room: Room) {
  const viewer = viewerOf(w)
  const middle = Math.floor(w.lastSeq / 2)
  return [
    {
      what: 'sidebar (chat/sidebar.ts → store/rooms.repo.ts listRoomsFor, store/reads.repo.ts unreadCounts)',
      run: () => sidebar(w.db, viewer),
    },
    { what: 'room page history (store/messages.repo.ts pageMessages)', run: () => history(w.db, room) },
    {
      what: `before page, before=${middle} (store/messages.repo.ts pageMessages)`,
      run: () => history(w.db, room, { before: middle }),
    },
    {
      what: `around page, around=${middle} (store/messages.repo.ts pageMessages)`,
      run: () => history(w.db, room, { around: middle }),
    },
    {
      what: `search "${SEARCH_WORD}" (store/search.repo.ts searchMessages)`,
      run: () => search(w.db, viewer, SEARCH_WORD),
    },
    {
      what: 'catch-up from last_seq − 500 (chat/catch-up.ts → store/room-events.repo.ts roomEvents)',
      run: () => catchUp(w.db, room, w.lastSeq - 500),
    },
  ]
}

const isRead = (q: CompiledQuery) => /^\s*(select|with)\b/i.test(q.sql)

async function explain(w: World, what: string, q: CompiledQuery): Promise<Plan> {
  const res = await w.sql.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN (ANALYZE, BUFFERS off, COSTS off) ${q.sql}`,
    q.parameters as unknown[],
  )
  const plan = res.rows.map((r) => r['QUERY PLAN'])
  const time = /Execution Time: ([\d.]+) ms/.exec(plan.at(-1) ?? '')
  return { what, sql: q.sql, plan, executionMs: Number(time?.[1] ?? Number.NaN) }
}

export async function explainAll(w: World): Promise<Plan[]> {
  const plans: Plan[] = []
  const { room } = await readableRoom(w.db, viewerOf(w), BENCH_ROOM)
  for (const uc of useCases(w, room)) {
    const queries = await w.capture(uc.run)
    for (const q of queries.filter(isRead)) plans.push(await explain(w, uc.what, q))
  }
  return plans
}

/** The plan's scans of `messages` ("Seq Scan", "Index Scan using messages_room_id_seq_key"…): the first thing to look at. */
function messageScans(p: Plan): string {
  const scans = p.plan.flatMap((line) => {
    const m =
      /((?:Parallel )?(?:Seq|Index|Index Only|Bitmap Heap) Scan(?: Backward)?(?: using \w+)?) on messages\b/.exec(
        line,
      )
    return m ? [m[1] as string] : []
  })
  return scans.join(', ') || '–'
}

export function plansMarkdown(plans: Plan[], messages: number): string {
  const lines = [
    `# Query plans at ${messages.toLocaleString('en')} messages`,
    '',
    'EXPLAIN (ANALYZE, BUFFERS off, COSTS off) of every read each use case sends, with its own parameters.',
    '',
    '| use case | statement | execution ms | how it reads messages |',
    '|---|--:|--:|---|',
    ...plans.map((p, i) => `| ${p.what} | ${i + 1} | ${p.executionMs.toFixed(2)} | ${messageScans(p)} |`),
    '',
  ]
  plans.forEach((p, i) => {
    lines.push(`## ${i + 1}. ${p.what}`, '', '```sql', p.sql.trim(), '```', '', '```', ...p.plan, '```', '')
  })
  return lines.join('\n')
}
