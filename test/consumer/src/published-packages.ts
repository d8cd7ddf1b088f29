import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/consumer/src/published-packages.ts). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The fields of a package.json the checks read. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
  repository?: { type?: string; url?: string; directory?: string } | string;
  engines?: { node?: string };
  exports?: Record<string, unknown>;
  main?: string;
  types?: string;
  bin?: Record<string, string> | string;
  license?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** A workspace that is published: its folder (relative to the root) and manifest. */
export interface PublishedPackage {
  directory: string;
  manifest: PackageJson;
}

export async function readPackageJson(directory: string): Promise<PackageJson> {
  return JSON.parse(await readFile(path.join(directory, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * Every workspace of the root package.json that is not `private`: what `changeset publish` would
 * put on npm. Workspace entries are folders or `folder/*`.
 */
export async function listPublishedPackages(): Promise<PublishedPackage[]> {
  const root = await readPackageJson(REPOSITORY_ROOT);
  const directories: string[] = [];
  for (const pattern of root.workspaces ?? []) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      const entries = await readdir(path.join(REPOSITORY_ROOT, parent), { withFileTypes: true });
      for (const entry of entries) {
        if (entry.isDirectory()) directories.push(`${parent}/${entry.name}`);
      }
    } else {
      directories.push(pattern);
    }
  }
  const packages: PublishedPackage[] = [];
  for (const directory of directories.sort()) {
    let manifest: PackageJson;
    try {
      manifest = await readPackageJson(path.join(REPOSITORY_ROOT, directory));
    } catch {
      continue; // a folder without package.json is not a workspace
    }
    if (manifest.private !== true) packages.push({ directory, manifest });
  }
  return packages;
}
