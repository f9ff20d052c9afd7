// Expected failures of a write. They are values in the API (result unions), not crashes.

export type FieldProblem = { path: string[]; message: string };

export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(readonly fields: FieldProblem[]) {
    super(`Invalid input: ${fields.map((f) => `${f.path.join(".") || "input"}: ${f.message}`).join("; ")}`);
  }
}

export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(
    message: string,
    readonly path: string[] = [],
  ) {
    super(message);
  }
}

export class ConflictError extends Error {
  override name = "ConflictError";
  constructor(
    message: string,
    /** The row that already holds this fact, so an importer can treat it as a duplicate. */
    readonly existingId?: number,
    /** The standing facts that forbid a retraction. */
    readonly blocking: { typename: string; id: number }[] = [],
  ) {
    super(message);
  }
}

export type FactError = ValidationError | NotFoundError | ConflictError;

export function isFactError(error: unknown): error is FactError {
  return error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError;
}
