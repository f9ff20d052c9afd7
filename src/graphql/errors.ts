// The expected failures of a write, as GraphQL types: the classes of src/facts/errors.ts are
// registered as object types, so @pothos/plugin-errors turns a thrown one into a result value.
import { ConflictError, type FieldProblem, NotFoundError, ValidationError } from "../facts/errors.js";
import { builder } from "./builder.js";
import { encodeGlobalId } from "./global-id.js";

export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "An expected failure of a mutation, returned as a value in its result union.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, for a human." }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldProblem>("FieldError").implement({
  description: "One wrong input field and why.",
  fields: (t) => ({
    path: t.exposeStringList("path", {
      description: 'Where the field sits in the input: ["sourceIds", "0"]; empty for the input as a whole.',
    }),
    message: t.exposeString("message", { description: 'What is wrong with it: "must not be blank".' }),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input breaks a rule; nothing was written. `fields` names every wrong field.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.field({
      type: [FieldErrorRef],
      description: "Each wrong field with its problem.",
      resolve: (error) => error.fields,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "A referenced id names nothing that exists; nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    path: t.exposeStringList("path", { description: 'The input field holding the id: ["subjectIds", "1"].' }),
  }),
});

/**
 * The GraphQL type of the row a ConflictError points at, set by the mutation that met it. A
 * property, not a WeakMap entry: the errors plugin hands resolvers a Proxy of the thrown error.
 */
const EXISTING_TYPE = Symbol("existingType");
type TaggedConflict = ConflictError & { [EXISTING_TYPE]?: string };
export function conflictOf(error: unknown, typename: string): unknown {
  if (error instanceof ConflictError) (error as TaggedConflict)[EXISTING_TYPE] = typename;
  return error;
}

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "The fact is already recorded (same slug, same release, same statement); nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    existingId: t.id({
      nullable: true,
      description: "Global id of the object that already holds this fact, where known.",
      resolve: (error) => {
        const typename = (error as TaggedConflict)[EXISTING_TYPE];
        return typename && error.existingId !== undefined ? encodeGlobalId(typename, error.existingId) : null;
      },
    }),
  }),
});

export const MUTATION_ERRORS = [ValidationError, NotFoundError, ConflictError];
