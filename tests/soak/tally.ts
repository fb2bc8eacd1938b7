/** What a send got back: its answer frame, or nothing because the socket closed or it took too long. */
export type Answer = string | 'closed' | 'timeout'

const alertOf = (f: string) => /role="alert">([^<]*)</.exec(f)?.[1] ?? 'no error shown'

/** What every client did and saw; one instance shared by all clients of a run. */
export class Tally {
  sent = 0
  accepted = 0
  rateLimited = 0
  /** Refused as intended: a blank or over-long body sent on purpose. */
  refused = 0
  /** A valid body refused for another reason than the rate limit, or an invalid one accepted. */
  wrongAnswers = 0
  /** No answer came back within the wait. */
  unanswered = 0
  reconnects = 0
  oversize = 0
  malformed = 0
  framesIn = 0
  connectFailures = 0
  socketErrors = 0
  /** Seqs of its room a socket never got although it got later ones (after resumes included). */
  gaps = 0
  readonly unexpectedCloses: string[] = []
  readonly samples: string[] = []
  readonly acceptedIds = new Set<string>()
  readonly refusedIds = new Set<string>()
  /** Sent, but the socket went away before an answer: stored or not, both are fine. */
  readonly unknownIds = new Set<string>()
  /** What each send key carried: the server stores a message under storedKey(author, key, text). */
  readonly sends = new Map<string, { username: string; body: string }>()

  /** Files one send under what its answer (or the lack of one) said. */
  judge(id: string, valid: boolean, answer: Answer): void {
    if (answer === 'closed' || answer === 'timeout') {
      this.unknownIds.add(id)
      if (answer === 'timeout') this.unanswered++
      return
    }
    if (answer.includes('Slow down')) {
      this.rateLimited++
      this.refusedIds.add(id)
      return
    }
    // Not known yet (the database away): the page would send it again; stored or not, both are fine.
    if (answer.includes('class="send retry"')) {
      this.unknownIds.add(id)
      return
    }
    const ok = answer.includes('class="send sent"')
    ;(ok ? this.acceptedIds : this.refusedIds).add(id)
    if (ok && valid) this.accepted++
    else if (!ok && !valid) this.refused++
    else {
      this.wrongAnswers++
      this.note(ok ? 'an invalid body was accepted' : `a valid body was refused: ${alertOf(answer)}`)
    }
  }

  /** Keeps a few examples of each kind of problem for the report. */
  note(what: string): void {
    if (this.samples.length < 10 && !this.samples.includes(what)) this.samples.push(what)
  }
}

/** Outcomes checked against the database once the server has stopped. */
export interface StoredCheck {
  rows: number
  acceptedMissing: number
  acceptedDuplicated: number
  refusedStored: number
  storedUnaccounted: number
}

export interface Memory {
  startMb: number
  peakMb: number
  afterMb: number
}

export interface RunFacts {
  clients: number
  rooms: number
  seconds: number
  backend: string
  logErrors: string[]
  logWarnings: Map<string, number>
  aliveAtEnd: boolean
  memory: Memory
  stored: StoredCheck
}

/** Every reason the run failed; none means PASS. */
export function failures(t: Tally, f: RunFacts): string[] {
  const out: string[] = []
  const check = (bad: boolean, why: string) => bad && out.push(why)
  check(t.accepted === 0, 'no message was accepted')
  check(t.wrongAnswers > 0, `${t.wrongAnswers} sends got the wrong answer`)
  check(t.unanswered > 0, `${t.unanswered} sends got no answer`)
  check(t.unexpectedCloses.length > 0, `${t.unexpectedCloses.length} unexpected socket closes`)
  check(t.connectFailures > 0, `${t.connectFailures} socket upgrades failed`)
  check(t.gaps > 0, `${t.gaps} messages missing from a socket's stream`)
  check(f.stored.acceptedMissing > 0, `${f.stored.acceptedMissing} accepted messages not stored`)
  check(f.stored.acceptedDuplicated > 0, `${f.stored.acceptedDuplicated} accepted messages stored twice`)
  check(f.stored.refusedStored > 0, `${f.stored.refusedStored} refused messages stored`)
  check(f.stored.storedUnaccounted > 0, `${f.stored.storedUnaccounted} stored messages nobody saw accepted`)
  check(f.memory.afterMb > 1.2 * f.memory.startMb, 'RSS after the run is above 1.2 × RSS at start')
  check(f.logErrors.length > 0, `${f.logErrors.length} error lines in the server log`)
  check(!f.aliveAtEnd, 'the server process died')
  return out
}

export function printSummary(t: Tally, f: RunFacts, failed: string[]): void {
  const mb = (n: number) => `${n.toFixed(0)} MB`
  const lines = [
    `backend           ${f.backend}`,
    `clients           ${f.clients} in ${f.rooms} rooms`,
    `duration          ${(f.seconds / 60).toFixed(2)} min (${f.seconds} s)`,
    `messages sent     ${t.sent}`,
    `  accepted        ${t.accepted}`,
    `  rate-limited    ${t.rateLimited}`,
    `  refused         ${t.refused} (invalid on purpose)`,
    `  wrong answer    ${t.wrongAnswers}`,
    `  unanswered      ${t.unanswered}`,
    `  unknown         ${t.unknownIds.size} (socket closed before the answer)`,
    `stored rows       ${f.stored.rows} (missing ${f.stored.acceptedMissing}, twice ${f.stored.acceptedDuplicated}, refused ${f.stored.refusedStored}, unaccounted ${f.stored.storedUnaccounted})`,
    `frames received   ${t.framesIn}`,
    `reconnects        ${t.reconnects}`,
    `oversize frames   ${t.oversize}`,
    `malformed frames  ${t.malformed}`,
    `unexpected closes ${t.unexpectedCloses.length}${t.unexpectedCloses.length ? ` (${t.unexpectedCloses.slice(0, 5).join(', ')})` : ''}`,
    `upgrade failures  ${t.connectFailures}; client socket errors ${t.socketErrors}; stream gaps ${t.gaps}`,
    `log errors        ${f.logErrors.length}; warnings ${[...f.logWarnings].map(([m, n]) => `${n}× "${m}"`).join(', ') || 0}`,
    `RSS               start ${mb(f.memory.startMb)} / peak ${mb(f.memory.peakMb)} / after ${mb(f.memory.afterMb)} (limit ${mb(1.2 * f.memory.startMb)})`,
    `server alive      ${f.aliveAtEnd ? 'yes' : 'NO'}`,
  ]
  console.log(`\n=== Parley soak ===\n${lines.join('\n')}`)
  for (const line of f.logErrors.slice(0, 5)) console.log(`  log: ${line}`)
  for (const s of t.samples) console.log(`  seen: ${s}`)
  console.log(failed.length === 0 ? 'PASS' : `FAIL\n${failed.map((w) => `  - ${w}`).join('\n')}`)
}
