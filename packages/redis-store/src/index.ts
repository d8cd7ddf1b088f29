export {
  createRedisCallStore,
  type RedisCallStore,
  type RedisCallStoreOptions,
  type StoreLogger,
} from './create-redis-call-store.js';
export { parseRedisUrl, type RedisUrl, redactPassword } from './parse-redis-url.js';
