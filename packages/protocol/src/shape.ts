// The wire shape of router.proto that clients depend on: every message's fields (number, type,
// label) and every service method (types, streaming). Used to check that a change to the .proto
// only adds (src/compatibility.test.ts) against the shape last released (proto/router.lock.json).
import protobuf from 'protobufjs';

export interface ProtoShape {
  messages: Record<string, Record<string, { id: number; type: string; rule?: string; keyType?: string }>>;
  methods: Record<string, { requestType: string; responseType: string; requestStream: boolean; responseStream: boolean }>;
}

export function protoShape(protoText: string): ProtoShape {
  const root = protobuf.parse(protoText, { keepCase: true }).root.resolveAll();
  const shape: ProtoShape = { messages: {}, methods: {} };
  const visit = (namespace: protobuf.NamespaceBase) => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        shape.messages[nested.fullName.slice(1)] = Object.fromEntries(nested.fieldsArray.map((field) => [field.name, {
          id: field.id, type: field.resolvedType ? field.resolvedType.fullName.slice(1) : field.type,
          ...(field.repeated ? { rule: 'repeated' } : {}), ...(field instanceof protobuf.MapField ? { keyType: field.keyType } : {}),
        }]));
      } else if (nested instanceof protobuf.Service) {
        for (const method of nested.methodsArray) {
          shape.methods[`${nested.fullName.slice(1)}/${method.name}`] = {
            requestType: method.resolvedRequestType!.fullName.slice(1), responseType: method.resolvedResponseType!.fullName.slice(1),
            requestStream: method.requestStream === true, responseStream: method.responseStream === true,
          };
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  return shape;
}

/** What `next` breaks of `released`: a field or method removed, renumbered, retyped or relabelled. */
export function breakingChanges(released: ProtoShape, next: ProtoShape): string[] {
  const problems: string[] = [];
  for (const [message, fields] of Object.entries(released.messages)) {
    const now = next.messages[message];
    if (!now) { problems.push(`message ${message} removed`); continue; }
    const byId = new Map(Object.entries(now).map(([name, field]) => [field.id, { name, ...field }]));
    for (const [name, field] of Object.entries(fields)) {
      const same = byId.get(field.id);
      if (!same) problems.push(`${message}: field ${field.id} (${name}) removed`);
      else if (same.type !== field.type || same.rule !== field.rule || same.keyType !== field.keyType) problems.push(`${message}: field ${field.id} (${name}) changed from ${JSON.stringify(field)} to ${JSON.stringify(same)}`);
      else if (same.name !== name) problems.push(`${message}: field ${field.id} renamed from ${name} to ${same.name} (breaks JSON mapping)`);
    }
  }
  for (const [method, signature] of Object.entries(released.methods)) {
    const now = next.methods[method];
    if (!now) problems.push(`method ${method} removed`);
    else if (JSON.stringify(now) !== JSON.stringify(signature)) problems.push(`method ${method} changed from ${JSON.stringify(signature)} to ${JSON.stringify(now)}`);
  }
  return problems;
}

/** What `next` has that `released` does not (messages, fields, methods): additions the lock does not guard yet. */
export function unlockedAdditions(released: ProtoShape, next: ProtoShape): string[] {
  const added: string[] = [];
  for (const [message, fields] of Object.entries(next.messages)) {
    const locked = released.messages[message];
    if (!locked) { added.push(`message ${message}`); continue; }
    const lockedIds = new Set(Object.values(locked).map((field) => field.id));
    for (const [name, field] of Object.entries(fields)) if (!lockedIds.has(field.id)) added.push(`${message}: field ${field.id} (${name})`);
  }
  for (const method of Object.keys(next.methods)) if (!released.methods[method]) added.push(`method ${method}`);
  return added;
}
