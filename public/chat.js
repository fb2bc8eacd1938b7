// Parley's few lines of browser JavaScript. Everything else is htmx and server-rendered HTML.
// - keep the log at the newest message when the reader is at the bottom, and leave a reader who scrolled up alone;
// - tell the server the last message this page has on every (re)connection, so it replays what was missed;
// - never show a message twice;
// - Enter sends, Shift+Enter makes a new line;
// - say how far the reader has read (visible tab, at the bottom), for the unread counts.
// reading.js (times, days, grouping), compose.js (typing, drafts, @mentions) and sending.js (a key per send,
// "sending…" until stored, sent again after a reconnect; the plain POST when the socket is gone) do the rest.
;(() => {
  const NEAR_BOTTOM_PX = 80
  const log = () => document.getElementById('messages')
  let stick = true

  const atBottom = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX
  const toBottom = () => {
    const el = log()
    if (el) el.scrollTop = el.scrollHeight
  }
  // The room's last event (message, edit or deletion) this page has: from the page, then from each frame's
  // leading <!--seq N--> comment.
  let lastSeq = Number(document.getElementById('room')?.dataset.lastSeq) || 0
  const SEQ = /<!--seq (\d+)-->/g

  document.addEventListener('DOMContentLoaded', () => {
    if (location.hash.startsWith('#message-')) document.querySelector(location.hash)?.scrollIntoView()
    else toBottom()
  })

  // The room shows when it is live and when it is reconnecting (and tests wait on it).
  const setState = (state) => {
    const room = document.getElementById('room')
    if (room) room.dataset.ws = state
  }
  const ENDED = {
    4401: 'You signed out. Sign in again to keep chatting.',
    4403: 'You no longer have access to this room.',
    4404: 'This room was deleted.',
    default: 'This page is no longer live. Reload it to continue.',
  }
  // 4xxx: the server says this page may not be here any more (signed out, removed); htmx will not reconnect.
  document.addEventListener('htmx:ws:close', (e) => {
    const code = e.detail?.code ?? 0
    setState(code >= 4000 && code < 5000 ? 'ended' : 'closed')
    const notice = document.getElementById('notice')
    if (code >= 4000 && code < 5000 && notice) notice.textContent = ENDED[code] ?? ENDED.default
    if (code === 4404) location.assign('/?notice=room-deleted')
  })

  // The open socket, for our own small frames (read marks here, typing signals from compose.js).
  let socket = null
  const send = (frame) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame))
  }
  window.parley = { send }

  document.addEventListener('htmx:ws:after:connection', (e) => {
    setState('open')
    socket = e.detail.connection.socket
    socket.send(JSON.stringify({ type: 'resume', last_seq: lastSeq }))
    // Now, before htmx sends what it queued: sending.js sends again what the old socket never answered.
    document.dispatchEvent(new CustomEvent('parley:resumed', { detail: { socket } }))
    markRead()
  })

  // Read = the newest message is on screen in a visible tab. Said at most once a second.
  let readTimer = 0
  let saidRead = 0
  const markRead = () => {
    clearTimeout(readTimer)
    readTimer = setTimeout(() => {
      const el = log()
      if (!el || document.visibilityState !== 'visible' || !atBottom(el) || lastSeq <= saidRead) return
      saidRead = lastSeq
      send({ type: 'read', seq: lastSeq })
    }, 1000)
  }
  document.addEventListener('visibilitychange', markRead)
  document.addEventListener('scroll', markRead, true)

  document.addEventListener('htmx:ws:before:message:incoming', (e) => {
    const el = log()
    stick = el ? atBottom(el) : false
    const data = e.detail.message.data
    if (typeof data !== 'string') return
    // Under load several room frames arrive as one message: each keeps its own marker.
    for (const m of data.matchAll(SEQ)) lastSeq = Math.max(lastSeq, Number(m[1]))
    // A new message this page already shows (it can arrive twice around a reconnect) is not appended again.
    const partials = data.split('<hx-partial ').length - 1
    const appends = data.split('<hx-partial hx-target="#messages" hx-swap="beforeend">').length - 1
    if (partials === 0 || partials !== appends) return
    const ids = [...data.matchAll(/<article class="message" id="(message-\d+)"/g)].map((m) => m[1])
    if (ids.length > 0 && ids.every((id) => document.getElementById(id))) e.preventDefault()
  })

  // Links that post (delete, deactivate) have no form: they carry the page's CSRF token as a header.
  document.addEventListener('htmx:config:request', (e) => {
    const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content')
    if (token && e.detail?.ctx?.request?.headers) e.detail.ctx.request.headers['X-CSRF-Token'] = token
  })

  document.addEventListener('htmx:ws:after:message:incoming', () => {
    document.querySelector('#messages > .empty')?.remove()
    if (stick) toBottom()
    markRead()
  })

  document.addEventListener('keydown', (e) => {
    const t = e.target
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || !(t instanceof HTMLTextAreaElement)) return
    if (t.id !== 'composer-body') return
    e.preventDefault()
    t.form?.requestSubmit()
  })
})()
