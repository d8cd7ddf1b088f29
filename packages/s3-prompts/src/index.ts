export { parseS3Destination, type S3Destination } from './parse-s3-destination.js';
export { promptKey } from './prompt-key.js';
export {
  type PromptFile,
  type PromptManifest,
  type PublishedPrompt,
  type PublishPromptsOptions,
  type PublishResult,
  publishPrompts,
} from './publish-prompts.js';
