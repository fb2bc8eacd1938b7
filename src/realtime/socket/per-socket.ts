import type { Client } from './client.ts'

/**
 * State a feature keeps for each socket, made on first use and gone with the socket (a WeakMap keyed by it):
 * the connection itself carries none of it.
 */
export function perSocket<T>(make: () => T): (client: Client) => T {
  const states = new WeakMap<Client, T>()
  return (client) => {
    let state = states.get(client)
    if (state === undefined) {
      state = make()
      states.set(client, state)
    }
    return state
  }
}
