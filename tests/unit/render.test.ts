import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Message, Room } from '../../src/chat/types.ts'
import { reloadPieces, replayPieces } from '../../src/render/catch-up-frames.ts'
import { renderEventFrame, renderMessageFrame, renderRoomFrame } from '../../src/render/frames.ts'
import { escapeHtml, linkify } from '../../src/render/linkify.ts'
import { renderRoomPage } from '../../src/render/pages.ts'
import { pageView } from '../../src/render/view-models.ts'

const room: Room = {
  id: 1,
  slug: 'general',
  name: 'general',
  topic: 'Say hello',
  lastSeq: 7,
  private: false,
  archived: false,
}
const message: Message = {
  id: 42,
  roomId: 1,
  seq: 7,
  authorId: 3,
  author: 'alice',
  body: 'hi <b>there</b>\nsee https://example.org/a?b=1&c=2.',
  createdAt: new Date('2026-11-23T10:20:30Z'),
}

function article(html: string): string {
  const match = /<article[\s\S]*?<\/article>/.exec(html)
  assert.ok(match, 'an <article> is rendered')
  return match[0]
}

describe('message rendering', () => {
  it('renders the same <article> in the room page and in the socket frame', () => {
    const page = renderRoomPage({
      viewer: { user: { id: 3, username: 'alice', role: 'member' }, csrf: 't' },
      room,
      lastSeq: 7,
      sidebar: [{ ...room, unread: 0, mentions: 0 }],
      history: pageView(room, { messages: [message], hasOlder: false, hasNewer: false }),
      composer: { slug: 'general', live: true, csrf: 't', clientId: 'abcdefgh', body: '' },
    })
    const frame = renderMessageFrame(message)
    assert.equal(article(page), article(frame))
    assert.match(frame, /^<!--seq 7--><hx-partial hx-target="#messages" hx-swap="beforeend">/)
  })

  it('tags each message with its id, seq, author, time and escaped, linked body', () => {
    const html = article(renderMessageFrame(message))
    assert.match(html, /id="message-42" data-seq="7" data-author-id="3"/)
    assert.match(html, /<span class="author">alice<\/span>/)
    assert.match(html, /<time datetime="2026-11-23T10:20:30.000Z"/)
    assert.match(
      html,
      /hi &lt;b&gt;there&lt;\/b&gt;\nsee <a href="https:\/\/example.org\/a\?b=1&amp;c=2" rel="noopener nofollow ugc"/,
    )
    assert.doesNotMatch(html, /<b>/)
  })

  it('escapes usernames too', () => {
    const html = renderMessageFrame({ ...message, author: '<script>x</script>' })
    assert.doesNotMatch(html, /<script>/)
  })

  it('renders the composer in the room page keeping text and error (the no-JS answer to a refused post)', () => {
    const page = renderRoomPage({
      viewer: { user: { id: 3, username: 'alice', role: 'member' }, csrf: 'tok' },
      room,
      lastSeq: 7,
      sidebar: [{ ...room, unread: 0, mentions: 0 }],
      history: pageView(room, { messages: [], hasOlder: false, hasNewer: false }),
      composer: {
        slug: 'general',
        live: true,
        csrf: 'tok',
        clientId: 'abcdefgh',
        body: 'a<b',
        error: 'Too long',
      },
    })
    const form = /<form[^>]*id="composer"[\s\S]*?<\/form>/.exec(page)?.[0] ?? ''
    assert.match(form, />a&lt;b<\/textarea>/)
    assert.match(form, /role="alert">Too long</)
    assert.match(form, /name="client_id" value="abcdefgh"/)
    assert.match(form, / hx-ws:send/)
  })
})

