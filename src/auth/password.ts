import { hash, verify } from '@node-rs/argon2'

// Argon2id (the library's default algorithm) with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

// Verifying against this keeps a login for an unknown user as slow as one for a known user.
const DUMMY_HASH = await hash('parley-dummy-password', OPTIONS)

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  try {
    return await verify(stored ?? DUMMY_HASH, password)
  } catch {
    return false
  }
}
