import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates a folder (mode 0700) and its missing parents, one level at a time. Not fs.mkdirSync's recursive
 * mode: in Node 20 it never returns for some paths that cannot be created (under /proc, where mkdir answers
 * ENOENT for a parent that exists), which would hang start-up instead of refusing it.
 */
export function ensureDirSync(dir: string): void {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of missing) {
    try {
      fs.mkdirSync(folder, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, '${dir}'`), { code: 'ENOTDIR' });
  }
}
