// The composer's extras: "is typing" signals (at most one every 2 s), a draft kept per room in this tab
// (it survives reconnects and reloads until sent), and picking an @mention from the suggestion list.
;(() => {
  const TYPING_EVERY_MS = 2000
  const box = () => document.getElementById('composer-body')
  const draftKey = () => `parley:draft:${document.getElementById('room')?.dataset.slug ?? ''}`
  let typedAt = 0

  document.addEventListener('input', (e) => {
    if (e.target !== box()) return
    const text = e.target.value
    save(text)
    const now = Date.now()
    if (text.trim() && now - typedAt > TYPING_EVERY_MS) {
      typedAt = now
      window.parley?.send({ type: 'typing' })
    }
  })

  // A reload brings the draft back.
  const restore = () => {
    const el = box()
    if (!el) return
    let draft = null
    try {
      draft = sessionStorage.getItem(draftKey())
    } catch {}
    if (el.value === '' && draft) el.value = draft
  }
  const save = (text) => {
    try {
      if (text) sessionStorage.setItem(draftKey(), text)
      else sessionStorage.removeItem(draftKey())
    } catch {}
  }
  // Sent: the draft goes at once (a reload right after sending must not bring it back)...
  document.addEventListener(
    'submit',
    (e) => {
      if (e.target instanceof HTMLFormElement && e.target.id === 'composer') save('')
      typedAt = 0
    },
    true,
  )
  // ...and comes back if the server refused the message (sending.js puts its text back into the box).
  document.addEventListener('parley:draft', () => save(box()?.value ?? ''))
  document.addEventListener('DOMContentLoaded', restore)

  // A suggestion replaces the "@prefix" being typed at the end of the text. Its characters are a username's
  // (src/mentions.ts): tests/unit/mention-composer.test.ts keeps this pattern in step with that one.
  document.addEventListener('click', (e) => {
    const pick = e.target instanceof Element ? e.target.closest('[data-mention]') : null
    const el = box()
    if (!pick || !el) return
    el.value = el.value.replace(/@[A-Za-z0-9_.-]*$/, `@${pick.dataset.mention} `)
    document.getElementById('mentions')?.replaceChildren()
    el.focus()
  })
})()
