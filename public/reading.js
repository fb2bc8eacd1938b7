// Reading history: times in the reader's own time zone, day dividers ("Today", "Yesterday", a date),
// consecutive messages of one author grouped, and a "new messages" button when the reader has scrolled up.
// Without JavaScript the server's UTC times stand and nothing is grouped.
;(() => {
  const GROUP_MS = 5 * 60_000
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
  const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' })
  const date = new Intl.DateTimeFormat(undefined, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
  })
  const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
  const dayName = (d) => {
    const today = new Date()
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1)
    if (dayKey(d) === dayKey(today)) return 'Today'
    if (dayKey(d) === dayKey(yesterday)) return 'Yesterday'
    return date.format(d)
  }

  // Recomputed over the whole log after every change: a few hundred articles at most, so it stays cheap.
  const layout = () => {
    const log = document.getElementById('messages')
    if (!log) return
    for (const old of log.querySelectorAll(':scope > .day-divider')) old.remove()
    let prev = null
    for (const article of log.querySelectorAll(':scope > article.message')) {
      const t = article.querySelector('time')
      const when = new Date(t?.getAttribute('datetime') ?? '')
      if (Number.isNaN(when.getTime())) continue
      if (t && !t.dataset.local) {
        t.textContent = time.format(when)
        t.title = full.format(when)
        t.dataset.local = '1'
      }
      const newDay = !prev || dayKey(prev.when) !== dayKey(when)
      if (newDay) {
        const divider = document.createElement('div')
        divider.className = 'day-divider'
        divider.setAttribute('role', 'separator')
        divider.textContent = dayName(when)
        article.before(divider)
      }
      const same = prev && !newDay && prev.author === article.dataset.authorId && when - prev.when < GROUP_MS
      article.classList.toggle('grouped', Boolean(same))
      prev = { when, author: article.dataset.authorId }
    }
  }

  // "New messages ↓": shown when something arrives below a reader who scrolled up; gone at the bottom.
  const jump = () => document.getElementById('jump')
  const atBottom = (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 80
  document.addEventListener('htmx:ws:after:message:incoming', (e) => {
    layout()
    const log = document.getElementById('messages')
    const button = jump()
    if (log && button && !atBottom(log) && /hx-swap="beforeend"/.test(String(e.detail?.message?.data)))
      button.hidden = false
  })
  document.addEventListener(
    'scroll',
    (e) => {
      const button = jump()
      if (button && e.target?.id === 'messages' && atBottom(e.target)) button.hidden = true
    },
    true,
  )
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('#jump')) return
    const log = document.getElementById('messages')
    if (log) log.scrollTop = log.scrollHeight
    jump().hidden = true
  })
  document.addEventListener('htmx:after:swap', layout)
  document.addEventListener('DOMContentLoaded', layout)
})()
