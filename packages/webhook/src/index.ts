export {
  type CallState,
  type CallStore,
  createMemoryCallStore,
  type MemoryCallStore,
  type MemoryCallStoreOptions,
} from './call-store.js';
export {
  type BasicAuthCheck,
  type BasicAuthCredentials,
  createBasicAuthCheck,
} from './check-basic-auth.js';
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
export { XML_CONTENT_TYPE } from './http-replies.js';
export { sipgatePublicKey } from './sipgate-public-key.js';
export { type NodeListener, type NodeListenerOptions, toNodeListener } from './to-node-listener.js';
export {
  createSignatureVerifier,
  type PublicKeyInput,
  type SignatureVerifier,
} from './verify-signature.js';
export type {
  CallContext,
  EventHandler,
  HandlerResult,
  WebhookActionInput,
  WebhookGatherInput,
  WebhookOptions,
  WebhookResponseInput,
} from './webhook-options.js';
export type { CallbackUrls } from './wire-callbacks.js';
