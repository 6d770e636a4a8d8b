/**
 * Evaluates the CloudFormation intrinsics that appear in resolved IAM policy documents
 * (`Ref`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::Sub` of pseudo parameters) to plain strings.
 *
 * Used to size policies against IAM's quotas before deployment, and to print readable ARNs in the
 * permissions report. `pseudo` maps `AWS::*` pseudo parameters to the values to assume; every other
 * reference (a resource in the template, an import) is passed to `unknown`, which returns the text to
 * put in its place.
 */
export function evaluateIntrinsics(
  value: any,
  pseudo: Record<string, string>,
  unknown: (expression: any) => string,
): any {
  const evaluate = (v: any): any => evaluateIntrinsics(v, pseudo, unknown);
  if (Array.isArray(value)) {
    return value.map(evaluate);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key];
    switch (key) {
      case 'Ref':
        return arg in pseudo ? pseudo[arg] : unknown(value);
      case 'Fn::Join': {
        const [separator, parts] = arg;
        const evaluated = evaluate(parts);
        return Array.isArray(evaluated) ? evaluated.map(String).join(separator) : unknown(value);
      }
      case 'Fn::Select': {
        const [index, list] = arg;
        const evaluated = evaluate(list);
        return Array.isArray(evaluated) ? evaluated[Number(evaluate(index))] : unknown(value);
      }
      case 'Fn::Split': {
        const [separator, source] = arg;
        const evaluated = evaluate(source);
        return typeof evaluated === 'string' ? evaluated.split(separator) : unknown(value);
      }
      case 'Fn::Sub':
        if (typeof arg === 'string') {
          return arg.replace(/\$\{([^}]+)\}/g, (_m, name: string) => (name in pseudo ? pseudo[name] : unknown({ Ref: name })));
        }
        return unknown(value);
      case 'Fn::GetAtt':
      case 'Fn::ImportValue':
      case 'Fn::If':
      case 'Fn::FindInMap':
      case 'Fn::GetAZs':
      case 'Fn::Base64':
        return unknown(value);
      default:
        break;
    }
  }
  const result: Record<string, any> = {};
  for (const key of keys) {
    result[key] = evaluate(value[key]);
  }
  return result;
}
