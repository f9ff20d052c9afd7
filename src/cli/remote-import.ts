// `npm run import -- FILE --url …`: the records of a facts file written through a running
// service's mutations, one request per record, with the same outcomes as a local import: a
// record's own fault (a ValidationError, NotFoundError, a conflict without an existing object,
// or a GraphQL error about its input) rejects that record; anything else stops the import.
import type { Kind, RecordWriter } from "../facts/import.js";
import { RecordRejected } from "../facts/import.js";
import { KIND_ENTRIES } from "../facts/kinds.js";
import { type GraphQLErrorBody, messages, type Remote, RemoteError } from "./remote.js";

/** Each kind's add mutation, named after its GraphQL type: addRelease(input: AddReleaseInput). */
const MUTATION = Object.fromEntries(
  KIND_ENTRIES.map(({ spec, file }) => [
    file.key,
    { field: `add${spec.typename}`, input: `Add${spec.typename}Input`, type: spec.typename },
  ]),
) as Record<Kind, { field: string; input: string; type: string }>;

/** Errors about one record's input: the request was fine, the record is not. */
const RECORD_CODES = new Set(["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "REQUEST_ENTITY_TOO_LARGE"]);
/** graphql-js's answer to an input of the wrong shape (a string for a number), which has no code. */
const BAD_VARIABLE = /^Variable "\$input" got invalid value/;

const ofRecord = (error: GraphQLErrorBody) =>
  RECORD_CODES.has(error.extensions?.code ?? "") || BAD_VARIABLE.test(error.message);

/** The add mutations' argument that makes a retracted fact with the same natural key a duplicate. */
const RETRACTED_ARE_DUPLICATES = "retractedAreDuplicates";

type Answer = { __typename: string; id?: string; message?: string; existingId?: string | null };

/**
 * Writes each record with the service's add mutation; ids are the service's global ids. Fields
 * its input type does not have are left out, as a local import ignores them.
 */
export function serviceWriter(call: Remote): RecordWriter<string> {
  const known = new Map<string, Promise<Set<string>>>();
  const fieldsOf = (inputType: string) => {
    let fields = known.get(inputType);
    if (!fields) {
      fields = call<{ __type?: { inputFields?: { name: string }[] } }>(
        "query ($name: String!) { __type(name: $name) { inputFields { name } } }",
        { name: inputType },
      ).then((result) => {
        const names = result.data?.__type?.inputFields?.map((f) => f.name);
        if (!names) throw new RemoteError(`The service does not describe ${inputType}: ${messages(result)}`);
        return new Set(names);
      });
      known.set(inputType, fields);
    }
    return fields;
  };
  let mutationArgs: Promise<Map<string, Set<string>>> | undefined;
  const argsOf = async (field: string) => {
    mutationArgs ??= call<{ __schema?: { mutationType?: { fields: { name: string; args: { name: string }[] }[] } } }>(
      "{ __schema { mutationType { fields { name args { name } } } } }",
    ).then((result) => {
      const fields = result.data?.__schema?.mutationType?.fields;
      if (!fields) throw new RemoteError(`The service does not describe its mutations: ${messages(result)}`);
      return new Map(fields.map((f) => [f.name, new Set(f.args.map((a) => a.name))]));
    });
    return (await mutationArgs).get(field) ?? new Set<string>();
  };
  return async (kind, record) => {
    const { field, input: inputType, type } = MUTATION[kind];
    const [fields, args] = await Promise.all([fieldsOf(inputType), argsOf(field)]);
    const input = Object.fromEntries(Object.entries(record).filter(([name]) => fields.has(name)));
    // As a local import does: a file run again must not bring back a fact retracted since. (A
    // service too old to have the argument is asked without it.)
    const retracted = args.has(RETRACTED_ARE_DUPLICATES) ? `, ${RETRACTED_ARE_DUPLICATES}: true` : "";
    const result = await call<{ result?: Answer }>(
      `mutation ($input: ${inputType}!) { result: ${field}(input: $input${retracted}) {
        __typename ... on Node { id } ... on Error { message } ... on ConflictError { existingId } } }`,
      { input },
    );
    const answer = result.data?.result;
    if (!answer) {
      if (result.errors?.length && result.errors.every(ofRecord)) {
        throw new RecordRejected(messages(result));
      }
      throw new RemoteError(`The service did not take a ${type}: ${messages(result)}`);
    }
    if (answer.__typename === type && answer.id) return { status: "added", id: answer.id };
    if (answer.__typename === "ConflictError" && answer.existingId)
      return { status: "duplicate", id: answer.existingId };
    throw new RecordRejected(answer.message ?? `the service answered ${answer.__typename}`);
  };
}
