import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Message, Room } from '../../src/chat/types.ts'
import { renderComposerFrame, renderMessageFrame } from '../../src/render/frames.ts'
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

  it('renders the composer frame for #composer only, keeping text and error', () => {
    const frame = renderComposerFrame({
      slug: 'general',
      live: true,
      csrf: 'tok',
      clientId: 'abcdefgh',
      body: 'a<b',
      error: 'Too long',
    })
    assert.match(frame, /^<hx-partial hx-target="#composer" hx-swap="outerHTML">/)
    assert.match(frame, />a&lt;b<\/textarea>/)
    assert.match(frame, /role="alert">Too long</)
    assert.match(frame, /name="client_id" value="abcdefgh"/)
    assert.match(frame, / hx-ws:send/)
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
