import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RegexLiteral {
  /** file:line, relative to the repository. */
  where: string;
  source: string;
  flags: string;
}

const ROOT = path.resolve(__dirname, '../..');

/** Every regular expression written in the TypeScript under these folders: /literals/ and new RegExp('constant', 'flags'). */
export function regexLiterals(folders: string[]): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  for (const folder of folders) {
    for (const file of tsFiles(path.join(ROOT, folder))) {
      const text = fs.readFileSync(file, 'utf8');
      const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      const where = (node: ts.Node) => `${path.relative(ROOT, file)}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const visit = (node: ts.Node) => {
        if (ts.isRegularExpressionLiteral(node)) {
          const literal = node.text;
          const slash = literal.lastIndexOf('/');
          found.push({ where: where(node), source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
        } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
          const [pattern, flags] = node.arguments ?? [];
          if (pattern && ts.isStringLiteralLike(pattern)) {
            found.push({ where: where(node), source: pattern.text, flags: flags && ts.isStringLiteralLike(flags) ? flags.text : '' });
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sourceFile);
    }
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}
