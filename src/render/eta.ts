import { fileURLToPath } from 'node:url'
import { Eta } from 'eta'

export const VIEWS_DIR = fileURLToPath(new URL('../../views/', import.meta.url))

/** The one Eta instance: `<%= %>` escapes, templates are compiled once and cached. */
export const eta = new Eta({ views: VIEWS_DIR, cache: true, autoEscape: true })
