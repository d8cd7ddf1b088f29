// The Lua scripts behind the Redis call store. Redis runs each script as one atomic step, so no
// other client's command lands between a script's reads and writes. All keys of one call share
// the hash tag `{callId}`, so they sit in one cluster slot, as a multi-key script requires.

/**
 * Takes a call's lock if it is free and reads the call's state in the same step.
 * KEYS: lock, state. ARGV: token, lease in ms.
 * Returns `[1, state or nil]` when taken, `[0, ms left on the holder's lease]` when not.
 */
export const ACQUIRE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
`;

/**
 * Writes a call's state, or ends the call. With a token, only while that token still holds the
 * lock (a holder past its lease writes nothing), and the lock is released in the same step.
 * Ending deletes the state and leaves an "ended" marker for a while, so that a push still in
 * flight for the call (a dtmf racing the hangup) cannot write the state back.
 * KEYS: state, ended, lock. ARGV: token or '', state JSON or '' to end, ttl ms, ended-marker ms.
 * Returns 1 when written, 0 when the lock was lost, 2 when the call had already ended.
 */
export const WRITE_SCRIPT = `
if ARGV[1] ~= '' then
  if redis.call('GET', KEYS[3]) ~= ARGV[1] then return 0 end
  redis.call('DEL', KEYS[3])
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
  return 1
end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/**
 * Releases a call's lock if the token still holds it (after a handler failed).
 * KEYS: lock. ARGV: token.
 */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
