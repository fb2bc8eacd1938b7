import { renderSideItem, type SideItem } from '../../render/frames.ts'
import type { Client } from '../socket/client.ts'
import { sideOf } from './side-state.ts'

/** A room as its sidebar entry names it. */
interface RoomName {
  id: number
  slug: string
  name: string
}

/**
 * Sends a socket the sidebar entries of the rooms whose counts moved. Rooms' names and addresses are kept
 * once per node, not per socket; and since many sockets show the same counts (everyone who has not read a busy
 * room), each distinct entry is rendered once.
 */
export class SideFrames {
  private readonly names = new Map<number, RoomName>()
  private readonly rendered = new Map<string, string>()

  /** Keeps these rooms' names and addresses; returns the ids of those that changed (renamed, re-addressed). */
  remember(rooms: RoomName[]): number[] {
    const changed: number[] = []
    for (const r of rooms) {
      const was = this.names.get(r.id)
      if (was && (was.name !== r.name || was.slug !== r.slug)) changed.push(r.id)
      this.names.set(r.id, { id: r.id, slug: r.slug, name: r.name })
    }
    return changed
  }

  send(client: Client, roomIds: number[]): void {
    const parts = roomIds.flatMap((id) => {
      const e = sideOf(client)?.get(id)
      const r = this.names.get(id)
      if (!e || !r) return []
      return [
        this.render({
          id,
          slug: r.slug,
          name: r.name,
          unread: e.unread,
          mentions: e.mentions,
          current: false,
        }),
      ]
    })
    if (parts.length > 0) client.send(parts.join(''))
  }

  /** The page's person may no longer read the room: its entry leaves their sidebar, state and page alike. */
  drop(client: Client, roomId: number): void {
    sideOf(client)?.delete(roomId)
    client.send(`<hx-partial hx-target="#side-${Number(roomId)}" hx-swap="delete"></hx-partial>`)
  }

  private render(item: SideItem): string {
    const key = `${item.id} ${item.unread} ${item.mentions} ${item.slug} ${item.name}`
    let html = this.rendered.get(key)
    if (html === undefined) {
      if (this.rendered.size > 10_000) this.rendered.clear()
      html = renderSideItem(item)
      this.rendered.set(key, html)
    }
    return html
  }
}
