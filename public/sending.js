// Messages on their way. Each send gets a key of its own, made here when it is sent (the form's hidden
// client_id is the no-JS key, one per page), and stays listed as "sending…" until the server answers:
// - stored: the entry goes once the message itself is on the page (it comes through the room, like everyone's);
// - refused: the error shows in the composer and the text comes back into it if it is empty (one refused text
//   at a time; any other, or one refused while something is being typed, stays listed with "Send again");
// - not stored yet, or not known to be (the database away): the entry says so and is sent again, same key
//   and text, which the server stores once whatever happened to the first try.
// After a reconnect (or a reload: outbox.js keeps the list), what went out without an answer is sent again,
// after the resume frame.
;(() => {
  const box = () => document.getElementById('composer-body')
  const list = () => document.getElementById('sending')
  const MAX_WAIT_MS = 30_000
  const outbox = window.parleyOutbox
  const { pending, entryItem, heldItem } = outbox
  let socket = null
  let lastMinted = null

  // getRandomValues works on plain http too (randomUUID needs a secure context).
  const newKey = () =>
    [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('')
  const keyOf = (li) => li.id.slice('send-'.length)
  const same = (a, b) => a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n')

  document.addEventListener('htmx:ws:before:message:outgoing', (e) => {
    const form = e.target
    if (!(form instanceof HTMLFormElement) || form.id !== 'composer') return
    const values = e.detail.message.values
    const text = typeof values.body === 'string' ? values.body : ''
    const key = newKey()
    values.client_id = key
    outbox.add(key, { text, data: null, socket: null, tries: 0, timer: 0 })
    lastMinted = key
    // The text is in the list now: the box is free for the next message at once.
    const el = box()
    if (el && same(el.value, text)) el.value = ''
    el?.removeAttribute('aria-invalid')
    el?.focus()
    const error = document.getElementById('composer-error')
    if (error) error.hidden = true
    document.getElementById('mentions')?.replaceChildren()
  })

  document.addEventListener('htmx:ws:after:message:outgoing', (e) => {
    const entry = pending.get(e.detail.message.values?.client_id)
    if (!entry) return
    entry.data = e.detail.message.data
    entry.socket = e.detail.connection.socket
  })

  // chat.js has just said where the page is (the resume frame): what the old socket never answered goes again.
  document.addEventListener('parley:resumed', (e) => {
    socket = e.detail.socket
    for (const entry of pending.values()) if (!entry.held) resend(entry)
  })

  // Marked as a resend: the server never refuses one as too quick (its first try may be stored), it says
  // "trying again" instead.
  const asResend = (data) => {
    try {
      return JSON.stringify({ ...JSON.parse(data), resend: true })
    } catch {
      return data
    }
  }

  const resend = (entry) => {
    if (entry.socket === socket || socket?.readyState !== WebSocket.OPEN) return
    socket.send(asResend(entry.data ?? outbox.frame(entry.key, entry.text)))
    entry.socket = socket
  }

  // Sent again after a while, growing, while the entry says "trying again".
  const retry = (li) => {
    const entry = pending.get(keyOf(li))
    if (!entry) return li.remove()
    if (entry.timer) return
    const wait = Math.min(MAX_WAIT_MS, 1000 * 2 ** entry.tries++)
    entry.timer = setTimeout(() => {
      entry.timer = 0
      entry.socket = null
      resend(entry)
    }, wait)
  }

  // A refused text comes back into the box when the box is empty. Otherwise (something is being typed, or
  // another refused text is there) it stays listed, with its own "Send again": a refused message is never
  // merged into another one, nor overwritten by what comes next.
  const restore = (failed) => {
    for (const li of failed) {
      const key = keyOf(li)
      const entry = pending.get(key)
      clearTimeout(entry?.timer)
      if (entry) entry.timer = 0
      const el = box()
      if (entry?.text.trim() && el && (el.value.trim() || el.getAttribute('aria-invalid') === 'true')) {
        entry.held = true
        outbox.save()
        li.replaceWith(heldItem(key, entry.text))
        continue
      }
      outbox.remove(key)
      li.remove()
      if (!el || !entry?.text.trim()) continue
      el.value = entry.text
      el.setAttribute('aria-invalid', 'true')
      el.setAttribute('aria-describedby', 'composer-error')
      document.dispatchEvent(new CustomEvent('parley:draft'))
    }
  }

  // "Send again": the same key and text, as a resend (stored once whatever became of the first try).
  outbox.sendAgain = (key, li) => {
    const entry = pending.get(key)
    if (!entry) return li.remove()
    entry.held = false
    entry.socket = null
    outbox.save()
    li.replaceWith(entryItem(key, entry.text))
    resend(entry)
  }

  document.addEventListener('htmx:ws:after:message:incoming', () => {
    const ol = list()
    if (!ol) return
    for (const li of ol.querySelectorAll('li.sent')) {
      clearTimeout(pending.get(keyOf(li))?.timer)
      outbox.remove(keyOf(li))
      if (document.getElementById(li.dataset.message)) li.remove()
    }
    restore([...ol.querySelectorAll('li.failed')])
    // Once per "trying again" answer (each swaps in a new entry), not on every frame that comes meanwhile.
    for (const li of ol.querySelectorAll('li.retry:not([data-armed])')) {
      li.dataset.armed = ''
      retry(li)
    }
  })

  // htmx drops a send when its socket is closed for good: post the form the old way instead. If this send's
  // key was made already, its text (and key) go back into the form first.
  document.addEventListener('htmx:ws:error', (e) => {
    const form = e.target
    const err = String(e.detail?.error ?? '')
    if (!(form instanceof HTMLFormElement) || !/Connection (not open|closed)|queue is full/.test(err)) return
    const entry = lastMinted && pending.get(lastMinted)
    if (!/not open/.test(err) && entry && !entry.data) {
      outbox.remove(lastMinted)
      document.getElementById(`send-${lastMinted}`)?.remove()
      const el = box()
      if (el) el.value = entry.text
      if (form.elements.client_id) form.elements.client_id.value = lastMinted
    }
    form.submit()
  })
})()
