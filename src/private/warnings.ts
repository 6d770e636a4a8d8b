import { Annotations, IConstruct } from './cdk';

/**
 * Adds a warning with an ID the user can acknowledge (`Annotations.of(scope).acknowledgeWarning(id)`, so
 * that `cdk synth --strict` passes). `addWarningV2` first shipped after the peer floor (aws-cdk-lib 2.88):
 * with an older aws-cdk-lib the warning still carries the ID, in the same ` [ack: <id>]` form.
 */
export function addAcknowledgeableWarning(scope: IConstruct, id: string, message: string): void {
  const annotations = Annotations.of(scope) as Annotations & { addWarningV2?: (id: string, message: string) => void };
  if (typeof annotations.addWarningV2 === 'function') {
    annotations.addWarningV2(id, message);
  } else {
    annotations.addWarning(`${message} [ack: ${id}]`);
  }
}
