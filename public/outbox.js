// The messages on their way from this page, which sending.js sends and answers for: keyed by their send key,
// listed above the box as "sending…", and kept in sessionStorage per room, so that a reload (or the plain
// form post a page falls back to) sends again, with the same key, what was never confirmed. The server
// stores a key and text once, so one that was stored after all is only confirmed.
;(() => {
  const list = () => document.getElementById('sending')
  const form = () => document.getElementById('composer')
  const csrf = () => form()?.elements.namedItem('_csrf')?.value ?? ''
  const PREFIX = 'parley:outbox:'
  // Per room (by id: an address can move to another room) and per sign-in (the CSRF token is the session's):
  // someone who signs in next in this tab never sends what the last person left.
  const storageKey = () => `${PREFIX}${document.getElementById('room')?.dataset.roomId ?? ''}:${csrf()}`
  /**
   * key → { key, text, data: the frame as sent (null until it goes out), socket, tries, timer,
   * held: refused and listed with "Send again" and "Discard" (never sent again by itself) }
   */
  const pending = new Map()
  /** The frame a send is made of when it goes again without the one htmx made (after a reload, say). */
  const frame = (key, text) => JSON.stringify({ body: text, client_id: key, _csrf: csrf() })

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

  const button = (label, onClick) => {
    const b = document.createElement('button')
    b.type = 'button'
    b.textContent = label
    b.addEventListener('click', onClick)
    return b
  }

  // Refused and kept: "Send again" (sending.js sends it, same key and text) or "Discard".
  const heldItem = (key, text) => {
    const li = entryItem(key, text)
    li.className = 'send held'
    li.querySelector('.state').textContent = 'not sent'
    const again = button('Send again', () => window.parleyOutbox.sendAgain?.(key, li))
    const discard = button('Discard', () => {
      remove(key)
      li.remove()
    })
    li.append(' ', again, ' ', discard)
    return li
  }

  const save = () => {
    try {
      const kept = [...pending].map(([key, entry]) => ({ key, text: entry.text, held: entry.held === true }))
      if (kept.length > 0) sessionStorage.setItem(storageKey(), JSON.stringify(kept))
      else sessionStorage.removeItem(storageKey())
    } catch {
      // Storage full or refused (a private window): the page still sends; only a reload would forget.
    }
  }

  const add = (key, entry) => {
    pending.set(key, { ...entry, key })
    list()?.append(entry.held ? heldItem(key, entry.text) : entryItem(key, entry.text))
    save()
  }

  const remove = (key) => {
    pending.delete(key)
    save()
  }

  // What this room's page had not had confirmed before it was reloaded: listed again, and sent again (as a
  // resend, same key and text) once the socket has said where the page is; refused ones stay held.
  const restore = () => {
    let kept = []
    try {
      kept = JSON.parse(sessionStorage.getItem(storageKey()) ?? '[]')
    } catch {}
    if (!csrf() || !Array.isArray(kept)) return
    for (const { key, text, held } of kept) {
      if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(key) || typeof text !== 'string') continue
      if (pending.has(key)) continue
      add(key, { text, data: frame(key, text), socket: null, tries: 0, timer: 0, held: held === true })
    }
  }
  restore()

  // Signing out leaves nothing of this tab's unsent text behind (a shared computer).
  document.addEventListener('submit', (e) => {
    if (!(e.target instanceof HTMLFormElement) || !e.target.classList.contains('signout')) return
    try {
      for (const k of Object.keys(sessionStorage)) if (k.startsWith(PREFIX)) sessionStorage.removeItem(k)
    } catch {}
  })

  window.parleyOutbox = { pending, entryItem, heldItem, frame, add, remove, save }
})()
