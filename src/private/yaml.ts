/**
 * A value the YAML emitter writes: strings, booleans, numbers, lists and maps (in key insertion order).
 * `undefined` map entries are left out, so optional keys can be written inline.
 */
export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue | undefined };

// A string is written unquoted only when YAML would read it back as the same string: it starts with a
// letter, digit or `/` and contains only characters that are never YAML syntax in that position (ARNs,
// names, paths). Everything else, including CDK token strings (`${Token[...]}`), is double-quoted,
// which JSON's string syntax does validly for YAML.
const PLAIN = /^[A-Za-z0-9/][A-Za-z0-9_.\/:@+=,*-]*$/;
// Plain scalars that YAML 1.1 or 1.2 would read as something other than a string.
const NOT_A_STRING = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:e[-+]?\d+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i;

/**
 * Renders `value` as a YAML document: two-space indentation, block style, list items indented under
 * their key (ParallelCluster's own examples use this layout), a trailing newline. The same value always
 * gives the same bytes. No dependency: this library must not bundle one for a few lines of YAML.
 */
export function toYaml(value: YamlValue): string {
  return lines(value, 0).join('\n') + '\n';
}

function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') {
    return String(value);
  }
  return PLAIN.test(value) && !NOT_A_STRING.test(value) ? value : JSON.stringify(value);
}

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== 'object';
}

function lines(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isScalar(value)) {
    return [pad + scalar(value)];
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return [pad + '[]'];
    }
    return value.flatMap((item) => {
      if (isScalar(item)) {
        return [`${pad}- ${scalar(item)}`];
      }
      // The first line of a nested block goes after the dash; the others keep its indentation.
      const [first, ...rest] = lines(item, indent + 2);
      return [`${pad}- ${first.substring(indent + 2)}`, ...rest];
    });
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined) as Array<[string, YamlValue]>;
  if (entries.length === 0) {
    return [pad + '{}'];
  }
  return entries.flatMap(([key, v]) => {
    if (isScalar(v)) {
      return [`${pad}${scalar(key)}: ${scalar(v)}`];
    }
    if ((Array.isArray(v) && v.length === 0) || (!Array.isArray(v) && Object.values(v).every((x) => x === undefined))) {
      return [`${pad}${scalar(key)}: ${Array.isArray(v) ? '[]' : '{}'}`];
    }
    return [`${pad}${scalar(key)}:`, ...lines(v, indent + 2)];
  });
}
