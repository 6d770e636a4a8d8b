import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, CfnResource, Construct, Stack, Token } from './cdk';
import { evaluateIntrinsics } from './intrinsics';
import { possiblePartitions } from './partition';

// The hook aws-cdk-lib's synthesis calls on every construct that has one (`addCustomSynthesis` in
// core/lib/private/synthesis.ts), after aspects, preparation and validation, with the cloud assembly's
// directory. A global symbol, so it is shared by every copy of aws-cdk-lib in the process. aws-cdk-lib
// documents it as meant for its own libraries; it is unchanged from 2.88 to current releases, and the
// tests that read the files from the assembly fail if a release drops it. Nothing else gets the assembly
// directory after aspects have run without replacing the stack synthesizer, which is the user's to choose.
const CUSTOM_SYNTHESIS = Symbol.for('@aws-cdk/core:customSynthesis');

/**
 * Writes files into the cloud assembly when the app is synthesized: `write` is called with the
 * assembly directory once the construct tree is final (aspects such as permissions boundaries applied).
 * A child construct of `scope` with id `id` carries the hook.
 */
export function writeAtSynthesis(scope: Construct, id: string, write: (outdir: string) => void): void {
  const carrier = new Construct(scope, id);
  Object.defineProperty(carrier, CUSTOM_SYNTHESIS, {
    value: { onSynthesize: (session: { outdir: string }) => write(session.outdir) },
    enumerable: false,
  });
}

/** Writes `text` to `outdir/fileName`. */
export function writeFile(outdir: string, fileName: string, text: string): void {
  fs.writeFileSync(path.join(outdir, fileName), text);
}

/** A value of the template rendered as text, and the references in it that synthesis cannot know. */
export interface RenderedValue {
  readonly text: any;
  readonly unknown: string[];
}

/**
 * Renders template values as people read them: the stack's account, region and partition when they
 * are concrete, `${AWS::AccountId}` style placeholders when not, and the ARN of each IAM role,
 * instance profile and managed policy of the stack whose name is concrete. Other references become
 * `${LogicalId}` or `${LogicalId.Attribute}`, as in `Fn::Sub`.
 */
export class TemplateValues {
  private readonly pseudo: Record<string, string> = {};
  private readonly elements = new Map<string, CfnElement>();
  private readonly logicalIds = new Map<CfnElement, string>();
  private readonly knownArns = new Map<CfnResource, { readonly arn: string | undefined; readonly unknown: string[] }>();

  constructor(private readonly stack: Stack) {
    if (!Token.isUnresolved(stack.account)) {
      this.pseudo['AWS::AccountId'] = stack.account;
    }
    if (!Token.isUnresolved(stack.region)) {
      this.pseudo['AWS::Region'] = stack.region;
      const [partition] = possiblePartitions(stack);
      this.pseudo['AWS::Partition'] = partition;
      this.pseudo['AWS::URLSuffix'] = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    }
    if (!Token.isUnresolved(stack.stackName)) {
      this.pseudo['AWS::StackName'] = stack.stackName;
    }
    this.pseudo['AWS::NoValue'] = '';
    for (const child of stack.node.findAll()) {
      if (CfnElement.isCfnElement(child) && Stack.of(child) === stack) {
        this.elements.set(this.logicalId(child), child);
      }
    }
  }

  /** The element's logical id in the template. */
  public logicalId(element: CfnElement): string {
    let id = this.logicalIds.get(element);
    if (id === undefined) {
      id = this.stack.resolve(element.logicalId) as string;
      this.logicalIds.set(element, id);
    }
    return id;
  }

  /** The element with this logical id, if the stack has one. */
  public element(logicalId: string): CfnElement | undefined {
    return this.elements.get(logicalId);
  }

  /** `value` (a token, or a structure with tokens) with every reference synthesis can know evaluated. */
  public render(value: any): RenderedValue {
    return this.renderResolved(this.stack.resolve(value));
  }

  /** Like `render`, for a value already resolved with `stack.resolve`. */
  public renderResolved(resolved: any): RenderedValue {
    const unknown: string[] = [];
    const text = this.evaluate(resolved, unknown);
    return { text, unknown: [...new Set(unknown)] };
  }

  private evaluate(resolved: any, unknown: string[]): any {
    return evaluateIntrinsics(resolved, this.pseudo, (expression) => {
      const known = this.knownReference(expression, unknown);
      if (known !== undefined) {
        return known;
      }
      const placeholder = placeholderOf(expression);
      unknown.push(placeholder);
      return placeholder;
    });
  }

  // The ARN of a named IAM resource of this stack (`Ref` of a managed policy, `Fn::GetAtt` Arn of a
  // role or instance profile), built the way IAM builds it: `arn:P:iam::A:<type><path><name>`.
  private knownReference(expression: any, unknown: string[]): string | undefined {
    const [logicalId, attribute] = 'Ref' in expression
      ? [expression.Ref, 'Ref']
      : 'Fn::GetAtt' in expression && Array.isArray(expression['Fn::GetAtt']) ? expression['Fn::GetAtt'] : [undefined, undefined];
    const element = logicalId === undefined ? undefined : this.elements.get(logicalId);
    if (!(element instanceof CfnResource)) {
      return undefined;
    }
    const type = NAMED_IAM_TYPES[element.cfnResourceType];
    if (type === undefined || type[1] !== attribute) {
      return undefined;
    }
    // Each role, instance profile and policy is referred to many times (every policy that names it, the
    // fragments): its ARN is built once, with the references it met on the way.
    let known = this.knownArns.get(element);
    if (known === undefined) {
      const own: string[] = [];
      known = { arn: this.arnOf(element, type, own), unknown: own };
      this.knownArns.set(element, known);
    }
    unknown.push(...known.unknown);
    return known.arn;
  }

  private arnOf(element: CfnResource, [arnType, , nameProperty]: [string, string, string], unknown: string[]): string | undefined {
    const props = element as any;
    const name = this.evaluate(this.stack.resolve(props[nameProperty]), unknown);
    const iamPath = this.evaluate(this.stack.resolve(props.path), unknown) ?? '/';
    if (typeof name !== 'string' || name.includes('${') || typeof iamPath !== 'string') {
      return undefined;
    }
    const prefix = ['AWS::Partition', 'AWS::AccountId'].map((p) => this.pseudo[p] ?? `\${${p}}`);
    return `arn:${prefix[0]}:iam::${prefix[1]}:${arnType}${iamPath}${name}`;
  }
}

// The IAM resources whose ARN follows from their name and path: the ARN's resource type, the attribute that
// gives the ARN (`Ref` or `Fn::GetAtt` `Arn`), and the L1 property holding the name.
const NAMED_IAM_TYPES: Record<string, [string, string, string]> = {
  'AWS::IAM::Role': ['role', 'Arn', 'roleName'],
  'AWS::IAM::InstanceProfile': ['instance-profile', 'Arn', 'instanceProfileName'],
  'AWS::IAM::ManagedPolicy': ['policy', 'Ref', 'managedPolicyName'],
};

/** `${AWS::Region}`, `${LogicalId}`, `${LogicalId.Arn}`, or the intrinsic's name for anything else. */
function placeholderOf(expression: any): string {
  if ('Ref' in expression) {
    return `\${${expression.Ref}}`;
  }
  if ('Fn::GetAtt' in expression && Array.isArray(expression['Fn::GetAtt'])) {
    return `\${${expression['Fn::GetAtt'].join('.')}}`;
  }
  return `\${${Object.keys(expression)[0]}}`;
}