describe('room event frames', () => {
  const edited = { ...message, body: 'now <i>fixed</i>', editedAt: new Date('2026-11-23T11:00:00Z') }

  it('replaces an edited message in place, by id, with "(edited)" and the seq of the edit', () => {
    const frame = renderEventFrame({ kind: 'edited', seq: 9, message: edited })
    assert.match(frame, /^<!--seq 9--><hx-partial hx-target="#message-42" hx-swap="outerHTML"><article /)
    assert.match(frame, /data-seq="7"/)
    assert.match(frame, /\(edited\)/)
    assert.match(frame, /now &lt;i&gt;fixed&lt;\/i&gt;/)
  })

  it('removes a deleted message by id, carrying no text', () => {
    const frame = renderEventFrame({ kind: 'deleted', seq: 10, message: { ...message, body: 'secret' } })
    assert.equal(
      frame.trim(),
      '<!--seq 10--><hx-partial hx-target="#message-42" hx-swap="delete"></hx-partial>',
    )
  })

  it('replays posts, edits and deletions in order, under the last seq it covers', () => {
    const pieces = [
      ...replayPieces(
        [
          { kind: 'created', seq: 8, message: { ...message, id: 43, seq: 8 } },
          { kind: 'edited', seq: 9, message: edited },
          { kind: 'deleted', seq: 11, message: { ...message, id: 44, seq: 5 } },
        ],
        12,
        64 * 1024,
      ),
    ]
    assert.equal(pieces.length, 1, 'one piece when it fits')
    const frame = pieces[0] as string
    assert.match(frame, /^<!--seq 12-->/)
    const order = [...frame.matchAll(/<hx-partial hx-target="#(message-\d+|messages)" hx-swap="(\w+)"/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    )
    assert.deepEqual(order, ['messages beforeend', 'message-42 outerHTML', 'message-44 delete'])
  })

  it('cuts a long replay into pieces, each under the last seq it holds, one event more only when alone', () => {
    const events = [8, 9, 10].map((seq) => ({
      kind: 'created' as const,
      seq,
      message: { ...message, id: 40 + seq, seq, body: 'x'.repeat(1000) },
    }))
    const pieces = [...replayPieces(events, 12, 1500)]
    assert.deepEqual(
      pieces.map((p) => /^<!--seq (\d+)-->/.exec(p)?.[1]),
      ['8', '9', '12'],
    )
  })

  it('re-renders the latest page for a reader too far behind: the first piece replaces the log', () => {
    const history = pageView(room, { messages: [message], hasOlder: true, hasNewer: false })
    const [first, ...rest] = [...reloadPieces(history, 12, 64 * 1024)]
    assert.equal(rest.length, 0)
    assert.match(first as string, /^<!--seq 12--><hx-partial hx-target="#messages" hx-swap="innerHTML">/)
    assert.equal(article(first as string), article(renderMessageFrame(message)))
  })

  it('updates the header of every open page of a room, escaping its name and topic', () => {
    const frame = renderRoomFrame({
      ...room,
      name: '<b>x</b>',
      topic: '<img src=x onerror=1>',
      archived: true,
    })
    assert.match(frame, /<hx-partial hx-target="#room-head" hx-swap="outerHTML">/)
    assert.match(frame, /&lt;b&gt;x&lt;\/b&gt;/)
    assert.doesNotMatch(frame, /<img|<b>/)
    assert.match(
      frame,
      /hx-target="#composer" hx-swap="outerHTML"><p id="composer" class="composer-note archived-note"/,
    )
  })
})

describe('linkify', () => {
  it('escapes every HTML character', () => {
    assert.equal(
      escapeHtml(`<a href="x" onclick='y'>&`),
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;',
    )
  })

  it('links only http(s) URLs', () => {
    assert.equal(linkify('javascript:alert(1) data:text/html,x'), 'javascript:alert(1) data:text/html,x')
    assert.match(
      linkify('go to http://a.example/x now'),
      /go to <a href="http:\/\/a.example\/x" rel="noopener nofollow ugc" target="_blank">http:\/\/a.example\/x<\/a> now/,
    )
  })

  it('leaves sentence punctuation outside the link but keeps balanced parentheses', () => {
    assert.match(
      linkify('(see https://en.wikipedia.org/wiki/Foo_(bar)).'),
      /href="https:\/\/en.wikipedia.org\/wiki\/Foo_\(bar\)"/,
    )
    assert.match(
      linkify('see https://x.example/a.'),
      /href="https:\/\/x.example\/a"[^>]*>https:\/\/x.example\/a<\/a>\.$/,
    )
  })

  it('cannot be broken out of an attribute', () => {
    const html = linkify('https://x.example/"onmouseover="alert(1)')
    assert.doesNotMatch(html, /"onmouseover/)
  })
})
