// A page whose socket is lost says so, and one whose socket keeps being closed backs off.
// htmx reconnects by itself, but it starts its backoff again on every open: a socket closed right after it
// opened (a server cutting it, a proxy dropping it) would be reopened twice a second for ever, and silently.
// Here a socket that did not stay open STABLE_MS counts as a failed attempt, so the waits grow (0.5 s, 1 s,
// 2 s … up to htmx's reconnectMaxDelay), and the reader sees "Connection lost. Retrying in N s…".
;(() => {
  const STABLE_MS = 10_000
  let openedAt = 0
  let failures = 0
  let countdown = 0

  const status = () => {
    let el = document.getElementById('connection-status')
    if (!el) {
      el = document.createElement('p')
      el.id = 'connection-status'
      el.className = 'connection-status'
      el.setAttribute('role', 'status')
      el.hidden = true
      document.getElementById('room')?.prepend(el)
    }
    return el
  }
  const say = (text) => {
    const el = status()
    el.textContent = text
    el.hidden = !text
  }

  document.addEventListener('htmx:ws:after:connection', () => {
    openedAt = Date.now()
    clearInterval(countdown)
    say('')
  })

  document.addEventListener('htmx:ws:close', (e) => {
    const { connection, code, reason } = e.detail ?? {}
    if (!connection || reason !== 'closed') return
    clearInterval(countdown)
    const lived = openedAt ? Date.now() - openedAt : 0
    openedAt = 0
    // 4xxx: the server says this page may not be here (chat.js says why). A hidden tab closes on purpose.
    if (code >= 4000 && code < 5000) return
    if (!connection.config?.reconnectCodes?.includes(code)) {
      say('This page is no longer live: reload it to continue.')
      return
    }
    if (document.hidden) return
    failures = lived >= STABLE_MS ? 0 : failures + 1
    // htmx adds one to this before it picks the delay: carry the failures over its reset on open.
    connection.attempt = Math.max(connection.attempt ?? 0, failures)
    say('Connection lost. Reconnecting…')
  })

  // Fired by htmx just before it waits to reconnect, with the attempt it is on.
  document.addEventListener('htmx:ws:before:connection', (e) => {
    const connection = e.detail?.connection
    if (!connection?.attempt || document.hidden) return
    const cfg = connection.config ?? {}
    const base = Number(htmx.parseInterval?.(cfg.reconnectDelay) ?? cfg.reconnectDelay) || 500
    const max = Number(htmx.parseInterval?.(cfg.reconnectMaxDelay) ?? cfg.reconnectMaxDelay) || 60_000
    const until = Date.now() + Math.min(base * 2 ** (connection.attempt - 1), max)
    const tick = () => {
      const left = Math.ceil((until - Date.now()) / 1000)
      say(left > 0 ? `Connection lost. Retrying in ${left} s…` : 'Reconnecting…')
    }
    clearInterval(countdown)
    tick()
    countdown = setInterval(tick, 1000)
  })
})()
