import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { findSrv, SIGNED_PRE_COMMAND, SIGNED_LEG_VARIANTS } from '@dccrouter/domain';
import { Long, ServiceRequest, type dccrouter } from '@dccrouter/protocol';

/** base64 DER ECDSA P-256 / SHA-256 signature of the exact bytes, as X-DCC-Signature carries it. */
export function signBytes(privateKey: KeyObject | string, bytes: Uint8Array | string): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  return sign('sha256', typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { key, dsaEncoding: 'der' }).toString('base64');
}

export interface RequestSpec {
  originatorId: string;
  targetId: string;
  /** A decimal uint64; text or bigint so counters past 2^53 stay exact. */
  counter: string | bigint;
  commandVariant: number;
  /** Service Reference Variant, e.g. "4.1.1". */
  srv: string;
  /** Defaults to the SRV's from the catalogue. */
  serviceReference?: string;
  /** Defaults to the SRV's body element, or SignedPreCommand for CV 5, 6, 7. */
  bodyElement?: string;
  bodyValue?: Record<string, unknown> | '';
}

function resolved(spec: RequestSpec) {
  const srv = findSrv(spec.srv);
  return {
    serviceReference: spec.serviceReference ?? srv?.serviceReference ?? spec.srv,
    bodyElement: spec.bodyElement ?? (SIGNED_LEG_VARIANTS.has(spec.commandVariant) ? SIGNED_PRE_COMMAND : srv?.bodyElement ?? 'Unknown'),
    bodyValue: spec.bodyValue ?? {},
  };
}

/** The contract's JSON form. `counterAsNumber` writes the counter as a JSON integer (still exact). */
export function buildJsonRequest(spec: RequestSpec, options: { counterAsNumber?: boolean } = {}): string {
  const { serviceReference, bodyElement, bodyValue } = resolved(spec);
  const counter = String(spec.counter);
  const document = {
    header: {
      requestId: { originatorId: spec.originatorId, targetId: spec.targetId, counter: options.counterAsNumber ? '__COUNTER__' : counter },
      commandVariant: spec.commandVariant,
      serviceReference,
      serviceReferenceVariant: spec.srv,
    },
    body: { [bodyElement]: bodyValue },
  };
  const text = JSON.stringify(document);
  // JSON.stringify cannot write an integer past 2^53 exactly; splice the digits in as a bare literal.
  return options.counterAsNumber ? text.replace('"__COUNTER__"', counter) : text;
}

/** The contract's protobuf form (dccrouter.v1.ServiceRequest). */
export function buildProtobufRequest(spec: RequestSpec): Uint8Array {
  const { serviceReference, bodyElement, bodyValue } = resolved(spec);
  return ServiceRequest.encode({
    header: {
      requestId: { originatorId: spec.originatorId, targetId: spec.targetId, counter: Long.fromString(String(spec.counter), true) },
      commandVariant: spec.commandVariant,
      serviceReference,
      serviceReferenceVariant: spec.srv,
    },
    bodyElement,
    bodyJson: bodyValue === '' ? '' : JSON.stringify(bodyValue),
  }).finish();
}

export interface SubmitResult {
  status: number;
  answer: any;
  /** Over gRPC: the acknowledgement's typed fields. */
  acknowledgement?: dccrouter.v1.IAcknowledgement;
  /** Over gRPC, for a refusal given as a status: its code and the delay its RetryInfo asks for. */
  grpcCode?: number;
  retryDelayMs?: number;
}

/** A DCC User's connection to the router: signs every body with the User's key. */
export class RouterClient {
  private readonly key: KeyObject;

  constructor(readonly baseUrl: string, privateKeyPem: string) {
    this.key = createPrivateKey(privateKeyPem);
  }

  sign(bytes: Uint8Array | string): string {
    return signBytes(this.key, bytes);
  }

  async submit(spec: RequestSpec, format: 'json' | 'protobuf' = 'json'): Promise<SubmitResult> {
    const body = format === 'json' ? buildJsonRequest(spec) : buildProtobufRequest(spec);
    return this.submitBytes(body, format === 'json' ? 'application/json' : 'application/x-protobuf');
  }

  /**
   * A signed call as a User (reading back its data, releasing its quarantined requests): the
   * signature covers `<METHOD>\n<path and query as sent>\n<timestamp>`.
   */
  async call(userId: string, method: string, pathAndQuery: string, timestamp = new Date().toISOString()): Promise<SubmitResult> {
    const signature = this.sign(`${method}\n${pathAndQuery}\n${timestamp}`);
    const response = await fetch(`${this.baseUrl}${pathAndQuery}`, {
      method,
      headers: { 'x-dcc-user': userId, 'x-dcc-timestamp': timestamp, 'x-dcc-signature': signature },
    });
    return { status: response.status, answer: await response.json() };
  }

  /** Sends exact bytes, signed as they are. */
  async submitBytes(body: Uint8Array | string, contentType = 'application/json', signature: string | null = this.sign(body)): Promise<SubmitResult> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (signature !== null) headers['x-dcc-signature'] = signature;
    const response = await fetch(`${this.baseUrl}/v1/service-requests`, { method: 'POST', headers, body: body as BodyInit });
    return { status: response.status, answer: await response.json() };
  }
}
export { GrpcRouterClient, refusalOf } from './grpc.ts';
