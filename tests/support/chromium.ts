import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

const SYSTEM = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
]

function playwrightOwn(): string | undefined {
  try {
    const path = chromium.executablePath()
    return existsSync(path) ? path : undefined
  } catch {
    return undefined
  }
}

/**
 * A Chromium to test with: CHROMIUM_PATH, else the system's, else Playwright's own, which is installed
 * when none is found and the internet is there. Never silently absent: it throws, saying what to do.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv} does not exist`)
    return fromEnv
  }
  const found = SYSTEM.find((p) => existsSync(p)) ?? playwrightOwn()
  if (found) return found
  const install = spawnSync('npx', ['playwright-core', 'install', 'chromium'], {
    stdio: 'inherit',
    timeout: 300_000,
  })
  const installed = install.status === 0 ? playwrightOwn() : undefined
  if (installed) return installed
  throw new Error(
    'No Chromium found for the browser tests. Install one (Debian: apt-get install chromium) ' +
      'or set CHROMIUM_PATH to a Chrome/Chromium binary.',
  )
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}
