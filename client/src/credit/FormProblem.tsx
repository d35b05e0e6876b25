import { isApiError } from '../api.js';
import { RefusalBox } from '../award/RefusalBox.js';

/** A refused form: the shared refusal box (message, code, detail, rule and source) and the server's field problems. */
export function FormProblem({ error, testId }: { error: unknown; testId: string }) {
  if (error === null) return null;
  const fields = isApiError(error) ? (error.problem?.errors ?? []) : [];
  return (
    <div data-testid={`${testId}-wrap`}>
      <RefusalBox error={error} testId={testId} />
      {fields.length > 0 && (
        <ul className="form-error" data-testid={`${testId}-fields`}>
          {fields.map((f, i) => (
            <li key={i}>
              <code>{f.path.join('.')}</code>: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
