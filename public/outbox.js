// The messages on their way from this page, which sending.js sends and answers for: keyed by their send key,
// listed above the box as "sending…", and kept in sessionStorage per room, so that a reload (or the plain
// form post a page falls back to) sends again, with the same key, what was never confirmed. The server
// stores a key and text once, so one that was stored after all is only confirmed.
;(() => {
  const list = () => document.getElementById('sending')
  const form = () => document.getElementById('composer')
  const csrf = () => form()?.elements.namedItem('_csrf')?.value ?? ''
  // Per room and per sign-in (the CSRF token is the session's): someone who signs in next in this tab never
  // sends what the last person left.
  const storageKey = () => `parley:outbox:${form()?.getAttribute('action') ?? location.pathname}:${csrf()}`
  /** key → { text, data: the frame as sent (null until it goes out), socket, tries, timer, held } */
  const pending = new Map()

  const entryItem = (key, text) => {
    const li = document.createElement('li')
    li.id = `send-${key}`
    li.className = 'send'
    const body = document.createElement('span')
    body.className = 'body'
    body.textContent = text
    const state = document.createElement('span')
    state.className = 'state'
    state.textContent = 'sending…'
    li.append(body, ' ', state)
    return li
  }

  const save = () => {
    try {
      const kept = [...pending].map(([key, entry]) => ({ key, text: entry.text }))
      if (kept.length > 0) sessionStorage.setItem(storageKey(), JSON.stringify(kept))
      else sessionStorage.removeItem(storageKey())
    } catch {
      // Storage full or refused (a private window): the page still sends; only a reload would forget.
    }
  }

  const add = (key, entry) => {
    pending.set(key, entry)
    list()?.append(entryItem(key, entry.text))
    save()
  }

  const remove = (key) => {
    pending.delete(key)
    save()
  }

  // What this room's page had not had confirmed before it was reloaded: listed again, and sent again (as a
  // resend, same key and text) once the socket has said where the page is.
  const restore = () => {
    let kept = []
    try {
      kept = JSON.parse(sessionStorage.getItem(storageKey()) ?? '[]')
    } catch {}
    const token = csrf()
    if (!token || !Array.isArray(kept)) return
    for (const { key, text } of kept) {
      if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(key) || typeof text !== 'string') continue
      if (pending.has(key)) continue
      const data = JSON.stringify({ body: text, client_id: key, _csrf: token })
      add(key, { text, data, socket: null, tries: 0, timer: 0 })
    }
  }
  restore()

  window.parleyOutbox = { pending, entryItem, add, remove, save }
})()
