import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, readConfig } from '../../src/config.ts'
import { parseInt8, pgTypes } from '../../src/store/int8.ts'
import { isOutcomeUnknown, OutcomeUnknown } from '../../src/store/pg-errors.ts'

describe('int8 (bigint) values read as JS numbers', () => {
  it('are exact up to 2^53 and refused beyond', () => {
    assert.equal(parseInt8('2147483648'), 2 ** 31)
    assert.equal(parseInt8('9007199254740991'), Number.MAX_SAFE_INTEGER)
    assert.throws(() => parseInt8('9007199254740993'), RangeError)
  })
  it('in node-pg, scalars and arrays alike; other types as node-pg parses them', () => {
    assert.equal(pgTypes.getTypeParser(20, 'text')('4294967296'), 2 ** 32)
    assert.deepEqual(pgTypes.getTypeParser(1016, 'text')('{1,NULL,2147483648}'), [1, null, 2 ** 31])
    assert.equal(pgTypes.getTypeParser(23, 'text')('7'), 7)
    assert.equal(pgTypes.getTypeParser(25, 'text')('x'), 'x')
  })
})

describe('isOutcomeUnknown', () => {
  it('is true for OutcomeUnknown, also as the cause of another error, and false otherwise', () => {
    const unknown = new OutcomeUnknown('the database did not answer in time')
    assert.equal(isOutcomeUnknown(unknown), true)
    assert.equal(isOutcomeUnknown(new Error('wrapped', { cause: unknown })), true)
    assert.equal(unknown.code, '08006', 'still a connection failure to code that knows nothing more')
    for (const other of [new Error('connect ECONNREFUSED'), { code: '57014' }, undefined, 'x'])
      assert.equal(isOutcomeUnknown(other), false)
  })
})

describe('database settings', () => {
  it('bound every statement by DB_QUERY_TIMEOUT_MS (10 s) with DB_POOL_SIZE connections (10)', () => {
    assert.deepEqual(readConfig({}).db, { queryTimeoutMs: 10_000, poolSize: 10 })
    assert.deepEqual(readConfig({ DB_QUERY_TIMEOUT_MS: '2500', DB_POOL_SIZE: '6' }).db, {
      queryTimeoutMs: 2500,
      poolSize: 6,
    })
    for (const env of [{ DB_QUERY_TIMEOUT_MS: '0' }, { DB_QUERY_TIMEOUT_MS: 'soon' }, { DB_POOL_SIZE: '4' }])
      assert.throws(() => readConfig(env), ConfigError)
  })
})
