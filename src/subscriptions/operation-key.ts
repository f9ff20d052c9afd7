// Which subscribers can share the execution of an event: those whose operations would resolve
// it identically. The arguments of the root subscription field only choose which events reach
// a subscriber (`after:`, filters); how an event resolves is set by the rest of the document and
// the variables that rest uses (src/graphql/subscriptions.ts keeps it so: its `resolve`
// functions read the event alone). So a dashboard resuming with `after:` its own last cursor,
// or filtering on another country, still shares each live event with everyone else.
import {
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  print,
  visit,
} from "graphql";

type Shape = { text: string; variables: string[] };

/** Distinct keys interned per document; past it, a subscriber keeps its own copy. */
const MAX_KEYS_PER_DOCUMENT = 1_000;
/** Longer keys are not interned: an interned key lives as long as its document is cached. */
const MAX_INTERNED_KEY_LENGTH = 4_096;

function withoutRootArguments(document: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const selections = operation.selectionSet.selections.map((selection) =>
    selection.kind === Kind.FIELD ? ({ ...selection, arguments: [] } satisfies FieldNode) : selection,
  );
  const stripped = { ...operation, selectionSet: { ...operation.selectionSet, selections } };
  return {
    ...document,
    // Other operations in the document do not run; fragments may be used by this one.
    definitions: document.definitions
      .filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation)
      .map((d) => (d === operation ? stripped : d)),
  };
}

/**
 * Operation keys for one app: what a key is made of is worked out once per document (and kept
 * as long as the document is), and equal keys are one string.
 */
export class OperationKeys {
  /** Per document and operation name: the document without root arguments, and the variables it uses. */
  readonly #shapes = new WeakMap<DocumentNode, Map<string, Shape>>();
  /** Keys already in use, per document: every subscriber of an operation shares one key string. */
  readonly #interned = new WeakMap<DocumentNode, Map<string, string>>();

  /** The key under which subscribers share an event's result. */
  key(args: ExecutionArgs): string {
    const { text, variables } = this.#shapeOf(args.document, args.operationName);
    const given = args.variableValues ?? {};
    const values = variables.map((name) => (name in given ? JSON.stringify(given[name]) : "-"));
    // Who asks matters to fields guarded by scopes: an admin, no credentials, or bad ones.
    const viewer = (args.contextValue as { viewer?: { admin?: boolean; reason?: string } } | undefined)?.viewer;
    const who = viewer?.admin ? "admin" : (viewer?.reason ?? "public");
    const key = `${args.operationName ?? ""}\n${who}\n${values.join(",")}\n${text}`;
    if (key.length > MAX_INTERNED_KEY_LENGTH) return key;
    let known = this.#interned.get(args.document);
    if (!known) {
      known = new Map();
      this.#interned.set(args.document, known);
    }
    const existing = known.get(key);
    if (existing !== undefined) return existing;
    if (known.size < MAX_KEYS_PER_DOCUMENT) known.set(key, key);
    return key;
  }

  #shapeOf(document: DocumentNode, operationName: string | null | undefined): Shape {
    let byName = this.#shapes.get(document);
    if (!byName) {
      byName = new Map();
      this.#shapes.set(document, byName);
    }
    const name = operationName ?? "";
    let shape = byName.get(name);
    if (!shape) {
      const operation = getOperationAST(document, operationName);
      const stripped = operation?.operation === "subscription" ? withoutRootArguments(document, operation) : document;
      const used = new Set<string>();
      visit(stripped, {
        VariableDefinition: () => false,
        Variable: (node) => {
          used.add(node.name.value);
        },
      });
      shape = { text: print(stripped), variables: [...used].sort() };
      byName.set(name, shape);
    }
    return shape;
  }
}
