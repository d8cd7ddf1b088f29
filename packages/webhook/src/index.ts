export {
  type CallState,
  type CallStateChange,
  type CallStore,
  createMemoryCallStore,
  type MemoryCallStore,
  type MemoryCallStoreOptions,
} from './call-store.js';
export type { CallbackUrls } from './callback-urls.js';
export {
  type AllowListOptions,
  createSourceAddressCheck,
  type SourceAddressCheck,
} from './check-source-address.js';
export {
  createWebhookHandler,
  type RequestInfo,
  type WebhookHandler,
} from './create-webhook-handler.js';
export { type ExpressMiddleware, expressMiddleware } from './express-middleware.js';
export {
  type FastifyInstanceLike,
  type FastifyReplyLike,
  type FastifyRequestLike,
  type FastifyWebhookPlugin,
  fastifyPlugin,
} from './fastify-plugin.js';
export { XML_CONTENT_TYPE } from './push-answers.js';
export { DEFAULT_MAX_BODY_BYTES } from './read-body.js';
export type { JwkExportable, PublicKeyInput } from './read-rsa-public-key.js';
export type {
  CallLogSink,
  CheckVerdict,
  PushExchange,
  PushNotes,
} from './record-push.js';
export { sipgatePublicKey } from './sipgate-public-key.js';
export { type NodeListener, toNodeListener } from './to-node-listener.js';
export { createSignatureVerifier, type SignatureVerifier } from './verify-signature.js';
export type { LogMethod, WebhookLogger } from './webhook-logger.js';
export type {
  CallContext,
  EventHandler,
  HandlerResult,
  WebhookActionInput,
  WebhookGatherInput,
  WebhookOptions,
  WebhookResponseInput,
} from './webhook-options.js';
