export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
export { findFreePort } from './free-port.js';
export { type PushOutcome, postKeepAlive } from './post-keep-alive.js';
export {
  hasProgram,
  hasRedisServer,
  REDIS_SERVER_PACKAGE,
  type RedisServerHandle,
  type RedisServerOptions,
  redisServerOrSkip,
  startRedisServer,
} from './start-redis-server.js';
export {
  type ProxiedRequest,
  type RoundRobinProxy,
  startRoundRobinProxy,
} from './start-round-robin-proxy.js';
export {
  type S3Request,
  type S3ServerHandle,
  type S3ServerOptions,
  startS3Server,
} from './start-s3-server.js';
