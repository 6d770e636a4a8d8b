import type { Document, LineCounter } from 'yaml';
import { yamlLib } from '../private/lazy-modules';

/** A step of a YAML path: a map key or a list index. */
export type YamlStep = string | number;

/** `Scheduling/SlurmQueues[1]/Name`: how ParallelCluster's docs and error messages write a setting's place. */
export function displayPath(path: YamlStep[]): string {
  let out = '';
  for (const step of path) {
    out += typeof step === 'number' ? `[${step}]` : `${out === '' ? '' : '/'}${step}`;
  }
  return out === '' ? '(document)' : out;
}

/**
 * The text of a configuration file read as bytes. A byte sequence that is not UTF-8 is refused with
 * its line, as ParallelCluster refuses the file (it opens it with encoding="utf-8", 3.16.1 wheel pcluster/utils.py:371-374 `load_yaml_dict`,
 * which raises on such bytes): replacing it silently would change a name or ARN the policies are built from.
 */
export function decodeUtf8(fileName: string, bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    let start = 0;
    let line = 1;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          decoder.decode(bytes.subarray(start, i));
        } catch {
          throw new Error(`${fileName}:${line}: the file is not valid UTF-8 (line ${line} has a byte sequence that is not UTF-8). ` +
            'ParallelCluster reads configuration files as UTF-8: save the file as UTF-8.');
        }
        start = i + 1;
        line++;
      }
    }
    throw new Error(`${fileName}: the file is not valid UTF-8. ParallelCluster reads configuration files as UTF-8: save the file as UTF-8.`);
  }
}

/**
 * A ParallelCluster configuration file parsed with the `yaml` library's Document API (so comments and
 * key order survive into the completed configuration), with typed readers that fail with the file's
 * name, the line and the YAML path of the bad value.
 */
export class YamlSource {
  /**
   * Parses `text`; invalid YAML fails with the line to fix (which is not always where the parser
   * stopped: an unclosed `[` or quote is found lines later) and that line's text.
   */
  public static parse(fileName: string, text: string): YamlSource {
    const lines = new (yamlLib().LineCounter)();
    const doc = yamlLib().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = lineToFix(text.split('\n'), error.code, lines.linePos(error.pos[0]).line, lines.linePos(error.pos[1]).line);
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      const shown = text.split('\n')[line - 1]?.trim() ?? '';
      throw new Error(`${fileName}:${line}: invalid YAML: ${message}${shown ? ` (line ${line}: ${JSON.stringify(shown.substring(0, 80))})` : ''}. Fix the file's syntax.`);
    }
    const source = new YamlSource(fileName, text, doc, lines);
    if (doc.contents !== null && !yamlLib().isMap(doc.contents)) {
      throw source.error([], 'is not a YAML mapping: a ParallelCluster configuration is a map of sections such as HeadNode and Scheduling');
    }
    return source;
  }

  private constructor(
    public readonly fileName: string,
    public readonly text: string,
    public readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** An error naming the file, the line of `path` (or of its nearest existing parent) and the path. */
  public error(path: YamlStep[], message: string): Error {
    return new Error(`${this.fileName}:${this.line(path)}: ${displayPath(path)} ${message}`);
  }

  /** The 1-based line of the node at `path`, or of its nearest existing parent. */
  public line(path: YamlStep[]): number {
    for (let n = path.length; n >= 0; n--) {
      const node: any = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (node && node.range) {
        return this.lines.linePos(node.range[0]).line;
      }
    }
    return 1;
  }

  /** Whether `path` is set (to anything but null). */
  public has(path: YamlStep[]): boolean {
    const node: any = this.doc.getIn(path, true);
    return node !== undefined && !(yamlLib().isScalar(node) && node.value === null);
  }

  /** The string at `path`, or undefined when absent; anything but a string fails. */
  public str(path: YamlStep[]): string | undefined {
    const node: any = this.doc.getIn(path, true);
    if (node === undefined || (yamlLib().isScalar(node) && node.value === null)) {
      return undefined;
    }
    if (!yamlLib().isScalar(node) || typeof node.value !== 'string') {
      throw this.error(path, `must be a string, got ${describe(node)}`);
    }
    return node.value;
  }

  /** The string at `path`, failing when absent. */
  public requiredStr(path: YamlStep[], why: string): string {
    const value = this.str(path);
    if (value === undefined) {
      throw this.error(path, `is missing: ${why}`);
    }
    return value;
  }

  /** The boolean at `path`, or undefined. */
  public bool(path: YamlStep[]): boolean | undefined {
    const node: any = this.doc.getIn(path, true);
    if (node === undefined || (yamlLib().isScalar(node) && node.value === null)) {
      return undefined;
    }
    if (!yamlLib().isScalar(node) || typeof node.value !== 'boolean') {
      throw this.error(path, `must be true or false, got ${describe(node)}`);
    }
    return node.value;
  }

  /** The number of items of the list at `path` (0 when absent); anything but a list fails. */
  public listLength(path: YamlStep[]): number {
    const node: any = this.doc.getIn(path, true);
    if (node === undefined || (yamlLib().isScalar(node) && node.value === null)) {
      return 0;
    }
    if (!yamlLib().isSeq(node)) {
      throw this.error(path, `must be a list, got ${describe(node)}`);
    }
    return node.items.length;
  }

  /** Whether the node at `path` is a map (failing for anything else that is set). */
  public isMapAt(path: YamlStep[]): boolean {
    const node: any = this.doc.getIn(path, true);
    if (node === undefined || (yamlLib().isScalar(node) && node.value === null)) {
      return false;
    }
    if (!yamlLib().isMap(node)) {
      throw this.error(path, `must be a map, got ${describe(node)}`);
    }
    return true;
  }
}

