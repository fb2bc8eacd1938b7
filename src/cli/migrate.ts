import { openCliStore } from './open.ts'

// `npm run migrate`: applies pending migrations/*.sql (the server also does this when it starts).
const store = await openCliStore()
console.log(`database is up to date (${store.kind})`)
await store.close()
