import pino from 'pino'

export type Logger = pino.Logger

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { app: 'parley' },
    redact: {
      paths: [
        'password',
        '*.password',
        'req.headers.cookie',
        'headers.cookie',
        '*.set-cookie',
        '_csrf',
        '*._csrf',
      ],
      censor: '[redacted]',
    },
  })
}