function describe(node: any): string {
  if (yamlLib().isMap(node)) {
    return 'a map';
  }
  if (yamlLib().isSeq(node)) {
    return 'a list';
  }
  if (yamlLib().isScalar(node)) {
    return `${typeof node.value} ${JSON.stringify(node.value)}`;
  }
  return 'an unsupported YAML node';
}

/**
 * The line a user has to change for a YAML syntax error (1-based), from the parser's error code and the
 * lines where the error starts and ends:
 * - an unclosed flow collection or quote is reported where the parser gave up (often the next key): the
 *   line to fix is the last one before that which opens a `[`, `{` or quote it does not close;
 * - a key that runs over two lines is a missing `:` on its first line, or an over-indented second line.
 */
export function lineToFix(lines: string[], code: string, start: number, end: number): number {
  if (code === 'MULTILINE_IMPLICIT_KEY' || code === 'BLOCK_AS_IMPLICIT_KEY') {
    const first = stripComment(lines[start - 1] ?? '');
    if (!/:(\s|$)/.test(first)) {
      return start;
    }
    // The key is complete: the next line, more indented than it may be, continues it.
    for (let n = Math.max(start + 1, end); n <= lines.length; n++) {
      if (stripComment(lines[n - 1]).trim() !== '') {
        return n;
      }
    }
  }
  if (code === 'MISSING_CHAR' || code === 'BAD_INDENT' || code === 'UNEXPECTED_TOKEN') {
    for (let n = Math.min(start, lines.length); n >= 1; n--) {
      if (unbalanced(stripComment(lines[n - 1]))) {
        return n;
      }
    }
  }
  return start;
}

function stripComment(line: string): string {
  return line.replace(/(^|\s)#.*$/, '');
}

/** Whether a line opens a flow collection or a quote that it does not close. */
function unbalanced(line: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  let previous = '';
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && /^$|[:\-[{,]$/.test(previous)) {
      // A quote starts a scalar only where a value starts (the apostrophe of `don't` does not).
      quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
    } else if (c === ']' || c === '}') {
      depth--;
    }
    if (c.trim() !== '') previous = c;
  }
  return quote !== undefined || depth > 0;
}
