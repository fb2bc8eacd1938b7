import { type Config, ConfigError, readConfig } from './config.ts'
import { createLogger } from './log.ts'
import { startServer } from './server.ts'

let config: Config
try {
  config = readConfig()
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(`parley: configuration error: ${err.message}`)
  process.exit(2)
}
const log = createLogger(config.logLevel)
const running = await startServer(config, log)

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down')
    running.stop().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
